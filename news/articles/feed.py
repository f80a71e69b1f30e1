"""The readers' side: the feed (``GET /news``), one article with related ones, and the reader's own state."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import select

from app.areas.codes import keys_params
from app.core import responses, sync
from app.core.cache import SharedAnswers
from app.core.db import reads_only
from app.core.errors import NotFound
from app.extensions import db
from news.articles import permissions as perm
from news.articles import presenters, queries, reader_state, views
from news.articles.models import Article

RELATED = 5
#: Per-process caches of what every reader of the same areas sees (``NEWS_FEED_CACHE_SECONDS``, 5 s; 0 turns them
#: off): feed pages, the public part of an article (without ``me``).
_pages = SharedAnswers("NEWS_FEED_CACHE_SECONDS", maxsize=20_000)
_articles = SharedAnswers("NEWS_FEED_CACHE_SECONDS", maxsize=20_000)
#: The whole answer of ``GET /news/{id}`` for anonymous readers (what a shared HTTP cache may keep as long, by its
#: ``public, max-age=5``), emptied by this process's article writes.
_anonymous = SharedAnswers("NEWS_FEED_CACHE_SECONDS", maxsize=20_000, written=Article)
forget_anonymous = _anonymous.clear
#: Each article's head (what the permission check and the shared key need), emptied by this process's article writes.
_heads = SharedAnswers("NEWS_FEED_CACHE_SECONDS", maxsize=20_000, written=Article)


def forget_shared() -> None:
    """Empty this process's shared pages, articles and tags (tests that turn the caches on)."""
    for cache in (_pages, _articles, _anonymous, _heads):
        cache.clear()
    with queries._tags_lock:
        queries._tags.clear()


def _items(rows: list[Any]) -> list[dict[str, Any]]:
    tags = queries.tags_of(rows)
    return [
        presenters.article_item(r, channels={r["channel_id"]: r["channel_name"]}, tags=tags.get(r["id"], []))
        for r in rows
    ]


def feed(
    *,
    viewer: Any | None,
    area: str | None,
    channel: int | None,
    tag: str | None,
    q: str | None,
    featured: bool,
    cursor: str | None,
    limit: int,
    updated_since: Any = None,
) -> Any:
    """The feed page for the caller (a dict, or an encoded ``responses.Encoded`` page); pages without
    ``updated_since`` are shared by every reader of the same areas for a few seconds (the answer's ``server_time``
    is then that much older, which is always safe)."""
    args = {"area": area, "channel": channel, "tag": tag, "q": q, "featured": featured, "cursor": cursor}
    if updated_since is not None:
        return _feed(viewer=viewer, limit=limit, updated_since=updated_since, **args)
    keys = tuple(queries.reader_keys(viewer, area))
    key = (keys, channel, tag, q, featured, cursor, limit)

    def build() -> responses.Encoded:
        page = _feed(viewer=viewer, limit=limit, **args)
        return responses.encode(page, ignore=page["server_time"])  # encoded and hashed once per shared page

    return _pages.get_or_build(key, build)


def _feed(
    *,
    viewer: Any | None,
    area: str | None,
    channel: int | None,
    tag: str | None,
    q: str | None,
    featured: bool,
    cursor: str | None,
    limit: int,
    updated_since: Any = None,
) -> dict[str, Any]:
    server_time = sync.server_time()
    keys = queries.reader_keys(viewer, area)
    terms = queries.search_shape(q)
    params: dict[str, Any] = {**keys_params(keys), "limit_plus_one": limit + 1, "channel": channel}
    params.update(queries.search.params(db.dialect, terms) if terms else {})
    empty = {"items": [], "next_cursor": None, "server_time": server_time, "deleted": []}
    if q is not None and not terms:
        return empty  # only punctuation: no word can match
    if tag is not None:
        params["tag_id"] = queries.tag_id_for(tag)
        if params["tag_id"] is None:
            return empty
    shape = {
        "n_keys": len(keys),
        "channel": channel is not None,
        "tag": tag is not None,
        "terms": queries.search.shape(terms),
        "dialect": db.dialect,
    }
    conn = db.connection()
    if updated_since is not None:
        params.update(sync.changes_params(since=updated_since, cursor=cursor, limit=limit))
        stmt = queries.changes_statement(after="after_id" in params, **shape)
        rows = conn.execute(stmt, params).mappings().all()
        result = sync.changes_page(rows, limit=limit, key=lambda r: (r["updated_at"], r["id"]))
        gone = queries.gone_statement(n_keys=len(keys))
        deleted = list(conn.execute(gone, params).scalars()) if cursor is None else []
        return {**result, "items": _items(result["items"]), "server_time": server_time, "deleted": deleted}
    params.update(queries.feed_cursor(cursor, featured=featured))
    build = queries.featured_statement if featured else queries.search_statement if terms else queries.feed_statement
    rows = conn.execute(build(after="after_id" in params, **shape), params).mappings().all()
    return {
        "items": _items(list(rows[:limit])),
        "next_cursor": queries.next_cursor(rows, limit, featured=featured),
        "server_time": server_time,
        "deleted": [],
    }


