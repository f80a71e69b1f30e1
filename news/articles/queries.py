"""Read queries of the news feed: which articles a reader sees, the page statements, tags of a page.

A reader sees published, not deleted articles whose target area contains their home: the target is one of the
home's ancestors (province, kab/kota, kecamatan, desa), so the feed is one index range per ancestor
(``ix_news_articles_feed``: area, published_at, id, only published rows), newest first, merged with ``UNION ALL``
and cut to the page: a few dozen index entries whatever the size of the table. Statements are built once per shape
(how many area keys, which filters) with bound parameters and run on ``db.connection()`` (the autocommit read
connection on a GET).
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import String, bindparam, case, cast, exists, func, literal_column, or_, select, tuple_

from app.areas import service as areas
from app.areas.codes import ancestors_of, one_of_keys
from app.core.cache import setting_ttl_cache
from app.core.db import UTCDateTime
from app.core.errors import ValidationFailed
from app.core.i18n import _
from app.core.pagination import decode_cursor, encode_cursor
from app.extensions import db
from news.articles import search
from news.articles.models import (
    PUBLISHED,
    Article,
    ArticleTag,
    Channel,
    Tag,
)

T = Article.__table__.c
AT = ArticleTag.__table__.c
ITEM_COLUMNS = (
    T.id,
    T.status,
    T.title,
    T.summary,
    T.excerpt,
    T.channel_id,
    T.area_code,
    T.cover_key,
    T.cover_width,
    T.cover_height,
    T.is_featured,
    T.featured_order,
    T.source_url,
    T.source_date,
    T.publish_at,
    T.published_at,
    T.edited_at,
    T.updated_at,
)
_STAMP = UTCDateTime()


#: ``status = 'published'`` as a literal: the partial index ``ix_news_articles_feed`` says exactly this, and a
#: prepared statement's generic plan can only use it when the value is written in the SQL, not bound.
_PUBLISHED = literal_column(f"'{PUBLISHED}'")


def visible() -> list[Any]:
    return [T.status == _PUBLISHED, T.deleted_at.is_(None)]


@functools.cache
def _provinces() -> tuple[str, ...]:
    return tuple(a.code for a in areas.list_children(parent_code=None, cursor=None, limit=100)["items"])


def reader_keys(viewer: Any | None, area: str | None) -> list[str]:
    """The target areas a reader sees: the ancestors of ``area``, else of the caller's home (staff without a home:
    their scope), else every province (an anonymous reader without ``area`` gets province-wide articles)."""
    if area is not None:
        if areas.get_detail(code=area) is None:
            raise ValidationFailed("Unknown area code.", errors={"area": [_("Unknown area code {code}.", code=area)]})
        return ancestors_of(area)
    home = None
    if viewer is not None:
        home = viewer.home_area_code or viewer.scope_area_code
    if home:
        return ancestors_of(home)
    return list(_provinces())


def _filters(*, channel: bool, tag: bool, terms: tuple[str, ...], dialect: str) -> list[Any]:
    conds: list[Any] = []
    if channel:
        conds.append(T.channel_id == bindparam("channel"))
    if tag:
        conds.append(exists().where(AT.article_id == T.id, AT.tag_id == bindparam("tag_id")))
    if terms:
        conds.append(search.condition(T.search_vector, dialect, terms))
    return conds


def _tag_ids(article_id: Any) -> Any:
    """The article's tag ids as one text (``"1,4"``, or NULL): a correlated subquery, so that a page brings its
    tags along instead of a second round trip (``tags_of``)."""
    ids = cast(AT.tag_id, String)
    comma = literal_column("','")
    agg = func.string_agg(ids, comma) if db.dialect == "postgresql" else func.group_concat(ids, comma)
    return select(agg).where(AT.article_id == article_id).scalar_subquery()


def _with_channel(sub: Any) -> Any:
    c = Channel.__table__.c
    columns = (sub, c.name.label("channel_name"), _tag_ids(sub.c.id).label("tag_ids"))
    return select(*columns).join(Channel.__table__, c.id == sub.c.channel_id)


@functools.lru_cache(maxsize=512)
def feed_statement(*, n_keys: int, channel: bool, tag: bool, terms: tuple[str, ...], after: bool, dialect: str) -> Any:
    """Newest first: per area key, the newest ``limit + 1`` rows after the cursor; then the newest of those."""
    conds = visible() + _filters(channel=channel, tag=tag, terms=terms, dialect=dialect)
    if after:
        conds.append(tuple_(T.published_at, T.id) < tuple_(bindparam("after_t", type_=_STAMP), bindparam("after_id")))
    parts = [
        select(
            select(*ITEM_COLUMNS)
            .where(T.area_code == bindparam(f"k_{i}"), *conds)
            .order_by(T.published_at.desc(), T.id.desc())
            .limit(bindparam("limit_plus_one"))
            .subquery()
        )
        for i in range(n_keys)
    ]
    merged = parts[0].union_all(*parts[1:]).subquery() if n_keys > 1 else parts[0].subquery()
    return (
        _with_channel(merged)
        .order_by(merged.c.published_at.desc(), merged.c.id.desc())
        .limit(bindparam("limit_plus_one"))
    )


@functools.lru_cache(maxsize=2048)
def search_statement(
    *, n_keys: int, channel: bool, tag: bool, terms: tuple[str, ...], after: bool, dialect: str
) -> Any:
    """Word search, newest first: one statement over the reader's areas. PostgreSQL reads the GIN index for rare
    words and walks ``ix_news_articles_published_at_id`` backwards for common ones (a per-area union would make it
    intersect each area's whole range with the word's matches)."""
    conds = [one_of_keys(T.area_code, n_keys), *visible()]
    conds += _filters(channel=channel, tag=tag, terms=terms, dialect=dialect)
    if after:
        conds.append(tuple_(T.published_at, T.id) < tuple_(bindparam("after_t", type_=_STAMP), bindparam("after_id")))
    sub = (
        select(*ITEM_COLUMNS)
        .where(*conds)
        .order_by(T.published_at.desc(), T.id.desc())
        .limit(bindparam("limit_plus_one"))
        .subquery()
    )
    return _with_channel(sub).order_by(sub.c.published_at.desc(), sub.c.id.desc())


def _featured_keys() -> tuple[Any, Any]:
    rank = case((T.is_featured.is_(True), 1), else_=0)
    order = case((T.is_featured.is_(True), -T.featured_order), else_=0)
    return rank, order


@functools.lru_cache(maxsize=256)
def featured_statement(
    *, n_keys: int, channel: bool, tag: bool, terms: tuple[str, ...], after: bool, dialect: str
) -> Any:
    """Featured articles first (by their order), then the rest newest first: one statement, four keys."""
    rank, order = _featured_keys()
    conds = [one_of_keys(T.area_code, n_keys), *visible()]
    conds += _filters(channel=channel, tag=tag, terms=terms, dialect=dialect)
    if after:
        bound = (bindparam("after_f"), bindparam("after_o"), bindparam("after_t", type_=_STAMP), bindparam("after_id"))
        conds.append(tuple_(rank, order, T.published_at, T.id) < tuple_(*bound))
    sub = (
        select(*ITEM_COLUMNS, rank.label("f_rank"), order.label("f_order"))
        .where(*conds)
        .order_by(rank.desc(), order.desc(), T.published_at.desc(), T.id.desc())
        .limit(bindparam("limit_plus_one"))
        .subquery()
    )
    return _with_channel(sub).order_by(
        sub.c.f_rank.desc(), sub.c.f_order.desc(), sub.c.published_at.desc(), sub.c.id.desc()
    )


@functools.lru_cache(maxsize=256)
def changes_statement(
    *, n_keys: int, channel: bool, tag: bool, terms: tuple[str, ...], after: bool, dialect: str
) -> Any:
    """Delta sync: visible articles of the reader's areas changed since ``:since``, oldest change first."""
    conds = [one_of_keys(T.area_code, n_keys), *visible()]
    conds += _filters(channel=channel, tag=tag, terms=terms, dialect=dialect)
    conds.append(T.updated_at >= bindparam("since", type_=_STAMP))
    if after:
        conds.append(tuple_(T.updated_at, T.id) > tuple_(bindparam("after_t", type_=_STAMP), bindparam("after_id")))
    sub = select(*ITEM_COLUMNS).where(*conds).order_by(T.updated_at, T.id).limit(bindparam("limit_plus_one"))
    sub = sub.subquery()
    return _with_channel(sub).order_by(sub.c.updated_at, sub.c.id)


