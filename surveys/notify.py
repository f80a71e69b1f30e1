"""Pushes of surveys, each sent exactly once by the data model.

- Publishing announces the survey to its target area (``notifications.api.broadcast_to_area``). The broadcast is
  written only by the request whose conditional ``UPDATE surveys SET announced_at = now WHERE id = :id AND
  announced_at IS NULL`` changed the row: a second publish (after duplicating, a retried request, two editors at
  once) finds it set and sends nothing.
- Closing a poll (by hand, or the ``close_due`` sweep when ``closes_at`` passes) tells those who voted that the
  results are out (``notify_users``), once, by the same kind of update on ``results_notified_at``. Who voted comes
  from the participation table, which is fine for anonymous polls too: it says who answered, never what. Only when
  the voters may see the results (not ``staff``-only ones).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select, update

from app.core.db import utcnow
from app.core.i18n import DEFAULT_LOCALE, _, render_text
from app.core.jobs import crontab, periodic_job
from app.extensions import db
from notifications.api import SURVEY, broadcast_to_area, notify_users
from surveys import states as st
from surveys.models import Participation, Survey

log = logging.getLogger(__name__)


def _claim(survey_id: int, column: Any) -> bool:
    """Set ``column`` to now if it is still NULL; True for the one caller that did."""
    stmt = (
        update(Survey)
        .where(Survey.id == survey_id, column.is_(None))
        .values({column: utcnow()})
        .returning(Survey.id)
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(stmt).first() is not None


def announce(survey: Survey, *, sender_id: int | None) -> bool:
    """Broadcast a newly published survey or poll to its area, once ever."""
    if not _claim(survey.id, Survey.announced_at):
        return False
    title = _("New poll") if survey.kind == st.POLL else _("New survey")
    broadcast_to_area(
        area_code=survey.area_code,
        rw=survey.rw,
        kind=SURVEY,
        title=render_text(title, DEFAULT_LOCALE),
        body=survey.title,
        link={"type": "survey", "id": survey.id},
        sender_id=sender_id,
    )
    return True


def tell_voters(survey: Survey) -> int:
    """After a poll closes: tell each voter, once, that its results can be read. Returns how many were told."""
    if survey.kind != st.POLL or survey.results_visibility == st.RESULTS_STAFF:
        return 0
    if not _claim(survey.id, Survey.results_notified_at):
        return 0
    voters = db.session.scalars(select(Participation.user_id).where(Participation.survey_id == survey.id)).all()
    return notify_users(
        user_ids=voters,
        kind=SURVEY,
        title=_("Poll results"),
        body=_("The results of \u201c{title}\u201d are in.", title=survey.title),
        link={"type": "survey", "id": survey.id},
    )


def close_due(*, now: Any = None) -> int:
    """Close every published survey whose closing time has passed (one conditional update), then tell voters."""
    now = now or utcnow()
    stmt = (
        update(Survey)
        .where(Survey.status == st.PUBLISHED, Survey.closes_at <= now)
        .values(status=st.CLOSED, closed_at=now, updated_at=now)
        .returning(Survey.id)
        .execution_options(synchronize_session=False)
    )
    ids = list(db.session.execute(stmt).scalars())
    for survey_id in ids:
        survey = db.session.get(Survey, survey_id, populate_existing=True)
        if survey is not None:
            tell_voters(survey)
    return len(ids)


@periodic_job(crontab(minute="*/5"))
def close_surveys() -> int:
    """Every 5 minutes: close the surveys whose time is up and tell poll voters."""
    closed = close_due()
    if closed:
        log.info("closed %s surveys", closed)
    return closed
