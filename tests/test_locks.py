"""The lock files (``make lock``) pin every top-level requirement exactly as requirements*.txt do, with hashes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", re.M)


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _top_level(path: Path) -> dict[str, str]:
    """``{name: version}`` of a requirements file, following ``-r`` includes; every line must be an ``==`` pin."""
    pins: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            pins.update(_top_level(path.parent / line[3:].strip()))
            continue
        m = _PIN.match(line)
        assert m, f"{path.name}: not an exact pin: {line!r}"
        pins[_name(m.group(1))] = m.group(2)
    return pins


def _locked(path: Path) -> dict[str, str]:
    lines = path.read_text().splitlines()
    body = "\n".join(lines[next(i for i, line in enumerate(lines) if line and not line.startswith("#")) :])
    blocks = re.split(r"\n(?=[A-Za-z0-9])", body)
    locked = {}
    for block in blocks:
        m = _PIN.match(block)
        assert m, f"{path.name}: unexpected entry {block[:60]!r}"
        assert "--hash=sha256:" in block, f"{path.name}: {m.group(1)} has no hash"
        locked[_name(m.group(1))] = m.group(2)
    return locked


@pytest.mark.parametrize(
    ("source", "lock"), [("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock")]
)
def test_every_top_level_requirement_is_locked_at_its_pinned_version(source, lock):
    wanted, locked = _top_level(ROOT / source), _locked(ROOT / lock)
    missing = sorted(set(wanted) - set(locked))
    assert not missing, f"{lock} lacks {missing}: run `make lock`"
    differ = {n: (v, locked[n]) for n, v in wanted.items() if locked[n] != v}
    assert not differ, f"{source} and {lock} disagree (pinned, locked): {differ}; run `make lock`"


def test_the_runtime_lock_is_the_runtime_part_of_the_dev_lock():
    runtime, dev = _locked(ROOT / "requirements.lock"), _locked(ROOT / "requirements-dev.lock")
    assert {n: dev.get(n) for n in runtime} == runtime, "regenerate both locks together: `make lock`"
