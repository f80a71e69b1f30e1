"""What a survey definition must satisfy beyond its schema: pure checks over the parsed items (no database).

Errors come back in one ``ValidationFailed`` with ``errors={"items": {"<index>": {"<field>": [message]}}}``.
"""

from __future__ import annotations

from typing import Any

from app.core.errors import ValidationFailed
from app.core.i18n import _
from surveys import states as st

MAX_ITEMS = 100
OPTION_LIMITS = {st.SINGLE: (2, 50), st.MULTIPLE: (2, 50), st.RANKING: (2, 20), st.MATRIX: (2, 10)}
MATRIX_ROWS = (1, 30)
SHORT_TEXT_DEFAULT = 500


def _add(errors: dict[str, Any], index: int, field: str, message: str) -> None:
    errors.setdefault(str(index), {}).setdefault(field, []).append(message)


def _check_options(item: dict[str, Any], i: int, errors: dict[str, Any]) -> None:
    kind, options, rows = item["type"], item.get("options") or [], item.get("rows") or []
    if kind in OPTION_LIMITS:
        low, high = OPTION_LIMITS[kind]
        if not low <= len(options) <= high:
            _add(errors, i, "options", _("Give {low} to {high} options.", low=low, high=high))
        elif len({o.casefold() for o in options}) != len(options):
            _add(errors, i, "options", _("Options must differ."))
    elif options:
        _add(errors, i, "options", _("This type has no options."))
    if kind == st.MATRIX:
        low, high = MATRIX_ROWS
        if not low <= len(rows) <= high:
            _add(errors, i, "rows", _("Give {low} to {high} rows.", low=low, high=high))
        elif len({r.casefold() for r in rows}) != len(rows):
            _add(errors, i, "rows", _("Rows must differ."))
    elif rows:
        _add(errors, i, "rows", _("Only a matrix has rows."))


def _check_settings(item: dict[str, Any], i: int, errors: dict[str, Any]) -> None:
    kind = item["type"]
    if item.get("allow_other") and kind not in st.CHOICE_TYPES:
        _add(errors, i, "allow_other", _("Only single and multiple choice questions offer \u201cother\u201d."))
    low, high = item.get("min_choices"), item.get("max_choices")
    if (low is not None or high is not None) and kind != st.MULTIPLE:
        _add(errors, i, "max_choices", _("Only multiple choice questions have a number of selections."))
    elif kind == st.MULTIPLE:
        available = len(item.get("options") or []) + (1 if item.get("allow_other") else 0)
        if high is not None and high > available:
            _add(errors, i, "max_choices", _("At most the number of options."))
        if low is not None and low > (high if high is not None else available):
            _add(errors, i, "min_choices", _("At most the maximum number of selections."))
    if item.get("max_length") is not None and kind != st.SHORT_TEXT:
        _add(errors, i, "max_length", _("Only short text questions have a maximum length."))
    numeric = ("min_value", "max_value", "integer_only")
    if kind != st.NUMBER and any(item.get(f) not in (None, False) for f in numeric):
        _add(errors, i, "min_value", _("Only number questions have a range."))
    elif kind == st.NUMBER:
        lo, hi = item.get("min_value"), item.get("max_value")
        if lo is not None and hi is not None and lo > hi:
            _add(errors, i, "min_value", _("The minimum is above the maximum."))
    if kind in (st.SECTION, st.TEXT_BLOCK) and item.get("required"):
        _add(errors, i, "required", _("Only questions can be required."))


def _check_condition(items: list[dict[str, Any]], item: dict[str, Any], i: int, errors: dict[str, Any]) -> None:
    cond = item.get("condition")
    if cond is None:
        return
    if item["type"] not in st.QUESTION_TYPES:
        _add(errors, i, "condition", _("Only questions have display conditions."))
        return
    target = cond["question"]
    if target >= i or items[target]["type"] not in st.QUESTION_TYPES:
        _add(errors, i, "condition", _("A condition refers to an earlier question."))
        return
    option = cond.get("option")
    if cond["operator"] in (st.EQUALS, st.NOT_EQUALS):
        if items[target]["type"] not in st.CHOICE_TYPES:
            _add(errors, i, "condition", _("Only a single or multiple choice answer can equal an option."))
        elif option is None or option >= len(items[target].get("options") or []):
            _add(errors, i, "condition", _("Name one of that question's options."))
    elif option is not None:
        _add(errors, i, "condition", _("This operator takes no option."))


def check_items(kind: str, items: list[dict[str, Any]]) -> None:
    """Raise ``ValidationFailed`` naming every item that breaks a rule; a poll is exactly one question."""
    errors: dict[str, Any] = {}
    if len(items) > MAX_ITEMS:
        raise ValidationFailed(
            _("At most {count} items.", count=MAX_ITEMS),
            errors={"items": [_("At most {count} items.", count=MAX_ITEMS)]},
        )
    if kind == st.POLL and (len(items) != 1 or items[0]["type"] not in st.POLL_TYPES):
        message = _("A poll is exactly one single choice, multiple choice, yes/no, rating or scale question.")
        raise ValidationFailed(message, errors={"items": [message]})
    for i, item in enumerate(items):
        _check_options(item, i, errors)
        _check_settings(item, i, errors)
        _check_condition(items, item, i, errors)
    if errors:
        raise ValidationFailed("The request contains invalid fields.", errors={"items": errors})


def has_question(items: list[Any]) -> bool:
    return any((i["type"] if isinstance(i, dict) else i.type) in st.QUESTION_TYPES for i in items)
