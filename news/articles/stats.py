"""Editor statistics in SQL: views, likes and bookmarks per article and per channel over a period.

One statement: the period's daily views, likes and bookmarks made in the period (``UNION ALL`` of the three
sources, each read through its own index by day or time), joined to the articles in the caller's scope and summed
with ``GROUP BY`` (per article, per channel) and ``GROUP BY ()`` (totals).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, literal, select, union_all

from app.areas.codes import within_area
from app.core.errors import ValidationFailed
from app.extensions import db
from news.articles.models import Article, ArticleBookmark, ArticleLike, ArticleViewDay, Channel

MAX_DAYS = 366


def _period(since: dt.date | None, until: dt.date | None) -> tuple[dt.date, dt.date]:
    until = until or dt.datetime.now(dt.UTC).date()
    since = since or until - dt.timedelta(days=29)
    if since > until:
        raise ValidationFailed("The period ends before it starts.", errors={"from": ["After `to`."]})
    if (until - since).days >= MAX_DAYS:
        raise ValidationFailed("The period is too long.", errors={"from": ["At most 366 days."]})
    return since, until


def statistics(
    *, user: Any, since: dt.date | None, until: dt.date | None, channel: int | None, limit: int
) -> dict[str, Any]:
    since, until = _period(since, until)
    start = dt.datetime.combine(since, dt.time(), dt.UTC)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
    V, L, B = ArticleViewDay, ArticleLike, ArticleBookmark
    zero = literal(0)
    events = union_all(
        select(V.article_id, V.views.label("views"), zero.label("likes"), zero.label("bookmarks")).where(
            V.day >= since, V.day <= until
        ),
        select(L.article_id, zero, literal(1), zero).where(L.created_at >= start, L.created_at < end),
        select(B.article_id, zero, zero, literal(1)).where(B.created_at >= start, B.created_at < end),
    ).subquery()
    A = Article
    scoped = [within_area(A.area_code, user.scope), A.deleted_at.is_(None)]
    if channel is not None:
        scoped.append(A.channel_id == channel)
    sums = (
        func.coalesce(func.sum(events.c.views), 0).label("views"),
        func.coalesce(func.sum(events.c.likes), 0).label("likes"),
        func.coalesce(func.sum(events.c.bookmarks), 0).label("bookmarks"),
    )
    base = select(*sums).select_from(events).join(A, A.id == events.c.article_id).where(*scoped)
    per_article = (
        base.add_columns(A.id, A.title.label("name"))
        .group_by(A.id, A.title)
        .order_by(func.sum(events.c.views).desc(), A.id.desc())
        .limit(limit)
    )
    per_channel = (
        base.add_columns(Channel.id, Channel.name)
        .join(Channel, Channel.id == A.channel_id)
        .group_by(Channel.id, Channel.name)
        .order_by(func.sum(events.c.views).desc(), Channel.id)
    )
    conn = db.connection()
    totals = conn.execute(base).one()

    def rows(stmt: Any) -> list[dict[str, Any]]:
        return [
            {"id": r.id, "name": r.name, "views": int(r.views), "likes": int(r.likes), "bookmarks": int(r.bookmarks)}
            for r in conn.execute(stmt)
        ]

    return {
        "from": since.isoformat(),
        "to": until.isoformat(),
        "totals": {"views": int(totals.views), "likes": int(totals.likes), "bookmarks": int(totals.bookmarks)},
        "channels": rows(per_channel),
        "articles": rows(per_article),
    }
