"""Each rule has one definition: role names are spelt only in ``app/accounts/roles.py`` (use ``Role``)."""

from __future__ import annotations

import ast
from pathlib import Path

from app.accounts.roles import ROLES

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("app", "complaints", "news", "surveys", "notifications")
ALLOWED = {Path("app/accounts/roles.py")}
#: Strings that only look like role names: (file, value) -> what they are.
COINCIDENCES = {
    ("complaints/feedback/schemas.py", "moderator"): "a timeline actor label",
    ("complaints/feedback/presenters.py", "moderator"): "a timeline actor label",
    ("complaints/sla/holidays.py", "admin"): "a day-off kind (set by an admin)",
    ("complaints/sla/schemas.py", "admin"): "a day-off kind (set by an admin)",
}


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def bare_role_strings() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if rel in ALLOWED:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            skip = _docstrings(tree)
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Constant)
                    and node.value in ROLES
                    and id(node) not in skip
                    and (rel.as_posix(), node.value) not in COINCIDENCES
                ):
                    found.append(f"{rel}:{node.lineno}: {node.value!r}")
    return found


def test_role_names_are_spelt_only_in_roles_py():
    found = bare_role_strings()
    assert not found, "use app.accounts.roles.Role instead of:\n" + "\n".join(found)
