"""The editors' desk: every article in the caller's scope, any state, most recently changed first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, tuple_

from app.areas.codes import area_contains, within_area
from app.core.errors import Forbidden
from app.core.pagination import encode_cursor
from app.extensions import db
from news.articles import presenters, queries
from news.articles.models import Article, Channel

T = Article.__table__.c


def desk(*, user: Any, status: str | None, area: str | None, cursor: str | None, limit: int) -> dict[str, Any]:
    if area is not None and not area_contains(user.scope, area):
        raise Forbidden("You can only list articles inside your own scope.", errors={"area": ["Outside your scope."]})
    stmt = (
        select(*queries.ITEM_COLUMNS, Channel.name.label("channel_name"))
        .join(Channel, Channel.id == T.channel_id)
        .where(within_area(T.area_code, area or user.scope), T.deleted_at.is_(None))
    )
    if status is not None:
        stmt = stmt.where(T.status == status)
    after = queries.feed_cursor(cursor, featured=False)
    if after:
        stmt = stmt.where(tuple_(T.updated_at, T.id) < tuple_(after["after_t"], after["after_id"]))
    rows = db.connection().execute(stmt.order_by(T.updated_at.desc(), T.id.desc()).limit(limit + 1)).mappings().all()
    items = list(rows[:limit])
    tags = queries.tags_for([r["id"] for r in items])
    return {
        "items": [
            presenters.article_item(r, channels={r["channel_id"]: r["channel_name"]}, tags=tags.get(r["id"], []))
            for r in items
        ],
        "next_cursor": encode_cursor([items[-1]["updated_at"].isoformat(), items[-1]["id"]])
        if len(rows) > limit
        else None,
    }
