"""The README's commands work as a new user types them."""

from __future__ import annotations

import re
import shlex

from app.config import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    """Shell commands in the README: lines of ```sh blocks (continuations joined) and inline `...` code."""
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    lines = [ln.split("#")[0].strip() for b in blocks for ln in b.replace("\\\n", " ").splitlines()]
    inline = re.findall(r"`([^`\n]+)`", README)
    return [c for c in lines + inline if c and not c.endswith("flask ...")]  # "flask ..." is prose for any command


def test_flask_and_tool_commands_name_the_virtual_environment():
    bare = [c for c in _commands() if re.match(r"(flask|alembic|gunicorn|pytest)(\s|$)", c)]
    assert bare == [], "write .venv/bin/<tool> (the README says so) for: " + "; ".join(bare)


def test_every_flask_command_in_the_readme_exists(app):
    cli = app.cli
    missing = []
    for c in _commands():
        if ".venv/bin/flask " not in c:
            continue
        words = shlex.split(c.split(".venv/bin/flask ", 1)[1].replace("...", "x"))
        group = cli.get_command(None, words[0])
        if group is None:
            missing.append(c)
            continue
        sub = words[1] if len(words) > 1 and not words[1].startswith("-") else None
        if sub and hasattr(group, "get_command") and group.get_command(None, sub) is None:
            missing.append(c)
    assert missing == []


def test_make_variables_for_host_and_port_are_documented():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for var in ("HOST", "PORT"):
        assert re.search(rf"^{var} \?=", makefile, flags=re.M)
        assert f"`{var}`" in README
