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


#: Variables of the README's configuration table that are not ``Config`` fields (the test suite reads them).
_TEST_ONLY_VARIABLES = {"TEST_DATABASE_URL"}


def _configuration_table() -> dict[str, str]:
    """``{variable: default cell}`` of the README's configuration table."""
    section = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([A-Z0-9_]+)` \| ([^|]*) \|", section, re.M)
    return {name: default.strip() for name, default in rows}


def test_every_setting_is_in_the_readme_configuration_table_and_nothing_else():
    from dataclasses import fields

    from app.config import ENV_NAMES, NOT_FROM_ENV, Config

    variables = {ENV_NAMES.get(f.name, f.name) for f in fields(Config) if f.name not in NOT_FROM_ENV}
    documented = set(_configuration_table()) - _TEST_ONLY_VARIABLES
    assert variables - documented == set(), "settings missing from the README table"
    assert documented - variables == set(), "README table rows that are no setting"


def test_the_readme_states_each_plain_default():
    from dataclasses import fields

    from app.config import COMPUTED_DEFAULTS, ENV_NAMES, Config

    table = _configuration_table()
    for f in fields(Config):
        name = ENV_NAMES.get(f.name, f.name)
        if name not in table or f.name in COMPUTED_DEFAULTS or f.default == "" or f.name.endswith("SECRET_KEY"):
            continue
        shown = str(f.default).lower() if isinstance(f.default, bool) else str(f.default)
        assert table[name].startswith(f"`{shown}`"), (name, table[name], shown)
