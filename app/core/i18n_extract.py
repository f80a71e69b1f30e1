"""The Babel extractor for Balai's Python code (``pybabel extract -F babel.cfg``; the catalog test runs it too).

Besides ``_("...")`` it takes, without a mark at the call site, the first argument of the error constructors
(``NotFound("...")``, ``Conflict``, ``ValidationFailed``, marshmallow's ``ValidationError``, …), the texts inside
an ``errors={field: ["..."]}`` argument, ``error="..."`` / ``message="..."`` keyword arguments, and the values of a
field's ``default_error_messages``. An f-string in
one of those places cannot be translated; it is reported as ``<f-string>`` so that the catalog test names it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

#: Calls whose first positional argument is a message a person reads.
MESSAGE_CALLS = frozenset(
    {
        "_",
        "Msg",
        "AppError",
        "BadRequest",
        "Unauthorized",
        "Forbidden",
        "NotFound",
        "Conflict",
        "ValidationFailed",
        "PhotoRejected",
        "InvalidTransition",
        "PreconditionFailed",
        "Unavailable",
        "InsufficientStorage",
        "ValidationError",
        "_unauthorized",
        "invalid",
        "permission_required",
        "json_error",
    }
)
#: Keyword arguments (of any call) holding messages.
MESSAGE_KEYWORDS = frozenset({"error", "errors", "message"})
FSTRING = "<f-string>"


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _texts(node: ast.AST, *, keys: bool = False) -> Iterator[tuple[int, str]]:
    """String literals in ``node``: itself, or inside lists, tuples and the values of dicts."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.lineno, node.value
    elif isinstance(node, ast.JoinedStr):
        yield node.lineno, FSTRING
    elif isinstance(node, ast.List | ast.Tuple | ast.Set):
        for item in node.elts:
            yield from _texts(item)
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from _texts(value)
    elif isinstance(node, ast.IfExp):
        yield from _texts(node.body)
        yield from _texts(node.orelse)


#: Assignments whose dict values are messages: a marshmallow field's or validator's own error texts.
MESSAGE_ASSIGNMENTS = frozenset({"default_error_messages"})


def messages_in(source: str) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id in MESSAGE_ASSIGNMENTS for t in targets):
                yield from _texts(node.value)
            continue
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name in MESSAGE_CALLS and node.args:
            first = node.args[0]
            if name in ("permission_required", "json_error") and len(node.args) > 1:
                first = node.args[1]
            elif name in ("permission_required", "json_error"):
                continue
            yield from _texts(first)
        for kw in node.keywords:
            if kw.arg in MESSAGE_KEYWORDS:
                yield from _texts(kw.value)


def extract(fileobj: Any, keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple[int, str, str, list]]:
    """Babel extraction method (``app.core.i18n_extract.extract`` in ``babel.cfg``)."""
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    for lineno, text in sorted(set(messages_in(source))):
        if text.strip():
            yield lineno, "_", text, []


SOURCE_DIRS = ("app", "complaints", "news", "surveys", "notifications")
METHOD_MAP = [("**.py", "app.core.i18n_extract.extract")]


def extract_all(root: Any = None) -> dict[str, list[str]]:
    """Every msgid of the project (code, marshmallow's templates, the framework's texts) → where it is used."""
    from pathlib import Path

    from babel.messages.extract import extract_from_dir

    from app.core import i18n

    root = Path(root or Path(__file__).resolve().parents[2])
    found: dict[str, list[str]] = {}
    for folder in SOURCE_DIRS:
        for filename, lineno, msgid, _comments, _ctx in extract_from_dir(root / folder, method_map=METHOD_MAP):
            found.setdefault(msgid, []).append(f"{folder}/{filename}:{lineno}")
    for template, _code in i18n.VALIDATION_TEMPLATES:
        found.setdefault(template, []).append("marshmallow")
    for text in i18n.edge_messages():
        found.setdefault(text, []).append("werkzeug")
    return found


def update_catalogs() -> None:
    """Add new msgids to both catalogs (English: the msgid itself; Indonesian: empty, for a translator) and mark
    the ones no longer used obsolete. ``make messages`` runs it; the catalog test fails while one is empty."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    from app.core import i18n

    found = extract_all()
    for locale in i18n.LOCALES:
        path = i18n.po_path(locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as f:
                old = read_po(f, locale=locale)
        else:
            old = Catalog(locale=locale)
        # The old header's dates are kept: a date that moved on every run made every merge of two branches conflict.
        new = Catalog(
            locale=locale,
            project="Balai",
            domain="messages",
            fuzzy=False,
            creation_date=old.creation_date,
            revision_date=old.revision_date,
        )
        for msgid, where in found.items():
            prev = old.get(msgid)
            msgstr = prev.string if prev is not None and prev.string else (msgid if locale == "en" else "")
            new.add(msgid, msgstr, locations=[(w.rsplit(":", 1)[0], 0) for w in where[:3]])
        with path.open("wb") as f:
            write_po(f, new, width=120, omit_header=False, sort_output=True, include_lineno=False)


if __name__ == "__main__":
    update_catalogs()
