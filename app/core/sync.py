"""Delta sync for phones that are often offline: ``?updated_since=<server_time>`` on a list.

A list that offers it answers, besides ``{items, next_cursor}``:

- ``server_time``: the time to send as ``updated_since`` next time. It is taken *before* the query and set back by
  ``OVERLAP``, so a change that was being committed while the query ran (or written by a server whose clock is a
  little behind) comes in the next call rather than never. Items may therefore come twice: clients upsert by id.
  Keep the ``server_time`` of the first page of a round (later pages are a continuation of it).
- ``deleted``: ids removed since ``updated_since`` (tombstones), on the first page of a delta round; empty
  otherwise.

With ``updated_since`` the items are those changed at or after it, oldest change first, by ``(updated_at, id)``
(keyset pagination; an item changed again while paging moves behind the cursor and comes again later in the same
round). Deletions come from ``Tombstone`` rows written by ``record_deletion`` (one helper for every feature); a
feature with soft deletes may instead list its soft-deleted rows, as long as it answers in the same shape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import marshmallow as ma
from sqlalchemy import BigInteger, ColumnElement, Index, Select, String, bindparam, select, tuple_
from sqlalchemy.orm import Mapped, mapped_column

from app.core import http
from app.core.db import Base, BigIntPK, UTCDateTime, utcnow
from app.core.errors import ValidationFailed
from app.core.pagination import decode_cursor, encode_cursor, page_of

#: How far ``server_time`` is set back (longest transaction plus clock skew between servers, with room to spare).
OVERLAP = dt.timedelta(seconds=60)
#: At most this many ids in one ``deleted`` list (the oldest first; the rest come on the next call).
MAX_DELETED = 1000


class Tombstone(Base):
    """An item that was deleted, for the clients that synced it before: ``kind`` names the list (``notification``,
    ``news``…), ``owner_id`` the user whose personal list held it (None: every reader's list)."""

    __tablename__ = "sync_tombstones"
    __table_args__ = (Index("ix_sync_tombstones_kind_owner_id_deleted_at", "kind", "owner_id", "deleted_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    item_id: Mapped[int] = mapped_column(BigInteger)
    owner_id: Mapped[int | None] = mapped_column(BigInteger)
    deleted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


def record_deletion(session: Any, *, kind: str, item_id: int, owner_id: int | None = None) -> None:
    """Remember that ``item_id`` left the ``kind`` list of ``owner_id`` (or everyone's); call it where it is deleted."""
    session.execute(
        Tombstone.__table__.insert().values(kind=kind, item_id=item_id, owner_id=owner_id, deleted_at=utcnow())
    )


def deleted_since(connection: Any, *, kind: str, owner_id: int | None, since: dt.datetime) -> list[int]:
    """Ids deleted from the ``kind`` list of ``owner_id`` (and from everyone's) at or after ``since``."""
    t = Tombstone.__table__.c
    owner = t.owner_id.is_(None) if owner_id is None else (t.owner_id == owner_id) | t.owner_id.is_(None)
    stmt = (
        select(t.item_id)
        .distinct()
        .where(t.kind == kind, owner, t.deleted_at >= since)
        .order_by(t.item_id)
        .limit(MAX_DELETED)
    )
    return list(connection.execute(stmt).scalars())


class UpdatedSince(ma.fields.AwareDateTime):
    """An ISO 8601 time with its offset (the ``server_time`` of an earlier answer); a naive or bad one is a 422."""

    def __init__(self) -> None:
        super().__init__(
            load_default=None,
            metadata={
                "description": "Only what changed at or after this time (send back the `server_time` of an earlier "
                "answer), oldest change first, with `deleted` ids; an ISO 8601 time with its UTC offset.",
                "example": "2026-11-30T08:00:00+00:00",
            },
        )

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.datetime:
        parsed = super()._deserialize(value, attr, data, **kwargs)
        try:
            return parsed.astimezone(dt.UTC)
        except OverflowError:  # year 1 east of UTC, year 9999 west of it
            raise ma.ValidationError("Not a time in the supported range.") from None


class SyncArgs(ma.Schema):
    """Mix into a list's query schema (after ``PageArgs``) to offer ``updated_since``."""

    updated_since = UpdatedSince()


_SYNC_PAGES: dict[type[ma.Schema], type[ma.Schema]] = {}


def sync_page_of(item_schema: type[ma.Schema], **extra: ma.fields.Field) -> type[ma.Schema]:
    """``page_of(item_schema)`` plus ``server_time`` and ``deleted`` (and ``extra`` fields); one class per item."""
    if item_schema in _SYNC_PAGES:
        return _SYNC_PAGES[item_schema]
    name = item_schema.__name__.removesuffix("Schema") + "SyncPageSchema"
    fields = {
        "server_time": ma.fields.String(
            required=True,
            metadata={
                "description": "Send as `updated_since` next time (ISO 8601, UTC).",
                "example": "2026-12-01T08:30:00+00:00",
            },
        ),
        "deleted": ma.fields.List(
            ma.fields.Integer(),
            required=True,
            metadata={
                "description": "Ids deleted since `updated_since` (empty without it): remove them locally.",
                "example": [41, 57],
            },
        ),
        **extra,
    }
    _SYNC_PAGES[item_schema] = type(name, (page_of(item_schema),), fields)
    return _SYNC_PAGES[item_schema]


def server_time() -> str:
    """The ``server_time`` of an answer (ISO 8601): taken before its query, set back by ``OVERLAP``. It is left out
    of the answer's ETag, so an unchanged list still answers 304 (keeping an older time is always safe)."""
    value = (utcnow() - OVERLAP).isoformat()
    http.ignore_in_etag(value)
    return value


def changed_since(
    stmt: Select[Any], *, updated: ColumnElement[Any], key: ColumnElement[Any], after: bool
) -> Select[Any]:
    """``stmt`` restricted to rows changed at or after ``:since``, after the cursor ``(:after_t, :after_id)`` when
    ``after``, oldest change first, ``:limit_plus_one`` rows (bound parameters: build it once per shape)."""
    stamp = UTCDateTime()
    stmt = stmt.where(updated >= bindparam("since", type_=stamp))
    if after:
        stmt = stmt.where(tuple_(updated, key) > tuple_(bindparam("after_t", type_=stamp), bindparam("after_id")))
    return stmt.order_by(updated, key).limit(bindparam("limit_plus_one"))


def changes_params(*, since: dt.datetime, cursor: str | None, limit: int) -> dict[str, Any]:
    """The parameters of a ``changed_since`` statement; a cursor that is not one of its pages' is a 422."""
    params: dict[str, Any] = {"since": since, "limit_plus_one": limit + 1}
    values = decode_cursor(cursor, types=[str, int])
    if values is not None:
        try:
            after_t = dt.datetime.fromisoformat(values[0])
        except ValueError:
            after_t = None
        if after_t is None or after_t.tzinfo is None:
            raise ValidationFailed("Invalid cursor.", errors={"cursor": ["Invalid cursor."]})
        params.update(after_t=after_t, after_id=values[1])
    return params


def changes_page(rows: Sequence[Any], *, limit: int, key: Callable[[Any], tuple[dt.datetime, int]]) -> dict[str, Any]:
    """The envelope of a ``changed_since`` page (``key(row)`` gives its change time and id)."""
    items = list(rows[:limit])
    next_cursor = None
    if len(rows) > limit and items:
        changed, item_id = key(items[-1])
        next_cursor = encode_cursor([changed.isoformat(), item_id])
    return {"items": items, "next_cursor": next_cursor}
