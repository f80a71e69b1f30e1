"""Answering a survey: exactly one response per resident, checked in full, stored apart from who answered.

The one-response rule is the primary key of ``survey_participations`` (survey, user), inserted with ``ON CONFLICT
DO NOTHING`` before anything else: of two concurrent submits, the second waits for the first to commit, inserts
nothing and answers 409 (and stores nothing). See the package docstring for what is stored and what is not.
"""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import BigInteger, bindparam, cast, insert, select, true
from sqlalchemy.dialects import postgresql

from app.core import user_state
from app.core.db import utcnow
from app.core.errors import Conflict, Forbidden, NotFound
from app.core.i18n import _
from app.core.sql import insert_ignoring_conflicts, unnest_arrays
from app.extensions import db
from surveys import answers as checks
from surveys import permissions as perm
from surveys import queries, tally
from surveys import states as st
from surveys.models import Answer, Participation, Response

ALREADY = _("You have already answered this survey.")


#: An answer row's own columns (the rest, response, survey and home, are the response's).
ANSWER_PARTS = ("question_id", "part", "row_id", "option_id", "num_value", "text_value")


@functools.cache
def _submit_statement() -> Any:
    """PostgreSQL, the whole submit in one statement (the same whatever the number of answers)::

        WITH p AS (INSERT participation ON CONFLICT DO NOTHING RETURNING …),
             r AS (INSERT response SELECT … FROM p RETURNING id),
             a AS (INSERT answers SELECT … FROM r, unnest(<one array per column>)),
             tally AS (INSERT tally increments SELECT … FROM r, unnest(…) ON CONFLICT DO UPDATE)
        SELECT id FROM r

    No row (and nothing written) when the resident had answered already: the second of two concurrent submits
    waits for the first's commit on the participation's primary key, then inserts nothing."""
    p = (
        postgresql.insert(Participation)
        .values(survey_id=bindparam("survey_id", type_=BigInteger), user_id=bindparam("user_id", type_=BigInteger))
        .on_conflict_do_nothing()
        .returning(Participation.survey_id)
        .cte("p")
    )
    cols = ["id", "survey_id", "user_id", "submitted_on", "submitted_at", "desa_code", "kabkota_code"]
    rc = Response.__table__.c
    values = select(
        *(p.c.survey_id if c == "survey_id" else cast(bindparam(f"r_{c}", type_=rc[c].type), rc[c].type) for c in cols)
    ).select_from(p)
    r = insert(Response).from_select(cols, values).returning(Response.id).cte("r")
    src = unnest_arrays(Answer.__table__, ANSWER_PARTS, "a_")
    shared = [
        r.c.id,
        bindparam("survey_id", type_=BigInteger),
        cast(bindparam("r_desa_code"), rc.desa_code.type),
        cast(bindparam("r_kabkota_code"), rc.kabkota_code.type),
    ]
    answer_rows = select(*shared, *(src.c[c] for c in ANSWER_PARTS)).select_from(r).join(src, true())
    answer_cols = ["response_id", "survey_id", "desa_code", "kabkota_code", *ANSWER_PARTS]
    a = insert(Answer).from_select(answer_cols, answer_rows)
    return select(r.c.id).add_cte(a.cte("a"), tally.add_from_arrays(r))