@functools.lru_cache(maxsize=64)
def gone_statement(*, n_keys: int) -> Any:
    """Ids of once-published articles of the reader's areas that left the feed since ``:since``."""
    return (
        select(T.id)
        .where(
            one_of_keys(T.area_code, n_keys),
            T.published_at.is_not(None),
            T.updated_at >= bindparam("since", type_=_STAMP),
            or_(T.deleted_at.is_not(None), T.status != _PUBLISHED),
        )
        .order_by(T.id)
        .limit(1000)
    )


@functools.lru_cache(maxsize=64)
def related_statement(*, n_keys: int, n_tags: int) -> Any:
    """Published articles of the reader's areas from the same channel or sharing a tag, newest first."""
    same = [T.channel_id == bindparam("channel")]
    if n_tags:
        same.append(exists().where(AT.article_id == T.id, AT.tag_id.in_([bindparam(f"t_{i}") for i in range(n_tags)])))
    conds = [*visible(), T.id != bindparam("article_id"), or_(*same)]
    parts = [
        select(
            select(*ITEM_COLUMNS)
            .where(T.area_code == bindparam(f"k_{i}"), *conds)
            .order_by(T.published_at.desc(), T.id.desc())
            .limit(bindparam("n"))
            .subquery()
        )
        for i in range(n_keys)
    ]
    merged = parts[0].union_all(*parts[1:]).subquery() if n_keys > 1 else parts[0].subquery()
    return _with_channel(merged).order_by(merged.c.published_at.desc(), merged.c.id.desc()).limit(bindparam("n"))


