"""Free-text answers of one question (short and long texts, and the "other" of choice questions), for staff in
scope, a page at a time. Each item is the text and the respondent's kab/kota, nothing else; the order is the random
response id, so it says nothing about who answered when."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, tuple_

from app.core.errors import NotFound, ValidationFailed
from app.core.pagination import decode_cursor, page
from app.extensions import db
from surveys import permissions as perm
from surveys import queries
from surveys import states as st
from surveys.models import Answer, Question

A = Answer.__table__.c


def text_answers(*, user: Any, survey_id: int, question_id: int, cursor: str | None, limit: int) -> dict[str, Any]:
    survey = queries.get_visible(survey_id=survey_id, viewer=user)
    if not perm.sees_text_answers(user, survey):
        raise NotFound(queries.NOT_FOUND, code="survey_not_found")
    q = db.session.get(Question, question_id)
    if q is None or q.survey_id != survey.id or q.type not in (*st.TEXT_TYPES, *st.CHOICE_TYPES):
        raise NotFound("Question not found.", code="question_not_found")
    stmt = select(A.response_id, A.part, A.text_value, A.kabkota_code).where(
        A.question_id == q.id, A.text_value.is_not(None), A.option_id.is_(None)
    )
    after = decode_cursor(cursor, types=[str, int])
    if after is not None:
        try:
            after_id = uuid.UUID(after[0])
        except ValueError:
            raise ValidationFailed("Invalid cursor.", errors={"cursor": ["Invalid cursor."]}) from None
        stmt = stmt.where(tuple_(A.response_id, A.part) > tuple_(after_id, after[1]))
    stmt = stmt.order_by(A.response_id, A.part).limit(limit + 1)
    rows = db.connection().execute(stmt).all()
    out = page(rows, limit=limit, key=lambda r: [str(r.response_id), r.part])
    out["items"] = [{"text": r.text_value, "kabkota_code": r.kabkota_code} for r in out["items"]]
    return out
