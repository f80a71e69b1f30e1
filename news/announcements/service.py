"""Writing announcements: create, edit, delete, and the resident's "opened" mark. Services only flush.

Every write checks the target against the caller's scope (``permissions.may_target``), on create and on edit,
before anything is stored; bad input is a 4xx and leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from app.accounts.roles import Role
from app.areas import service as areas
from app.areas.codes import LEVEL_DESA, scope_key
from app.core import links
from app.core.db import utcnow
from app.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.core.i18n import _
from app.core.markdown import plain_excerpt, render_markdown
from app.extensions import db
from news.announcements import permissions as perm
from news.announcements import publishing, queries
from news.announcements.models import EXCERPT_MAX, Announcement, AnnouncementRead

#: Fields whose change after publication is an edit the readers are told about (``edited_at``).
CONTENT_FIELDS = (
    "title",
    "body",
    "category",
    "area_code",
    "rw",
    "event_starts_at",
    "event_ends_at",
    "place_name",
    "place_lat",
    "place_lon",
    "link",
)
OUTSIDE_SCOPE = _("You may post only to your own area.")


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors={field: [message]})


def _check_target(principal: Any, area_code: str, rw: int | None) -> None:
    detail = areas.require_area(code=area_code, field="area_code")
    if rw is not None and detail.level != LEVEL_DESA:
        raise _fail("rw", _("An RW belongs to a desa/kelurahan: give the desa's code."))
    if not perm.may_target(principal, area_code, rw):
        raise Forbidden(OUTSIDE_SCOPE, errors={"area_code": [OUTSIDE_SCOPE]}, code="target_outside_scope")


def _check_times(values: dict[str, Any], *, now: dt.datetime, changed: set[str]) -> None:
    start, end = values.get("event_starts_at"), values.get("event_ends_at")
    if end is not None and start is None:
        raise _fail("event_ends_at", _("An event end needs an event start."))
    if start is not None and end is not None and end < start:
        raise _fail("event_ends_at", _("The event cannot end before it starts."))
    publish_at, valid_until = values.get("publish_at"), values.get("valid_until")
    if valid_until is not None and "valid_until" in changed and valid_until <= now:
        raise _fail("valid_until", _("Must be in the future."))
    if valid_until is not None and publish_at is not None and valid_until <= publish_at:
        raise _fail("valid_until", _("Must be after the publishing time."))
    if (values.get("place_lat") is None) != (values.get("place_lon") is None):
        raise _fail("place_lat", _("Give both latitude and longitude of the place, or neither."))


def _apply(row: Announcement, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name == "link":
            row.link_type, row.link_id = (value["type"], value["id"]) if value else (None, None)
        elif name == "body":
            row.body = value
            row.body_html = render_markdown(value)
            row.excerpt = plain_excerpt(value, EXCERPT_MAX)
        else:
            setattr(row, name, value)
    row.target_key = scope_key(row.area_code, row.rw)


def _content(row: Announcement) -> tuple[Any, ...]:
    return tuple((row.link_type, row.link_id) if n == "link" else getattr(row, n) for n in CONTENT_FIELDS)


def _current(row: Announcement) -> dict[str, Any]:
    names = [c for c in CONTENT_FIELDS if c != "link"] + ["valid_until", "publish_at"]
    return {n: getattr(row, n) for n in names}


def create(*, principal: Any, data: dict[str, Any]) -> int:
    """A new announcement, published now or scheduled (``publish_at`` in the future); returns its id."""
    now = utcnow()
    _check_target(principal, data["area_code"], data.get("rw"))
    _check_times(data, now=now, changed=set(data))
    if data.get("link"):
        links.check(data["link"]["type"], data["link"]["id"])
    publish_at = data.get("publish_at")
    scheduled = publish_at is not None and publish_at > now
    row = Announcement(
        author_id=principal.id,
        author_role=principal.role,
        pinned=data.get("pinned", False),
        notify=data.get("notify", False),
        valid_until=data.get("valid_until"),
        publish_at=publish_at if scheduled else None,
        published_at=None if scheduled else now,
        feed_at=publish_at if scheduled else now,
    )
    _apply(row, {k: v for k, v in data.items() if k not in ("pinned", "notify", "valid_until", "publish_at")})
    db.session.add(row)
    db.session.flush()
    if not scheduled:
        publishing.push_once(row.id)
    return row.id


def load_for_write(announcement_id: int, principal: Any) -> Announcement:
    row = db.session.scalars(
        select(Announcement)
        .where(Announcement.id == announcement_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if row is None or not perm.can_read(principal, row):
        raise NotFound("Announcement not found.", code="announcement_not_found")
    if not perm.can_manage(principal, row):
        raise Forbidden("You may change only the announcements of your own area.")
    return row


def update(*, principal: Any, announcement_id: int, data: dict[str, Any]) -> None:
    """Change the fields sent; the target is checked against the scope again. After publication a content change
    sets ``edited_at``; a push that was sent is never sent again, one asked for now goes out once."""
    now = utcnow()
    row = load_for_write(announcement_id, principal)
    for name in ("title", "body", "category", "area_code"):
        if name in data and data[name] is None:
            raise _fail(name, "Field may not be null.")
    if "publish_at" in data and row.published_at is not None:
        raise Conflict(
            "It is already published; its publishing time cannot change.", errors={"publish_at": ["Published."]}
        )
    merged = {**_current(row), **{k: v for k, v in data.items() if k != "link"}}
    if "area_code" in data or "rw" in data:
        _check_target(principal, merged["area_code"], merged["rw"])
    _check_times(merged, now=now, changed=set(data))
    if data.get("link"):
        links.check(data["link"]["type"], data["link"]["id"])
    before = _content(row)
    publish_at = data.pop("publish_at", row.publish_at)
    _apply(row, data)
    changed = _content(row) != before
    if row.published_at is not None and changed:
        row.edited_at = now
    db.session.flush()
    if row.published_at is None:
        if publish_at is None or publish_at <= now:
            publishing.publish_now(row.id, now=now)
        else:
            row.publish_at, row.feed_at = publish_at, publish_at
            db.session.flush()
    elif data.get("notify"):
        publishing.push_once(row.id)
    db.session.expire(row)


def delete(*, principal: Any, announcement_id: int) -> None:
    """Soft delete: it leaves every feed (and comes in ``deleted`` of a delta sync); the row stays."""
    row = load_for_write(announcement_id, principal)
    row.deleted_at = utcnow()
    db.session.flush()


def mark_opened(*, viewer: Any, announcement_id: int) -> None:
    """A resident opened the announcement: one row per (announcement, resident), whatever the number of opens."""
    found = queries.load_visible(announcement_id=announcement_id, viewer=viewer)
    if viewer.role != Role.RESIDENT:
        return  # staff reading it are not among the residents counted
    if db.dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(
        insert(AnnouncementRead)
        .values(announcement_id=found.id, user_id=viewer.id, opened_at=utcnow())
        .on_conflict_do_nothing()
    )
