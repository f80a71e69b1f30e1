"""Channels (the source of an article) and tags: listing, and the admins' changes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.core.db import flush_unique
from app.core.errors import Conflict, NotFound, ValidationFailed
from app.core.pagination import keyset, page
from app.extensions import db
from news.articles import images
from news.articles.models import Channel, Tag
from news.articles.presenters import channel_view, tag_view


def list_channels(*, include_inactive: bool, cursor: str | None, limit: int) -> dict[str, Any]:
    stmt = select(Channel)
    if not include_inactive:
        stmt = stmt.where(Channel.is_active.is_(True))
    stmt = keyset(stmt, keys=[Channel.id], cursor=cursor, limit=limit, types=[int])
    result = page(db.session.scalars(stmt).all(), limit=limit, key=lambda c: [c.id])
    result["items"] = [channel_view(c) for c in result["items"]]
    return result


def get_channel(channel_id: int) -> Channel:
    channel = db.session.get(Channel, channel_id)
    if channel is None:
        raise NotFound("Channel not found.", code="channel_not_found")
    return channel


def require_active_channel(channel_id: int) -> Channel:
    """The channel an editor chose: it must exist and be active (422 otherwise)."""
    channel = db.session.get(Channel, channel_id)
    if channel is None or not channel.is_active:
        raise ValidationFailed("Choose an active channel.", errors={"channel_id": ["Unknown or inactive channel."]})
    return channel


def _flush(*new: object) -> None:
    flush_unique(db.session, *new, conflict=lambda: Conflict("A channel with this name already exists."))


def create_channel(*, data: dict[str, Any]) -> Channel:
    channel = Channel(**data)
    _flush(channel)
    return channel


def update_channel(*, channel: Channel, changes: dict[str, Any]) -> Channel:
    for key, value in changes.items():
        setattr(channel, key, value)
    _flush()
    return channel


def set_logo(*, channel: Channel, data: bytes) -> Channel:
    stored = images.store_image(data, folder="news-logos")
    images.forget_after_commit(channel.logo_key, channel.logo_thumbnail_key)
    channel.logo_key, channel.logo_thumbnail_key = stored.key, stored.thumbnail_key
    db.session.flush()
    return channel


def list_tags(*, cursor: str | None, limit: int) -> dict[str, Any]:
    stmt = keyset(select(Tag), keys=[Tag.slug], cursor=cursor, limit=limit, types=[str])
    result = page(db.session.scalars(stmt).all(), limit=limit, key=lambda t: [t.slug])
    result["items"] = [tag_view(t) for t in result["items"]]
    return result


def create_tag(*, data: dict[str, Any]) -> Tag:
    tag = Tag(**data)
    flush_unique(db.session, tag, conflict=lambda: Conflict("A tag with this slug already exists."))
    return tag


def update_tag(*, tag_id: int, name: str) -> Tag:
    tag = db.session.get(Tag, tag_id)
    if tag is None:
        raise NotFound("Tag not found.", code="tag_not_found")
    tag.name = name
    db.session.flush()
    return tag


def require_tags(tag_ids: list[int]) -> list[Tag]:
    """The tags an editor chose, all of which must exist (422 naming the unknown ones)."""
    wanted = list(dict.fromkeys(tag_ids))
    if not wanted:
        return []
    found = {t.id: t for t in db.session.scalars(select(Tag).where(Tag.id.in_(wanted)))}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise ValidationFailed("Unknown tag.", errors={"tag_ids": ["Unknown tag."]})
    return [found[i] for i in wanted]
