"""Models of news.announcements: what a village or RW head (or an editor) posts to an area, its images, and who
opened it (one row per resident and announcement, read only as counts).

``target_key`` is the scope key of the target (an area code, or ``desa.RW`` for one RW: ``app.areas.codes``);
residents see the announcements whose target contains their home. ``feed_at`` is the time the feeds sort by: the
scheduled ``publish_at`` until it is published, then ``published_at``. Pushing is exactly once by construction:
``notified_at`` is set by one conditional ``UPDATE … WHERE notified_at IS NULL`` in the transaction that writes
the broadcast, so a second publish, an edit or an overlapping scheduler run finds it set and sends nothing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.accounts.models import User
from app.core.db import Base, BigIntPK, code_string, utcnow
from news.announcements.categories import SLUG_LENGTH, SLUGS

__all__ = ["Announcement", "AnnouncementImage", "AnnouncementRead"]

TITLE_MAX = 150
BODY_MAX = 10_000
EXCERPT_MAX = 200
PLACE_MAX = 150
#: Longest scope key: an RW of a desa, ``32.73.01.1001.005``.
TARGET_KEY_LENGTH = 17


class Announcement(Base):
    __tablename__ = "announcements"
    __table_args__ = (
        CheckConstraint(f"category IN ({', '.join(repr(s) for s in SLUGS)})", name="category"),
        CheckConstraint("rw IS NULL OR rw BETWEEN 1 AND 999", name="rw"),
        CheckConstraint("(link_type IS NULL) = (link_id IS NULL)", name="link"),
        CheckConstraint("(place_lat IS NULL) = (place_lon IS NULL)", name="place_point"),
        CheckConstraint("event_ends_at IS NULL OR event_starts_at IS NOT NULL", name="event_start"),
        CheckConstraint("notification_id IS NULL OR notified_at IS NOT NULL", name="notified"),
        CheckConstraint("image_count BETWEEN 0 AND 5", name="image_count"),
        # The feeds: by target key (a resident's five home levels; a staff scope's range), pinned first, newest.
        Index("ix_announcements_target_key_pinned_feed_at_id", "target_key", "pinned", "feed_at", "id"),
        # Delta sync (``updated_since``) per target key.
        Index("ix_announcements_target_key_updated_at_id", "target_key", "updated_at", "id"),
        # The scheduler: unpublished ones by due time.
        Index("ix_announcements_published_at_publish_at", "published_at", "publish_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    excerpt: Mapped[str] = mapped_column(String(EXCERPT_MAX))
    category: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    area_code: Mapped[str] = mapped_column(code_string(13))
    rw: Mapped[int | None] = mapped_column(SmallInteger)
    target_key: Mapped[str] = mapped_column(code_string(TARGET_KEY_LENGTH))
    pinned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    event_starts_at: Mapped[dt.datetime | None]
    event_ends_at: Mapped[dt.datetime | None]
    place_name: Mapped[str | None] = mapped_column(String(PLACE_MAX))
    place_lat: Mapped[float | None] = mapped_column(Float)
    place_lon: Mapped[float | None] = mapped_column(Float)
    valid_until: Mapped[dt.datetime | None]
    link_type: Mapped[str | None] = mapped_column(String(30))
    link_id: Mapped[int | None] = mapped_column(BigInteger)
    notify: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    publish_at: Mapped[dt.datetime | None]
    published_at: Mapped[dt.datetime | None]
    feed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    notified_at: Mapped[dt.datetime | None]
    notification_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    image_count: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    cover_image_id: Mapped[int | None] = mapped_column(BigInteger)
    author_id: Mapped[int | None] = mapped_column(ForeignKey(User.id, ondelete="SET NULL"), index=True)
    author_role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    edited_at: Mapped[dt.datetime | None]
    deleted_at: Mapped[dt.datetime | None]


class AnnouncementImage(Base):
    """An image of an announcement, re-encoded by the photo pipeline (no metadata) with a thumbnail."""

    __tablename__ = "announcement_images"
    __table_args__ = (UniqueConstraint("announcement_id", "position"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey(Announcement.id, ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(SmallInteger)
    storage_key: Mapped[str] = mapped_column(String(120))
    thumbnail_key: Mapped[str] = mapped_column(String(120))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey(User.id, ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AnnouncementRead(Base):
    """That a resident opened an announcement (once: the primary key). Only ever counted, never listed."""

    __tablename__ = "announcement_reads"

    announcement_id: Mapped[int] = mapped_column(ForeignKey(Announcement.id, ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey(User.id, ondelete="CASCADE"), primary_key=True, index=True)
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
