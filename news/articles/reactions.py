"""Likes and bookmarks: one per user and article (the primary key), counters moved in SQL; ``GET /me/bookmarks``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, delete, select, tuple_, update

from app.core import sync, user_state
from app.core.db import UTCDateTime, one_of, utcnow
from app.core.errors import NotFound
from app.core.pagination import encode_cursor
from app.extensions import db
from news.articles import permissions as perm
from news.articles import presenters, queries, reader_state
from news.articles.models import ARCHIVED, PUBLISHED, Article, ArticleBookmark, ArticleLike, Channel
from news.articles.service import load
from news.articles.views import _insert

BOOKMARK_KIND = "news_bookmark"
_COUNTERS = {ArticleLike: "like_count", ArticleBookmark: "bookmark_count"}


def _public(article_id: int) -> Article:
    article = load(article_id)
    if not perm.is_public(article):
        raise NotFound("Article not found.", code="article_not_found")
    return article


def _count(article_id: int, column: str, delta: int) -> int:
    A = Article.__table__.c
    return db.session.execute(
        update(Article.__table__)
        .where(A.id == article_id)
        .values({column: A[column] + delta, "updated_at": A.updated_at})
        .returning(A[column])
    ).scalar_one()


def react(*, model: Any, user: Any, article_id: int, on: bool) -> dict[str, Any]:
    """Like/unlike or bookmark/unbookmark; idempotent (a second like changes nothing)."""
    if on:
        _public(article_id)
    else:
        load(article_id)
    column = _COUNTERS[model]
    if on:
        stmt = _insert(model).values(user_id=user.id, article_id=article_id, created_at=utcnow())
        changed = db.session.execute(stmt.on_conflict_do_nothing().returning(model.user_id)).first() is not None
    else:
        gone = delete(model).where(model.user_id == user.id, model.article_id == article_id).returning(model.user_id)
        changed = db.session.execute(gone).first() is not None
        if changed and model is ArticleBookmark:
            sync.record_deletion(db.session, kind=BOOKMARK_KIND, item_id=article_id, owner_id=user.id)
    if changed:
        user_state.changed(db.session, reader_state.ME, user.id)
        count = _count(article_id, column, 1 if on else -1)
    else:
        count = db.session.execute(select(getattr(Article, column)).where(Article.id == article_id)).scalar_one()
    return {"active": on, "count": count}


T = Article.__table__.c
B = ArticleBookmark.__table__.c
_STAMP = UTCDateTime()


def _bookmarks_statement(*, after: bool, changes: bool) -> Any:
    public = [T.deleted_at.is_(None), one_of(T.status, [PUBLISHED, ARCHIVED])]
    stmt = (
        select(*queries.ITEM_COLUMNS, B.created_at.label("bookmarked_at"), Channel.name.label("channel_name"))
        .join(Article.__table__, T.id == B.article_id)
        .join(Channel, Channel.id == T.channel_id)
        .where(B.user_id == bindparam("user_id"), *public)
    )
    if changes:
        stmt = stmt.where(B.created_at >= bindparam("since", type_=_STAMP))
        if after:
            stmt = stmt.where(tuple_(B.created_at, B.article_id) > tuple_(bindparam("after_t", type_=_STAMP),
                                                                          bindparam("after_id")))  # fmt: skip
        return stmt.order_by(B.created_at, B.article_id).limit(bindparam("limit_plus_one"))
    if after:
        stmt = stmt.where(
            tuple_(B.created_at, B.article_id) < tuple_(bindparam("after_t", type_=_STAMP), bindparam("after_id"))
        )
    return stmt.order_by(B.created_at.desc(), B.article_id.desc()).limit(bindparam("limit_plus_one"))


def my_bookmarks(
    *, user: Any, cursor: str | None, limit: int, updated_since: dt.datetime | None = None
) -> dict[str, Any]:
    """My bookmarked articles, newest bookmark first; with ``updated_since``: bookmarks made since, oldest first,
    and in ``deleted`` the articles unbookmarked or deleted since."""
    server_time = sync.server_time()
    params: dict[str, Any] = {"user_id": user.id, "limit_plus_one": limit + 1}
    if updated_since is not None:
        params.update(sync.changes_params(since=updated_since, cursor=cursor, limit=limit))
    else:
        params.update(queries.feed_cursor(cursor, featured=False))
    stmt = _bookmarks_statement(after="after_id" in params, changes=updated_since is not None)
    rows = db.connection().execute(stmt, params).mappings().all()
    items = list(rows[:limit])
    next_cursor = (
        encode_cursor([items[-1]["bookmarked_at"].isoformat(), items[-1]["id"]]) if len(rows) > limit else None
    )
    deleted: list[int] = []
    if updated_since is not None and cursor is None:
        gone = set(sync.deleted_since(db.connection(), kind=BOOKMARK_KIND, owner_id=user.id, since=updated_since))
        gone |= set(
            db.connection()
            .execute(
                select(B.article_id)
                .join(Article.__table__, T.id == B.article_id)
                .where(B.user_id == user.id, T.updated_at >= updated_since, T.deleted_at.is_not(None))
            )
            .scalars()
        )
        deleted = sorted(gone)
    tags = queries.tags_for([r["id"] for r in items])
    out = []
    for r in items:
        item = presenters.article_item(r, channels={r["channel_id"]: r["channel_name"]}, tags=tags.get(r["id"], []))
        item["bookmarked_at"] = r["bookmarked_at"].isoformat()
        out.append(item)
    return {"items": out, "next_cursor": next_cursor, "server_time": server_time, "deleted": deleted}
