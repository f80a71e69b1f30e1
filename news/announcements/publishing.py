"""Publishing announcements (now, or later by the scheduler) and pushing each one exactly once.

Both steps are conditional updates that the database serialises, so neither timing nor luck makes them happen
twice: publishing is ``UPDATE … SET published_at = now WHERE published_at IS NULL`` (a second run, an overlapping
scheduler or a repeated request finds it set, and on PostgreSQL the scheduler also skips rows another run holds),
and the push is ``UPDATE … SET notified_at = now WHERE notify AND notified_at IS NULL … RETURNING id`` in the same
transaction that writes the broadcast row (``notifications.api.broadcast_to_area``, which pushes after the commit).
A rollback undoes both together.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select, update

from app.core.db import utcnow
from app.core.jobs import crontab, periodic_job
from app.extensions import db
from news.announcements.categories import URGENT
from news.announcements.models import Announcement
from notifications.api import ANNOUNCEMENT, broadcast_to_area

log = logging.getLogger(__name__)

T = Announcement.__table__.c
BATCH = 100
PUSH_TITLE_MAX = 100


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def push_once(announcement_id: int) -> int | None:
    """Broadcast the announcement to its area if it asks for a push and none was sent; the notification's id."""
    now = utcnow()
    claimed = db.session.execute(
        update(Announcement)
        .where(
            T.id == announcement_id,
            T.notify.is_(True),
            T.notified_at.is_(None),
            T.published_at.is_not(None),
            T.deleted_at.is_(None),
        )
        .values(notified_at=now)
        .returning(T.area_code, T.rw, T.title, T.excerpt, T.category, T.author_id)
        .execution_options(synchronize_session=False)
    ).first()
    if claimed is None:
        return None
    notification_id = broadcast_to_area(
        area_code=claimed.area_code,
        rw=claimed.rw,
        kind=ANNOUNCEMENT,
        title=_short(claimed.title, PUSH_TITLE_MAX),
        body=claimed.excerpt or claimed.title,
        link={"type": "announcement", "id": announcement_id},
        sender_id=claimed.author_id,
        urgent=claimed.category in URGENT,
    )
    db.session.execute(
        update(Announcement)
        .where(T.id == announcement_id)
        .values(notification_id=notification_id)
        .execution_options(synchronize_session=False)
    )
    return notification_id


def publish_now(announcement_id: int, *, now: dt.datetime | None = None) -> bool:
    """Publish one unpublished announcement at once (and push it once); False when it already was."""
    now = now or utcnow()
    done = db.session.execute(
        update(Announcement)
        .where(T.id == announcement_id, T.published_at.is_(None), T.deleted_at.is_(None))
        .values(published_at=now, feed_at=now, publish_at=None)
        .returning(T.id)
        .execution_options(synchronize_session=False)
    ).first()
    push_once(announcement_id)  # also when it was published before without its push (notify set later)
    return done is not None


def publish_due(*, now: dt.datetime | None = None, batch: int = BATCH) -> int:
    """Publish every scheduled announcement that is due, ``batch`` at a time, committing each batch."""
    total = 0
    while True:
        moment = now or utcnow()
        pick = (
            select(T.id)
            .where(T.published_at.is_(None), T.publish_at <= moment, T.deleted_at.is_(None))
            .order_by(T.publish_at, T.id)
            .limit(batch)
        )
        if db.dialect == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        ids = db.session.execute(
            update(Announcement)
            .where(T.id.in_(pick.scalar_subquery()), T.published_at.is_(None))
            .values(published_at=moment, feed_at=moment)
            .returning(T.id)
            .execution_options(synchronize_session=False)
        ).scalars()
        ids = sorted(ids)
        for announcement_id in ids:
            push_once(announcement_id)
        db.session.commit()
        total += len(ids)
        if len(ids) < batch:
            return total


@periodic_job(crontab(minute="*"))
def publish_due_announcements() -> int:
    """Every minute: publish the scheduled announcements that are due."""
    count = publish_due()
    if count:
        log.info("published %d scheduled announcements", count)
    return count