#: What ``GET /news/{id}`` reads of an article to decide who may read it and whether the shared answer is current;
#: and all it shows (everything but the search vector), read only when that answer is built.
HEAD_COLUMNS = (T.id, T.status, T.area_code, T.deleted_at, T.updated_at)
DETAIL_COLUMNS = tuple(c for c in Article.__table__.c if c.key != "search_vector")


@functools.cache
def detail_statement(*, full: bool) -> Any:
    """One article by ``:article_id``: its head, or (``full``) all its columns."""
    return select(*(DETAIL_COLUMNS if full else HEAD_COLUMNS)).where(T.id == bindparam("article_id"))


def feed_cursor(cursor: str | None, *, featured: bool) -> dict[str, Any]:
    """The parameters of a page after ``cursor`` (422 for a cursor that is not one of this feed's)."""
    types = [int, int, str, int] if featured else [str, int]
    values = decode_cursor(cursor, types=types)
    if values is None:
        return {}
    try:
        stamp = dt.datetime.fromisoformat(values[-2])
    except ValueError:
        stamp = None
    if stamp is None or stamp.tzinfo is None:
        raise ValidationFailed("Invalid cursor.", errors={"cursor": ["Invalid cursor."]})
    params: dict[str, Any] = {"after_t": stamp, "after_id": values[-1]}
    if featured:
        params.update(after_f=values[0], after_o=values[1])
    return params


def next_cursor(rows: Sequence[Any], limit: int, *, featured: bool) -> str | None:
    if len(rows) <= limit or not rows[:limit]:
        return None
    last = rows[limit - 1]
    key = [last["published_at"].isoformat(), last["id"]]
    return encode_cursor([last["f_rank"], last["f_order"], *key] if featured else key)


def tag_id_for(slug: str) -> int | None:
    return db.connection().execute(select(Tag.id).where(Tag.slug == slug)).scalar()


def tags_for(article_ids: Sequence[int]) -> dict[int, list[Any]]:
    """The tags of several articles, by article, in slug order (one query)."""
    if not article_ids:
        return {}
    rows = db.connection().execute(
        select(AT.article_id, Tag.id, Tag.slug, Tag.name)
        .join(Tag, Tag.id == AT.tag_id)
        .where(AT.article_id.in_(list(article_ids)))
        .order_by(AT.article_id, Tag.slug)
    )
    out: dict[int, list[Any]] = defaultdict(list)
    for r in rows:
        out[r.article_id].append(r)
    return out


#: Every tag by id, for ``NEWS_FEED_CACHE_SECONDS`` (a renamed tag shows in a page within those seconds, as the
#: pages themselves do); read again at once when a page names a tag it does not hold.
_tags = setting_ttl_cache("NEWS_FEED_CACHE_SECONDS", maxsize=1)
_tags_lock = threading.Lock()


def _all_tags(needed: set[int]) -> dict[int, Any]:
    with _tags_lock:
        known = _tags.get("all")
    if known is None or not needed <= known.keys():
        known = {r.id: r for r in db.connection().execute(select(Tag.id, Tag.slug, Tag.name))}
        with _tags_lock:
            _tags["all"] = known
    return known


def tags_of(rows: Sequence[Any]) -> dict[int, list[Any]]:
    """The tags of a page's rows (their ``tag_ids`` column, ``_with_channel``), by article, in slug order."""
    ids = {r["id"]: [int(t) for t in r["tag_ids"].split(",")] for r in rows if r["tag_ids"]}
    if not ids:
        return {}
    known = _all_tags({t for tag_ids in ids.values() for t in tag_ids})
    return {a: sorted((known[t] for t in tag_ids if t in known), key=lambda t: t.slug) for a, tag_ids in ids.items()}


def search_shape(q: str | None) -> list[str]:
    return search.query_words(q) if q else []
