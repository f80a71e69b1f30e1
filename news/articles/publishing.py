"""Article states and the push that goes out exactly once.

States: draft → scheduled (``publish_at``; the periodic job publishes) → published → archived (and back to
published). Every move is in ``TRANSITIONS``; a move from elsewhere is a 409 naming the allowed ones.

Exactly once, by the data model: the push is written only by ``notify_once``, whose conditional ``UPDATE … SET
notified_at = now WHERE notified_at IS NULL …`` and the broadcast row run in one transaction. A second publication
(re-publish after archiving, an edit, a scheduler run overlapping another, a request racing the scheduler) finds
``notified_at`` set and writes nothing; on PostgreSQL a concurrent transaction waits on the row lock and then
re-reads the row (READ COMMITTED), on SQLite writers are serialised. ``notification_id`` is unique as a backstop.
The scheduler claims due rows with the same kind of conditional ``UPDATE … WHERE status = 'scheduled'`` (with
``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so two overlapping runs never publish one article twice.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, insert, select, update

from app.core.db import utcnow
from app.core.errors import InvalidTransition
from app.core.i18n import _
from app.extensions import db
from news.articles.models import ARCHIVED, DRAFT, PUBLISHED, SCHEDULED, Article, ArticleChange
from notifications.api import NEWS, broadcast_to_area

#: action → (states it may start from, state it leads to).
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "publish": (frozenset({DRAFT, SCHEDULED, ARCHIVED}), PUBLISHED),
    "schedule": (frozenset({DRAFT, SCHEDULED}), SCHEDULED),
    "unschedule": (frozenset({SCHEDULED}), DRAFT),
    "archive": (frozenset({PUBLISHED}), ARCHIVED),
}
#: Articles the scheduler publishes per statement.
BATCH = 200
PUSH_TITLE_MAX, PUSH_BODY_MAX = 100, 1000


def record(article_id: int, *, actor_id: int | None, action: str, fields: list[str] | None = None) -> None:
    db.session.execute(
        insert(ArticleChange).values(
            article_id=article_id, actor_id=actor_id, action=action, fields=fields, at=utcnow()
        )
    )


def check_transition(article: Article, action: str) -> str:
    sources, target = TRANSITIONS[action]
    if article.status not in sources:
        allowed = sorted(a for a, (src, _t) in TRANSITIONS.items() if article.status in src)
        raise InvalidTransition(
            _("Cannot {action} an article that is {status}.", action=action, status=article.status),
            errors={"status": [_("Allowed now: {actions}.", actions=", ".join(allowed) or "-")]},
        )
    return target


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def notify_once(article_id: int, *, sender_id: int | None, now: dt.datetime | None = None) -> int | None:
    """Broadcast a published article with ``notify`` to its area unless that was done before; the new
    notification's id, or None when there was nothing to send."""
    A = Article
    row = db.session.execute(
        update(A)
        .where(
            A.id == article_id,
            A.notify.is_(True),
            A.notified_at.is_(None),
            A.status == PUBLISHED,
            A.deleted_at.is_(None),
        )
        .values(notified_at=now or utcnow(), updated_at=A.updated_at)
        .returning(A.title, A.summary, A.excerpt, A.area_code)
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        return None
    notification_id = broadcast_to_area(
        area_code=row.area_code,
        kind=NEWS,
        title=_clip(row.title, PUSH_TITLE_MAX),
        body=_clip(row.summary or row.excerpt or row.title, PUSH_BODY_MAX),
        link={"type": "news", "id": article_id},
        sender_id=sender_id,
    )
    db.session.execute(
        update(A)
        .where(A.id == article_id)
        .values(notification_id=notification_id, updated_at=A.updated_at)
        .execution_options(synchronize_session=False)
    )
    return notification_id


def publish_now(article: Article, *, actor_id: int) -> None:
    """Publish a (locked) article now and push once if asked."""
    check_transition(article, "publish")
    now = utcnow()
    article.status = PUBLISHED
    article.published_at = article.published_at or now  # a re-published article keeps its place in the feed
    article.publish_at = None
    article.archived_at = None
    article.publisher_id = actor_id
    db.session.flush()
    record(article.id, actor_id=actor_id, action="publish")
    notify_once(article.id, sender_id=actor_id, now=now)
    db.session.expire(article, ["notified_at", "notification_id"])


def schedule(article: Article, *, actor_id: int, publish_at: dt.datetime) -> None:
    check_transition(article, "schedule")
    article.status = SCHEDULED
    article.publish_at = publish_at
    article.publisher_id = actor_id
    db.session.flush()
    record(article.id, actor_id=actor_id, action="schedule")


def unschedule(article: Article, *, actor_id: int) -> None:
    check_transition(article, "unschedule")
    article.status = DRAFT
    article.publish_at = None
    db.session.flush()
    record(article.id, actor_id=actor_id, action="unschedule")


def archive(article: Article, *, actor_id: int) -> None:
    check_transition(article, "archive")
    article.status = ARCHIVED
    article.archived_at = utcnow()
    db.session.flush()
    record(article.id, actor_id=actor_id, action="archive")


def publish_due(*, now: dt.datetime | None = None, limit: int = BATCH) -> list[int]:
    """Publish scheduled articles whose time has come (and push each once); the ids published by this call."""
    A = Article
    now = now or utcnow()
    pick = (
        select(A.id)
        .where(A.status == SCHEDULED, A.publish_at <= now, A.deleted_at.is_(None))
        .order_by(A.publish_at, A.id)
        .limit(limit)
    )
    if db.dialect == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    rows = db.session.execute(
        update(A)
        .where(A.id.in_(pick.scalar_subquery()), A.status == SCHEDULED)
        .values(status=PUBLISHED, published_at=func.coalesce(A.published_at, now), publish_at=None, updated_at=now)
        .returning(A.id, A.publisher_id)
        .execution_options(synchronize_session=False)
    ).all()
    for article_id, publisher_id in sorted(rows):
        record(article_id, actor_id=None, action="publish")
        notify_once(article_id, sender_id=publisher_id, now=now)
    return sorted(r[0] for r in rows)
