"""The results tally (``survey_tallies``): counts kept in step with the answers, one statement per response.

``rows_of`` folds one response's answer rows into tally keys (question, matrix row, option, integer value, desa)
with their counts (and a number question's sum of values), plus the respondents row (``RESPONDENTS_QUESTION``);
they are added with one ``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n``, in key order so that concurrent
submits lock the shared rows in the same order (no deadlock). On SQLite ``add`` executes it for the response's rows
in one batch; on PostgreSQL ``add_from_arrays`` makes it a part of the submit's single statement
(``responding._submit_statement``), the rows passed as one array per column. The migration builds the tally of existing
answers set-based (one ``INSERT … SELECT … GROUP BY``).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from typing import Any

from sqlalchemy import bindparam, select, true
from sqlalchemy.dialects import postgresql, sqlite

from app.core.sql import unnest_arrays
from app.extensions import db
from surveys import states as st
from surveys.models import NO_VALUE, NONE_KEY, RESPONDENTS_QUESTION, Tally


def _value(question_type: str | None, num_value: float | None) -> int:
    if num_value is None or question_type == st.NUMBER:
        return NO_VALUE
    return int(num_value)


def rows_of(survey_id: int, desa_code: str | None, types: dict[int, str], parts: list[dict[str, Any]]) -> list[dict]:
    """The tally increments of one response (``parts``: its answer rows as stored)."""
    desa = desa_code or ""
    counts: dict[tuple[int, int, int, int], list[Any]] = defaultdict(lambda: [0, 0, 0, 0.0])
    counts[(RESPONDENTS_QUESTION, NONE_KEY, NONE_KEY, NO_VALUE)][0] += 1
    for p in parts:
        option_id = p.get("option_id")
        key = (
            p["question_id"],
            p.get("row_id") or NONE_KEY,
            option_id or NONE_KEY,
            _value(types.get(p["question_id"]), p.get("num_value")),
        )
        c = counts[key]
        c[0] += 1
        c[1] += 1 if p.get("part", 0) == 0 else 0
        c[2] += 1 if option_id is None and p.get("text_value") is not None else 0
        if types.get(p["question_id"]) == st.NUMBER and p.get("num_value") is not None:
            c[3] += p["num_value"]
    return [
        {
            "survey_id": survey_id,
            "question_id": k[0],
            "row_id": k[1],
            "option_id": k[2],
            "value": k[3],
            "desa_code": desa,
            "n": c[0],
            "firsts": c[1],
            "texts": c[2],
            "total": c[3],
        }
        for k, c in sorted(counts.items())
    ]


KEY = ("survey_id", "question_id", "row_id", "option_id", "value", "desa_code")
COUNTS = ("n", "firsts", "texts", "total")


def _adding(stmt: Any) -> Any:
    """``stmt`` (an ``INSERT`` into the tally) adding its counts to the rows that exist."""
    return stmt.on_conflict_do_update(
        index_elements=list(KEY), set_={c: Tally.__table__.c[c] + stmt.excluded[c] for c in COUNTS}
    )


@functools.cache
def _upsert(dialect: str) -> Any:
    return _adding((postgresql.insert if dialect == "postgresql" else sqlite.insert)(Tally))


def add(rows: list[dict[str, Any]]) -> None:
    """Add one response's increments to the tally: one statement (compiled once), its rows in key order."""
    db.session.connection().execute(_upsert(db.dialect), rows)


def add_from_arrays(after: Any) -> Any:
    """PostgreSQL: ``add`` as a data-modifying CTE of a larger statement, run only when the CTE ``after`` returns a
    row; the increments come as one array parameter per column (``as_arrays``), read with ``unnest`` in their order
    (key order, as ``add`` locks them)."""
    columns = KEY[1:] + COUNTS
    src = unnest_arrays(Tally.__table__, columns, "t_")
    rows = (
        select(bindparam("survey_id", type_=Tally.survey_id.type), *(src.c[c] for c in columns))
        .select_from(after)
        .join(src, true())
        .order_by(src.c.ord)
    )
    return _adding(postgresql.insert(Tally).from_select(["survey_id", *columns], rows)).cte("tally")


def as_arrays(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """The parameters of ``add_from_arrays`` for ``rows_of``'s rows."""
    return {f"t_{c}": [r[c] for r in rows] for c in KEY[1:] + COUNTS}


def backfill(survey_id: int) -> tuple[str, str]:
    """``BACKFILL`` for one survey's answers only (for a survey loaded around ``add``, as the bench does)."""
    answers, responses = BACKFILL
    return (
        answers.replace(" GROUP BY 1,", f" WHERE a.survey_id = {int(survey_id)} GROUP BY 1,"),
        responses.replace(" GROUP BY survey_id,", f" WHERE survey_id = {int(survey_id)} GROUP BY survey_id,"),
    )


#: The tally of every stored answer, set-based (the migration runs its own copy; the bench's generator this one).
BACKFILL = (
    "INSERT INTO survey_tallies (survey_id, question_id, row_id, option_id, value, desa_code, n, firsts, texts, "
    "total) "
    "SELECT a.survey_id, a.question_id, COALESCE(a.row_id, 0), COALESCE(a.option_id, 0), "
    "CASE WHEN a.num_value IS NULL OR q.type = 'number' THEN -1 ELSE CAST(a.num_value AS INTEGER) END, "
    "COALESCE(a.desa_code, ''), COUNT(*), SUM(CASE WHEN a.part = 0 THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN a.option_id IS NULL AND a.text_value IS NOT NULL THEN 1 ELSE 0 END), "
    "COALESCE(SUM(CASE WHEN q.type = 'number' THEN a.num_value END), 0) "
    "FROM survey_answers a JOIN survey_questions q ON q.id = a.question_id GROUP BY 1, 2, 3, 4, 5, 6",
    "INSERT INTO survey_tallies (survey_id, question_id, row_id, option_id, value, desa_code, n, firsts, texts, "
    "total) "
    "SELECT survey_id, 0, 0, 0, -1, COALESCE(desa_code, ''), COUNT(*), 0, 0, 0 "
    "FROM survey_responses GROUP BY survey_id, COALESCE(desa_code, '')",
)
