"""Loading surveys and their items (two statements for any number of surveys), and the participation checks."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import cachetools
from sqlalchemy import bindparam, exists, select

from app.core.errors import NotFound
from app.core.i18n import _
from app.core.user_state import UserState
from app.extensions import db
from surveys import permissions as perm
from surveys.models import Option, Participation, Question, Survey

NOT_FOUND = _("Survey not found.")


def get_survey(survey_id: int, *, for_update: bool = False) -> Survey | None:
    stmt = select(Survey).where(Survey.id == survey_id)
    if for_update:
        stmt = stmt.with_for_update()
    return db.session.scalars(stmt).one_or_none()


def get_visible(*, survey_id: int, viewer: Any, for_update: bool = False) -> Survey:
    """The survey if the caller may see it; 404 otherwise (ids reveal nothing)."""
    survey = get_survey(survey_id, for_update=for_update)
    if survey is None or not perm.can_see(viewer, survey):
        raise NotFound(NOT_FOUND, code="survey_not_found")
    return survey


_SURVEY_ROW = select(*Survey.__table__.c).where(Survey.__table__.c.id == bindparam("survey_id"))


def get_visible_row(*, survey_id: int, viewer: Any) -> Any:
    """``get_visible`` as a plain row of the survey's columns (no ORM object: the submit path only reads it)."""
    survey = db.session.connection().execute(_SURVEY_ROW, {"survey_id": survey_id}).first()
    if survey is None or not perm.can_see(viewer, survey):
        raise NotFound(NOT_FOUND, code="survey_not_found")
    return survey


def load_items(survey_ids: Iterable[int]) -> tuple[dict[int, list[Question]], dict[int, list[Option]]]:
    """Each survey's items in order, and each item's options and rows in order."""
    ids = list(survey_ids)
    items: dict[int, list[Question]] = defaultdict(list)
    options: dict[int, list[Option]] = defaultdict(list)
    if not ids:
        return items, options
    questions = db.session.scalars(
        select(Question).where(Question.survey_id.in_(ids)).order_by(Question.survey_id, Question.position)
    ).all()
    for q in questions:
        items[q.survey_id].append(q)
    if questions:
        rows = db.session.scalars(
            select(Option)
            .where(Option.question_id.in_([q.id for q in questions]))
            .order_by(Option.question_id, Option.is_row, Option.position)
        ).all()
        for o in rows:
            options[o.question_id].append(o)
    return items, options


_ITEMS_CACHE: cachetools.TTLCache = cachetools.TTLCache(maxsize=1024, ttl=60)
_ITEMS_LOCK = threading.Lock()


def survey_items(survey: Any) -> tuple[list[Question], dict[int, list[Option]]]:
    """One survey's items and options, cached per process by (id, ``updated_at``): every change to the items moves
    ``updated_at`` (``builder.update``), so a cached definition is never stale. The objects are detached, read-only."""
    key = (survey.id, survey.updated_at)
    with _ITEMS_LOCK:
        hit = _ITEMS_CACHE.get(key)
    if hit is None:
        items, options = load_items([survey.id])
        hit = (items[survey.id], {q.id: options.get(q.id, []) for q in items[survey.id]})
        for obj in (*hit[0], *(o for opts in hit[1].values() for o in opts)):
            db.session.expunge(obj)
        with _ITEMS_LOCK:
            _ITEMS_CACHE[key] = hit
    return hit


def has_responses(survey_id: int) -> bool:
    return bool(db.session.execute(select(exists().where(Participation.survey_id == survey_id))).scalar())


#: The surveys each resident answered (a frozenset of ids), kept per process and dropped in every process when a
#: response commits (``app.core.user_state``).
ANSWERED = UserState("surveys_answered")
_ANSWERED = select(Participation.__table__.c.survey_id).where(Participation.__table__.c.user_id == bindparam("user_id"))


def answered_surveys(user_id: int) -> frozenset[int]:
    """The ids of the surveys ``user_id`` answered (kept; see ``ANSWERED``)."""
    return ANSWERED.get(
        user_id, None, lambda: frozenset(db.connection().execute(_ANSWERED, {"user_id": user_id}).scalars())
    )


def has_answered(survey_id: int, user_id: int) -> bool:
    stmt = select(exists().where(Participation.survey_id == survey_id, Participation.user_id == user_id))
    return bool(db.session.execute(stmt).scalar())
