"""Notifications: the inbox/outbox rows, per-user read markers, devices and push preferences.

A personal notification is one row per recipient (``user_id``); an area broadcast is one row whatever the
audience (``area_key``: an area code or an RW key), shown to every resident whose home lies inside it. The same
row is the push outbox: ``push_due_at`` is set while it still has to be pushed (it doubles as the lease of the
worker that claimed it and as the time of the next retry).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.accounts.models import User
from app.core.db import Base, BigIntPK, code_string, utcnow

COMPLAINT_UPDATE, ANNOUNCEMENT, NEWS, SURVEY = "complaint_update", "announcement", "news", "survey"
#: Every kind a notification can have; each is a push preference a resident can turn off.
KINDS = (COMPLAINT_UPDATE, ANNOUNCEMENT, NEWS, SURVEY)
#: Kinds that may be broadcast to an area (complaint updates are always personal).
BROADCAST_KINDS = (ANNOUNCEMENT, NEWS, SURVEY)

#: ``data`` of a broadcast that must push with high priority (``broadcast_to_area(urgent=True)``).
URGENT_KEY, URGENT_VALUE = "priority", "high"

#: Push states: waiting (or retrying), done, partly done, given up, nothing to push.
PUSH_PENDING, PUSH_SENT, PUSH_PARTIAL, PUSH_FAILED = "pending", "sent", "partial", "failed"
PUSH_NO_DEVICES, PUSH_MUTED = "no_devices", "muted"
PUSH_STATUSES = (PUSH_PENDING, PUSH_SENT, PUSH_PARTIAL, PUSH_FAILED, PUSH_NO_DEVICES, PUSH_MUTED)

TOKEN_KINDS = ("registration_token", "installation_id")
PLATFORMS = ("android", "ios", "web")

#: Longest RW key: ``32.73.01.1001.005``.
AREA_KEY_LENGTH = 17


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (area_key IS NULL)", name="one_audience"),
        CheckConstraint(_in("kind", KINDS), name="kind"),
        CheckConstraint(_in("push_status", PUSH_STATUSES), name="push_status"),
        # The inbox: newest first per recipient, and per broadcast target key (keyset on id).
        Index("ix_notifications_user_id_id", "user_id", "id"),
        Index("ix_notifications_area_key_id", "area_key", "id"),
        # Delta sync of the inbox (``updated_since``): what each audience received since a time.
        Index("ix_notifications_user_id_created_at", "user_id", "created_at"),
        Index("ix_notifications_area_key_created_at", "area_key", "created_at"),
        # The outbox sweep and the admin list of failed pushes.
        Index("ix_notifications_push_due_at_id", "push_due_at", "id"),
        Index("ix_notifications_push_status_id", "push_status", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(String(1000))
    link_type: Mapped[str | None] = mapped_column(String(30))
    link_id: Mapped[int | None] = mapped_column(BigInteger)
    #: Extra string key/values for the app, sent in the push data (personal notifications; on a broadcast only
    #: ``{"priority": "high"}``, an urgent one).
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    user_id: Mapped[int | None] = mapped_column(ForeignKey(User.id, ondelete="CASCADE"))
    area_key: Mapped[str | None] = mapped_column(code_string(AREA_KEY_LENGTH))
    sender_id: Mapped[int | None] = mapped_column(ForeignKey(User.id, ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    push_status: Mapped[str] = mapped_column(String(12), default=PUSH_PENDING)
    push_due_at: Mapped[dt.datetime | None]
    push_attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    #: Device ids still to push after a transient failure (None: every device of the recipient).
    push_retry_devices: Mapped[list[int] | None] = mapped_column(JSON)
    push_error: Mapped[str | None] = mapped_column(String(200))
    pushed_at: Mapped[dt.datetime | None]
    sent_count: Mapped[int] = mapped_column(Integer, default=0)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    pruned_count: Mapped[int] = mapped_column(Integer, default=0)


class NotificationReceipt(Base):
    """One user's markers on one notification (personal or broadcast): read, hidden."""

    __tablename__ = "notification_receipts"
    #: Delta sync of the inbox: what the user read since a time.
    __table_args__ = (Index("ix_notification_receipts_user_id_read_at", "user_id", "read_at"),)

    user_id: Mapped[int] = mapped_column(ForeignKey(User.id, ondelete="CASCADE"), primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        ForeignKey(Notification.id, ondelete="CASCADE"), primary_key=True, index=True
    )
    read_at: Mapped[dt.datetime | None]
    hidden_at: Mapped[dt.datetime | None]


class InboxState(Base):
    """ "Mark all read" as a watermark: every notification with an id up to ``read_upto_id`` counts as read."""

    __tablename__ = "notification_inbox_states"

    user_id: Mapped[int] = mapped_column(ForeignKey(User.id, ondelete="CASCADE"), primary_key=True)
    read_upto_id: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Preference(Base):
    """Push on/off per kind; no row means everything on. The inbox records every kind regardless."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey(User.id, ondelete="CASCADE"), primary_key=True)
    complaint_update: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    announcement: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    news: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    survey: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Device(Base):
    """An app instance's FCM target. ``user_id`` None: logged out, waiting to be unsubscribed and removed.

    ``topics`` lists the area topics the target is subscribed to now; ``topics_due_at`` is set while they must be
    brought in line with the owner's home and preferences (and is the sync job's lease / retry time), and
    ``topics_version`` grows with every change so a sync never clears a newer request.
    """

    __tablename__ = "devices"
    __table_args__ = (
        CheckConstraint(_in("token_kind", TOKEN_KINDS), name="token_kind"),
        CheckConstraint(_in("platform", PLATFORMS), name="platform"),
        Index("ix_devices_topics_due_at_id", "topics_due_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    token: Mapped[str] = mapped_column(String(512), unique=True)
    token_kind: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey(User.id, ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(10))
    app_version: Mapped[str | None] = mapped_column(String(32))
    locale: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    topics: Mapped[str] = mapped_column(Text, default="")
    topics_due_at: Mapped[dt.datetime | None]
    topics_version: Mapped[int] = mapped_column(Integer, default=0)
    topics_attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
