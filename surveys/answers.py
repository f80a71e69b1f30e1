"""Checking a response against its survey: pure functions over the stored items (no database, no request).

``check_response`` walks the questions in order, decides which are shown (display conditions over the answers
given so far), and checks each answer against its question: the fields of its type only, options that belong to
it, the number of selections, a complete ranking, matrix rows, ranges, lengths, and "required" only when shown.
An answer to a hidden question, to a text block or to a question of another survey is refused. Every problem is
reported at once as ``errors={"answers": {"<question id>": [messages]}}`` (422); nothing is stored.

The result is the rows to store, one per part of each answer (see ``surveys.models.Answer``).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from app.core.errors import ValidationFailed
from app.core.i18n import _
from surveys import states as st
from surveys.models import TEXT_ANSWER_MAX
from surveys.rules import SHORT_TEXT_DEFAULT

#: The answer fields each question type takes.
FIELDS: dict[str, frozenset[str]] = {
    st.SINGLE: frozenset({"option_id", "other"}),
    st.MULTIPLE: frozenset({"option_ids", "other"}),
    st.RANKING: frozenset({"ranking"}),
    st.MATRIX: frozenset({"rows"}),
    st.SHORT_TEXT: frozenset({"text"}),
    st.LONG_TEXT: frozenset({"text"}),
    st.RATING: frozenset({"value"}),
    st.SCALE: frozenset({"value"}),
    st.NUMBER: frozenset({"value"}),
    st.YES_NO: frozenset({"yes"}),
    st.DATE: frozenset({"date"}),
}
VALUE_FIELDS = frozenset().union(*FIELDS.values())


class _Invalid(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def _part(q: Any, part: int, **values: Any) -> dict[str, Any]:
    row = {"question_id": q.id, "part": part, "row_id": None, "option_id": None, "num_value": None, "text_value": None}
    row.update(values)
    return row


def _choices(q: Any, a: dict[str, Any], option_ids: set[int]) -> tuple[list[dict[str, Any]], set[int]]:
    other = a.get("other")
    if other is not None and not q.allow_other:
        raise _Invalid(_("This question has no \u201cother\u201d answer."))
    if q.type == st.SINGLE:
        chosen = [a["option_id"]] if a.get("option_id") is not None else []
        if len(chosen) + (other is not None) != 1:
            raise _Invalid(_("Choose exactly one option."))
    else:
        chosen = list(a.get("option_ids") or [])
        if len(set(chosen)) != len(chosen):
            raise _Invalid(_("An option is chosen twice."))
        count = len(chosen) + (other is not None)
        low, high = q.min_choices or 1, q.max_choices
        if count < low or (high is not None and count > high):
            raise _Invalid(_("Choose between {low} and {high} options.", low=low, high=high or len(option_ids) + 1))
    if any(o not in option_ids for o in chosen):
        raise _Invalid(_("An option does not belong to this question."))
    parts = [_part(q, i, option_id=o) for i, o in enumerate(chosen)]
    if other is not None:
        parts.append(_part(q, len(chosen), text_value=other))
    return parts, set(chosen)


def _ranking(q: Any, a: dict[str, Any], option_ids: list[int]) -> list[dict[str, Any]]:
    order = list(a["ranking"])
    if sorted(order) != sorted(option_ids):
        raise _Invalid(_("Rank every option of this question once."))
    return [_part(q, i, option_id=o, num_value=float(i + 1)) for i, o in enumerate(order)]


def _matrix(q: Any, a: dict[str, Any], option_ids: set[int], row_ids: list[int]) -> list[dict[str, Any]]:
    cells = list(a["rows"])
    seen = [c["row_id"] for c in cells]
    if len(set(seen)) != len(seen):
        raise _Invalid(_("A row is answered twice."))
    if any(r not in row_ids for r in seen):
        raise _Invalid(_("A row does not belong to this question."))
    if any(c["option_id"] not in option_ids for c in cells):
        raise _Invalid(_("An option does not belong to this question."))
    if q.required and len(seen) != len(row_ids):
        raise _Invalid(_("Answer every row."))
    return [_part(q, i, row_id=c["row_id"], option_id=c["option_id"]) for i, c in enumerate(cells)]


def _number(q: Any, value: float) -> float:
    if not math.isfinite(value):
        raise _Invalid(_("Not a number."))
    if q.type in (st.RATING, st.SCALE):
        low, high = st.RATING_RANGE if q.type == st.RATING else st.SCALE_RANGE
        if value != int(value) or not low <= value <= high:
            raise _Invalid(_("Give a whole number from {low} to {high}.", low=low, high=high))
        return float(value)
    if q.integer_only and value != int(value):
        raise _Invalid(_("Give a whole number."))
    if q.min_value is not None and value < q.min_value:
        raise _Invalid(_("At least {low}.", low=_fmt(q.min_value)))
    if q.max_value is not None and value > q.max_value:
        raise _Invalid(_("At most {high}.", high=_fmt(q.max_value)))
    return float(value)


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _one(q: Any, a: dict[str, Any], opts: list[Any]) -> tuple[list[dict[str, Any]], set[int]]:
    """The rows of one answer, and the options it selected (for later display conditions)."""
    extra = sorted((a.keys() & VALUE_FIELDS) - FIELDS[q.type])
    if extra:
        raise _Invalid(_("Fields not used by a {type} question: {fields}.", type=q.type, fields=", ".join(extra)))
    option_ids = [o.id for o in opts if not o.is_row]
    if q.type in st.CHOICE_TYPES:
        return _choices(q, a, set(option_ids))
    if q.type == st.RANKING:
        return _ranking(q, a, option_ids), set()
    if q.type == st.MATRIX:
        return _matrix(q, a, set(option_ids), [o.id for o in opts if o.is_row]), set()
    if q.type in st.TEXT_TYPES:
        limit = (q.max_length or SHORT_TEXT_DEFAULT) if q.type == st.SHORT_TEXT else TEXT_ANSWER_MAX
        if len(a["text"]) > limit:
            raise _Invalid(_("At most {count} characters.", count=limit))
        if q.type == st.SHORT_TEXT and "\n" in a["text"]:
            raise _Invalid(_("One line only."))
        return [_part(q, 0, text_value=a["text"])], set()
    if q.type == st.YES_NO:
        return [_part(q, 0, num_value=1.0 if a["yes"] else 0.0)], set()
    if q.type == st.DATE:
        day: dt.date = a["date"]
        return [_part(q, 0, text_value=day.isoformat())], set()
    return [_part(q, 0, num_value=_number(q, a["value"]))], set()


def _is_empty(a: dict[str, Any]) -> bool:
    values = [a.get(f) for f in VALUE_FIELDS]
    return all(v is None or v == [] for v in values)


def is_shown(q: Any, selected: dict[int, set[int]]) -> bool:
    """Whether ``q`` is shown, given the selections of the earlier questions answered (``selected``: question id →
    chosen option ids, present for every answered question). ``not_equals`` holds when the option is not chosen,
    including when the question was not answered."""
    if q.condition_question_id is None:
        return True
    answered = q.condition_question_id in selected
    chosen = selected.get(q.condition_question_id, set())
    return {
        st.ANSWERED: answered,
        st.NOT_ANSWERED: not answered,
        st.EQUALS: q.condition_option_id in chosen,
        st.NOT_EQUALS: q.condition_option_id not in chosen,
    }[q.condition_operator]


def check_response(items: list[Any], options: dict[int, list[Any]], answers: list[dict[str, Any]]) -> list[dict]:
    """The answer rows to store, or ``ValidationFailed`` naming every question with a problem."""
    errors: dict[str, list[str]] = {}
    given: dict[int, dict[str, Any]] = {}
    for a in answers:
        qid = a["question_id"]
        if qid in given:
            errors.setdefault(str(qid), []).append(_("Answered twice."))
        given[qid] = a
    questions = {q.id: q for q in items if q.type in st.QUESTION_TYPES}
    for qid in given.keys() - questions.keys():
        errors.setdefault(str(qid), []).append(_("Not a question of this survey."))
    rows: list[dict[str, Any]] = []
    selected: dict[int, set[int]] = {}
    for q in questions.values():
        a = given.get(q.id)
        empty = a is None or _is_empty(a)
        if not is_shown(q, selected):
            if not empty:
                errors.setdefault(str(q.id), []).append(_("This question is not shown after your earlier answers."))
            continue
        if empty:
            if q.required:
                errors.setdefault(str(q.id), []).append(_("This question is required."))
            continue
        try:
            parts, chosen = _one(q, a, options.get(q.id, []))
        except _Invalid as exc:
            errors.setdefault(str(q.id), []).append(exc.message)
            continue
        rows.extend(parts)
        selected[q.id] = chosen
    if errors:
        raise ValidationFailed("Some answers are not valid.", errors={"answers": errors})
    return rows
