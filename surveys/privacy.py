"""Surveys' part of a resident's data rights (``app.accounts.privacy.registry``).

- Export: the resident's responses to non-anonymous surveys, with their answers as given (anonymous responses are
  linked to nobody, by design, so they cannot be found and are not exported), and the list of surveys and polls
  they took part in (``survey_participations``: the one-response rule, anonymous ones included).
- Erase: the responses stay, made anonymous: ``user_id`` and the exact time are cleared (the date and the home
  areas stay, as on any anonymous response), so results and exports keep counting them; the participations (the
  one link between a person and a survey) are deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import delete, select, update

from app.accounts.privacy import registry
from app.core import user_state
from app.extensions import db
from surveys import queries
from surveys.models import Answer, Participation, Response, Survey
from surveys.responding import answers_as_given


def _responses(user_id: int) -> Iterator[dict[str, Any]]:
    rows = db.session.execute(
        select(Response.id, Response.survey_id, Response.submitted_at, Survey.title)
        .join(Survey, Survey.id == Response.survey_id)
        .where(Response.user_id == user_id)
        .order_by(Response.survey_id)
    ).all()
    for r in rows:
        parts = db.session.execute(
            select(
                Answer.question_id, Answer.part, Answer.row_id, Answer.option_id, Answer.num_value, Answer.text_value
            )
            .where(Answer.response_id == r.id)
            .order_by(Answer.question_id, Answer.part)
        ).all()
        items, _options = queries.load_items([r.survey_id])
        yield {
            "survey_id": r.survey_id,
            "title": r.title,
            "submitted_at": r.submitted_at,
            "answers": answers_as_given(items[r.survey_id], parts),
        }


def export_surveys(user_id: int) -> Iterator[tuple[str, Any]]:
    taken = db.session.execute(
        select(Survey.id, Survey.kind, Survey.title)
        .join(Participation, Participation.survey_id == Survey.id)
        .where(Participation.user_id == user_id)
        .order_by(Survey.id)
    )
    yield "surveys/participations.json", [{"survey_id": i, "kind": k, "title": t} for i, k, t in taken]
    yield "surveys/responses.json", registry.JsonArray(_responses(user_id))


def erase_surveys(user_ids: Sequence[int], now: dt.datetime) -> None:
    ids = list(user_ids)
    db.session.execute(
        update(Response)
        .where(Response.user_id.in_(ids))
        .values(user_id=None, submitted_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(delete(Participation).where(Participation.user_id.in_(ids)))
    user_state.changed_for_users(db.session, queries.ANSWERED, ids)


def register() -> None:
    registry.register_exporter("surveys", export_surveys)
    registry.register_eraser("surveys", erase_surveys)