def submit(*, user: Any, survey_id: int, answers: list[dict[str, Any]]) -> dict[str, Any]:
    """Store the caller's one response; 409 outside the window or when already answered, 422 on a bad answer."""
    survey = queries.get_visible_row(survey_id=survey_id, viewer=user)
    if not perm.can_answer(user, survey):
        raise Forbidden("Only residents of the target area answer.")
    now = utcnow()
    if not perm.is_open(survey, now):
        raise Conflict("This survey is not open for answers.", code="survey_not_open")
    items, options = queries.survey_items(survey)
    rows = checks.check_response(items, options, answers)
    conn = db.session.connection()
    home = user.home_area_code
    response_id = uuid.uuid4()  # random: the id says nothing about when or in which order
    response = {
        "id": response_id,
        "survey_id": survey.id,
        "user_id": None if survey.anonymous else user.id,
        "submitted_on": now.date(),
        "submitted_at": None if survey.anonymous else now,
        "desa_code": home,
        "kabkota_code": home[:5] if home and len(home) >= 5 else None,
    }
    increments = tally.rows_of(survey.id, home, {q.id: q.type for q in items}, rows)
    if db.dialect == "postgresql":
        # one round trip: everything is inserted only when the participation was (the one-response rule)
        params = {
            "survey_id": survey.id,
            "user_id": user.id,
            **{f"r_{k}": v for k, v in response.items()},
            **{f"a_{c}": [r.get(c) for r in rows] for c in ANSWER_PARTS},
            **tally.as_arrays(increments),
        }
        if conn.execute(_submit_statement(), params).first() is None:
            raise Conflict(ALREADY, code="survey_already_answered")
    else:
        added = conn.execute(
            insert_ignoring_conflicts(Participation)
            .values(survey_id=survey.id, user_id=user.id)
            .returning(Participation.user_id)
        ).first()
        if added is None:
            raise Conflict(ALREADY, code="survey_already_answered")
        conn.execute(insert(Response).values(**response))
        if rows:
            common = {"response_id": response_id, "survey_id": survey.id, "desa_code": response["desa_code"]}
            common["kabkota_code"] = response["kabkota_code"]
            conn.execute(insert(Answer), [{**common, **r} for r in rows])
        tally.add(increments)
    user_state.changed(db.session, queries.ANSWERED, user.id)
    return {
        "survey_id": survey.id,
        "answered": True,
        "can_see_results": perm.can_see_results(user, survey, answered=True),
    }


def own_response(*, user: Any, survey_id: int) -> dict[str, Any]:
    """The caller's answers as they gave them; anonymous responses cannot be found again, by design."""
    survey = queries.get_visible(survey_id=survey_id, viewer=user)
    if survey.anonymous:
        raise NotFound("Anonymous responses are not linked to you, so they cannot be read back.", code="anonymous")
    response = db.session.execute(
        select(Response.id, Response.submitted_at).where(Response.survey_id == survey.id, Response.user_id == user.id)
    ).first()
    if response is None:
        raise NotFound("You have not answered this survey.", code="response_not_found")
    parts = db.session.execute(
        select(Answer.question_id, Answer.part, Answer.row_id, Answer.option_id, Answer.num_value, Answer.text_value)
        .where(Answer.response_id == response.id)
        .order_by(Answer.question_id, Answer.part)
    ).all()
    items, _options = queries.load_items([survey.id])
    return {
        "survey_id": survey.id,
        "submitted_at": response.submitted_at,
        "answers": answers_as_given(items[survey.id], parts),
    }


def answers_as_given(items: list[Any], parts: list[Any]) -> list[dict[str, Any]]:
    """Stored answer rows back in the shape they were submitted in, in question order."""
    by_question: dict[int, list[Any]] = defaultdict(list)
    for p in parts:
        by_question[p.question_id].append(p)
    out = []
    for q in items:
        rows = by_question.get(q.id)
        if not rows:
            continue
        a: dict[str, Any] = {"question_id": q.id}
        other = next((r.text_value for r in rows if r.option_id is None and r.text_value is not None), None)
        if q.type == st.SINGLE:
            if rows[0].option_id is not None:
                a["option_id"] = rows[0].option_id
        elif q.type == st.MULTIPLE:
            a["option_ids"] = [r.option_id for r in rows if r.option_id is not None]
        elif q.type == st.RANKING:
            a["ranking"] = [r.option_id for r in sorted(rows, key=lambda r: r.num_value)]
        elif q.type == st.MATRIX:
            a["rows"] = [{"row_id": r.row_id, "option_id": r.option_id} for r in rows]
        elif q.type in st.TEXT_TYPES:
            a["text"] = rows[0].text_value
        elif q.type == st.YES_NO:
            a["yes"] = rows[0].num_value == 1
        elif q.type == st.DATE:
            a["date"] = rows[0].text_value
        else:
            a["value"] = rows[0].num_value
        if q.type in st.CHOICE_TYPES and other is not None:
            a["other"] = other
        out.append(a)
    return out