def _related(article: Any, viewer: Any | None, tags: list[Any]) -> list[dict[str, Any]]:
    keys = queries.reader_keys(viewer, None) if viewer is not None else queries.ancestors_of(article.area_code)
    tag_ids = [t.id for t in tags]
    params = {
        **keys_params(keys),
        **{f"t_{i}": t for i, t in enumerate(tag_ids)},
        "channel": article.channel_id,
        "article_id": article.id,
        "n": RELATED,
    }
    stmt = queries.related_statement(n_keys=len(keys), n_tags=len(tag_ids))
    return _items(list(db.connection().execute(stmt, params).mappings().all()))


def _load(article_id: int, *, full: bool) -> Any:
    """The article's head or all its columns (attribute access); 404 when it does not exist or is deleted."""
    if not db.is_read_request():
        db.session.flush()  # after a write in this request: the Core statement below must see it
    row = db.connection().execute(queries.detail_statement(full=full), {"article_id": article_id}).mappings().first()
    if row is None or row["deleted_at"] is not None:
        raise NotFound("Article not found.", code="article_not_found")
    return SimpleNamespace(**{c.key: row[c.key] for c in (queries.DETAIL_COLUMNS if full else queries.HEAD_COLUMNS)})


def _head(article_id: int) -> Any:
    """The article's head (state, area, ``updated_at``): shared on read requests, fresh in a writing one."""
    if not reads_only():
        return _load(article_id, full=False)
    return _heads.get_or_build(article_id, lambda: _load(article_id, full=False))


def detail(*, article_id: int, viewer: Any | None, count_view: bool = True) -> Any:
    """One article (published or archived for everyone; drafts and scheduled ones for staff in scope) with related
    articles; counts the view (buffered, ``news.articles.views``). Its head and its public part are shared by the
    readers of the same areas for a few seconds (the public part keyed by ``updated_at``), and the caller's own
    state is kept per reader (``reader_state``), so a request usually runs no statement."""
    if viewer is None:
        hit = _anonymous.get(article_id)
        if hit is not None:  # public (only public answers are kept), at most a few seconds old
            if count_view:
                views.record_view(article_id, None)
            return hit
    head = _head(article_id)
    if not perm.can_read(viewer, head):
        raise NotFound("Article not found.", code="article_not_found")
    me = reader_state.me_of(viewer.id, head.id) if viewer is not None else None
    if not perm.is_public(head):
        return _present(_load(article_id, full=True), viewer, me=me, related=False)
    if count_view:
        views.record_view(head.id, viewer.id if viewer is not None else None)
    keys = tuple(queries.reader_keys(viewer, None)) if viewer is not None else None

    def build() -> responses.Encoded:
        return responses.encode(_present(_load(article_id, full=True), viewer, me=None))

    shared = _articles.get_or_build((head.id, head.updated_at, keys), build)
    if viewer is None:
        _anonymous.put(article_id, shared)
    return shared if me is None else shared.with_last("me", me)


def _present(article: Any, viewer: Any | None, *, me: dict[str, bool] | None, related: bool = True) -> dict[str, Any]:
    channel = (
        db.connection().execute(select(queries.Channel.name).where(queries.Channel.id == article.channel_id)).scalar()
    )
    tags = queries.tags_for([article.id]).get(article.id, [])
    return presenters.article_detail(
        article,
        channels={article.channel_id: channel or ""},
        tags=tags,
        related=_related(article, viewer, tags) if related else [],
        me=me,
    )
