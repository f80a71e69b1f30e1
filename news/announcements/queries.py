"""Read queries of announcements: the feed (residents and staff), one announcement, its images and receipts.

The feed is one statement per shape (kind of reader, number of home keys, staff scope, cursor or not, delta or
not), built once with bound parameters and run on ``db.connection()`` (the autocommit read connection on a GET).
A resident's announcements are those whose ``target_key`` is one of the five keys of their home (province down to
their own RW: never a sibling RW), an index lookup per key on ``ix_announcements_target_key_pinned_feed_at_id``;
staff also read everything inside their scope (a range on the same index; the scope is written into the SQL as a
literal, as ``complaints`` does, so PostgreSQL's plan sees how narrow it is).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, text, tuple_, union_all

from app.accounts.models import User
from app.accounts.roles import Role
from app.areas.codes import keys_params, one_of_keys, within_area
from app.core import responses, sync
from app.core.cache import SharedAnswers
from app.core.db import UTCDateTime, utcnow
from app.core.errors import Forbidden, NotFound, ValidationFailed
from app.core.i18n import request_locale
from app.core.pagination import decode_cursor, encode_cursor
from app.extensions import db
from news.announcements import permissions as perm
from news.announcements import presenters
from news.announcements.models import Announcement, AnnouncementImage, AnnouncementRead

T = Announcement.__table__.c
KIND = "announcement"

LIST_COLUMNS = (
    T.id,
    T.title,
    T.excerpt,
    T.category,
    T.area_code,
    T.rw,
    T.pinned,
    T.event_starts_at,
    T.event_ends_at,
    T.place_name,
    T.place_lat,
    T.place_lon,
    T.valid_until,
    T.link_type,
    T.link_id,
    T.published_at,
    T.publish_at,
    T.edited_at,
    T.updated_at,
    T.image_count,
    T.cover_image_id,
    T.author_role,
    T.feed_at,
)
_STAMP = UTCDateTime()


@functools.lru_cache(maxsize=1024)
def _scope_sql(scope: str) -> Any:
    cond = within_area(T.target_key, scope)
    return text(f"({cond.compile(dialect=db.engine.dialect, compile_kwargs={'literal_binds': True})})")


def _visible(n_keys: int, scope: str | None) -> Any:
    """Announcements a reader sees: published ones aimed at one of their keys, and (staff) all inside the scope."""
    keys = one_of_keys(T.target_key, n_keys) if n_keys else None
    aimed = and_(keys, T.published_at.is_not(None)) if keys is not None else None
    parts = [p for p in (aimed, _scope_sql(scope) if scope else None) if p is not None]
    return or_(*parts) if len(parts) > 1 else parts[0]


def _live() -> list[Any]:
    return [
        T.deleted_at.is_(None),
        or_(T.valid_until.is_(None), T.valid_until > bindparam("now", type_=_STAMP)),
    ]


_FEED_KEYS = (T.pinned, T.feed_at, T.id)


def _ordered(stmt: Any, keys: Any, *, after: bool) -> Any:
    if after:
        bound = (bindparam("after_p"), bindparam("after_t", type_=_STAMP), bindparam("after_id"))
        stmt = stmt.where(tuple_(*keys) < tuple_(*bound))
    return stmt.order_by(*(k.desc() for k in keys)).limit(bindparam("limit_plus_one"))


@functools.lru_cache(maxsize=2048)
def _feed_statement(*, n_keys: int, scope: str | None, after: bool, changes: bool) -> Any:
    """The page: one ordered, limited index range per target key (and one for a staff scope), merged.

    ``target_key IN (five keys)`` would read every announcement aimed at the reader's home and sort them; a range
    per key reads each key's newest rows in index order and stops after a page, so a page costs about a page of
    rows per key whatever the history of the desa. The keys are disjoint (staff: the levels above the scope,
    and the scope's own range), so the union has no duplicates.
    """
    if changes:
        stmt = select(*LIST_COLUMNS).where(_visible(n_keys, scope), *_live())
        return sync.changed_since(stmt, updated=T.updated_at, key=T.id, after=after)
    parts = [
        _ordered(
            select(*LIST_COLUMNS).where(T.target_key == bindparam(f"k_{i}"), T.published_at.is_not(None), *_live()),
            _FEED_KEYS,
            after=after,
        )
        for i in range(n_keys)
    ]
    if scope:
        parts.append(_ordered(select(*LIST_COLUMNS).where(_scope_sql(scope), *_live()), _FEED_KEYS, after=after))
    if len(parts) == 1:
        return parts[0]
    merged = union_all(*(select(p.subquery().c) for p in parts)).subquery("feed")
    keys = (merged.c.pinned, merged.c.feed_at, merged.c.id)
    return select(merged).order_by(*(k.desc() for k in keys)).limit(bindparam("limit_plus_one"))


@functools.lru_cache(maxsize=1024)
def _gone_statement(*, n_keys: int, scope: str | None) -> Any:
    """Ids the reader may have synced that left the feed since ``:since``: deleted, or expired meanwhile."""
    now, since = bindparam("now", type_=_STAMP), bindparam("since", type_=_STAMP)
    gone = or_(T.deleted_at >= since, and_(T.valid_until >= since, T.valid_until <= now))
    return select(T.id).where(_visible(n_keys, scope), gone).order_by(T.id).limit(sync.MAX_DELETED)


def _reader(viewer: Any) -> tuple[list[str], str | None]:
    """The reader's target keys and (staff) scope; a staff scope's own key is inside its range, not a key."""
    keys = perm.reader_keys(viewer)
    scope = viewer.scope if viewer.role != Role.RESIDENT else None
    if scope:
        keys = [k for k in keys if k != scope]
    return keys, scope


#: Feed pages (without ``updated_since``) of the readers with the same keys, scope and language, encoded once, for
#: ``NEWS_FEED_CACHE_SECONDS`` (5 s; 0 turns it off). Any announcement written by this process empties it (at the
#: flush and at the commit); other processes' writes, and announcements that expire or come due meanwhile, show
#: within those seconds.
_pages = SharedAnswers("NEWS_FEED_CACHE_SECONDS", maxsize=20_000, written=Announcement)
forget_pages = _pages.clear


def feed(*, viewer: Any, cursor: str | None, limit: int, updated_since: dt.datetime | None) -> Any:
    """The caller's announcements, pinned first then newest (or, with ``updated_since``, the changes); pages
    without ``updated_since`` are shared by the readers of the same keys for a few seconds (``_pages``)."""
    if updated_since is not None:
        return _feed(viewer=viewer, cursor=cursor, limit=limit, updated_since=updated_since)
    keys, scope = _reader(viewer)
    key = (tuple(keys), scope, cursor, limit, request_locale())

    def build() -> responses.Encoded:
        page = _feed(viewer=viewer, cursor=cursor, limit=limit, updated_since=None)
        return responses.encode(page, ignore=page["server_time"])

    return _pages.get_or_build(key, build)


def _feed(*, viewer: Any, cursor: str | None, limit: int, updated_since: dt.datetime | None) -> dict[str, Any]:
    server_time = sync.server_time()
    now = utcnow()
    keys, scope = _reader(viewer)
    locale = request_locale()
    deleted: list[int] = []
    if not keys and not scope:
        return {"items": [], "next_cursor": None, "server_time": server_time, "deleted": []}
    params: dict[str, Any] = keys_params(keys)
    params["now"] = now
    shape = {"n_keys": len(keys), "scope": scope}
    conn = db.connection()
    if updated_since is None:
        params["limit_plus_one"] = limit + 1
        after = decode_cursor(cursor, types=[bool, str, int])
        if after is not None:
            params.update(after_p=after[0], after_t=_cursor_time(after[1]), after_id=after[2])
        rows = conn.execute(_feed_statement(**shape, after=after is not None, changes=False), params).mappings().all()
        items = rows[:limit]
        next_cursor = None
        if len(rows) > limit:
            last = items[-1]
            next_cursor = encode_cursor([bool(last["pinned"]), last["feed_at"].isoformat(), last["id"]])
        result = {"items": items, "next_cursor": next_cursor}
    else:
        params.update(sync.changes_params(since=updated_since, cursor=cursor, limit=limit))
        stmt = _feed_statement(**shape, after="after_id" in params, changes=True)
        rows = conn.execute(stmt, params).mappings().all()
        result = sync.changes_page(rows, limit=limit, key=lambda r: (r["updated_at"], r["id"]))
        if cursor is None:
            gone = keys_params(keys) | {"now": now, "since": updated_since}
            deleted = list(conn.execute(_gone_statement(**shape), gone).scalars())
    result["items"] = [presenters.item(r, locale=locale, now=now) for r in result["items"]]
    result["server_time"] = server_time
    result["deleted"] = deleted
    return result


def _cursor_time(value: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError
        return parsed.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise ValidationFailed("Invalid cursor.", errors={"cursor": ["Invalid cursor."]}) from None


class _Attrs:
    """Attribute access to a row mapping, for the permission predicates."""

    __slots__ = ("_m",)

    def __init__(self, mapping: Any) -> None:
        self._m = mapping

    def __getattr__(self, name: str) -> Any:
        try:
            return self._m[name]
        except KeyError:
            raise AttributeError(name) from None


@functools.cache
def _row_statement() -> Any:
    return select(Announcement.__table__).where(T.id == bindparam("id"))


def load_visible(*, announcement_id: int, viewer: Any) -> Any:
    """The announcement's row (attribute access) if the caller may read it; 404 otherwise."""
    row = db.connection().execute(_row_statement(), {"id": announcement_id}).mappings().first()
    if row is None or not perm.can_read(viewer, _Attrs(row)):
        raise NotFound("Announcement not found.", code="announcement_not_found")
    return _Attrs(row)


def images_of(announcement_id: int) -> list[Any]:
    I = AnnouncementImage  # noqa: E741
    return list(
        db.connection().execute(
            select(I.id, I.width, I.height).where(I.announcement_id == announcement_id).order_by(I.position)
        )
    )


def detail_view(*, announcement_id: int, viewer: Any) -> dict[str, Any]:
    found = load_visible(announcement_id=announcement_id, viewer=viewer)
    row = found._m
    images = images_of(announcement_id) if row["image_count"] else []
    return presenters.detail(
        row, images=images, manages=perm.can_manage(viewer, found), locale=request_locale(), now=utcnow()
    )


def residents_in(area_code: str, rw: int | None) -> int:
    """How many active residents live in the area (or the RW): one indexed count on ``users.home_area_code``."""
    U = User.__table__.c
    where = [U.role == Role.RESIDENT.value, U.is_active.is_(True)]
    if rw is not None:
        where += [U.home_area_code == area_code, U.home_rw == rw]
    else:
        where.append(within_area(U.home_area_code, area_code))
    return db.connection().execute(select(func.count()).select_from(User.__table__).where(*where)).scalar_one()


def receipts(*, announcement_id: int, viewer: Any) -> dict[str, int]:
    """Counts only: residents who opened it, out of the residents living in its target area."""
    found = load_visible(announcement_id=announcement_id, viewer=viewer)
    if not perm.sees_receipts(viewer, found):
        raise Forbidden("Only the author and the staff who manage it see the read receipts.")
    R = AnnouncementRead.__table__.c
    opened = (
        db.connection()
        .execute(select(func.count()).select_from(AnnouncementRead.__table__).where(R.announcement_id == found.id))
        .scalar_one()
    )
    return presenters.receipts_view(opened=opened, residents=residents_in(found.area_code, found.rw))
