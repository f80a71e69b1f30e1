"""Notifications' part of a resident's data rights (``app.accounts.privacy.registry``), and the messages that
the data-rights flows send (a data export is ready; the account will be anonymised for inactivity).

- Export: devices (the token shortened), push preferences, personal notifications with their read markers.
- Erase: devices leave at once (detached; the topic job unsubscribes them), personal notifications, read
  markers, inbox state and preferences are deleted.
- Retention: notifications older than ``PRIVACY_NOTIFICATION_DAYS`` are deleted (their read markers with them),
  oldest first in bounded batches.

The two messages use the ``complaint_update`` kind, the one personal kind there is: a dedicated ``account`` kind
needs the ``notifications.kind`` CHECK constraint rebuilt (a table copy on SQLite), left for a later migration.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from flask import current_app
from sqlalchemy import delete, select, update

from app.accounts.privacy import registry
from app.accounts.privacy.export import DATA_EXPORT_READY
from app.accounts.privacy.retention import RETENTION_WARNING
from app.core import user_state
from app.core.events import on
from app.core.i18n import _
from app.core.jobs import enqueue_after_commit
from app.extensions import db
from notifications.api import COMPLAINT_UPDATE, notify_users
from notifications.inbox import INBOX
from notifications.models import Device, InboxState, Notification, NotificationReceipt, Preference

ACCOUNT_KIND = COMPLAINT_UPDATE
BATCH = 1000


@on(DATA_EXPORT_READY)
def tell_export_ready(*, user_id: int, export_id: int, expires_at: dt.datetime, **_rest: Any) -> None:
    hours = current_app.config["PRIVACY_EXPORT_HOURS"]
    notify_users(
        user_ids=[user_id],
        kind=ACCOUNT_KIND,
        title=_("Your data is ready to download"),
        body=_("The copy of your data you asked for can be downloaded in the app for {hours} hours.", hours=hours),
        link={"type": "data_export", "id": export_id},
    )


@on(RETENTION_WARNING)
def warn_inactive(*, user_ids: Sequence[int], anonymise_on: dt.date, **_rest: Any) -> None:
    notify_users(
        user_ids=user_ids,
        kind=ACCOUNT_KIND,
        title=_("Your account will be deleted"),
        body=_(
            "You have not used Balai for a long time. Log in before {date} to keep your account; otherwise your "
            "personal data will be erased and your complaints kept anonymously.",
            date=anonymise_on.isoformat(),
        ),
    )


def _notifications(user_id: int) -> Iterator[dict[str, Any]]:
    N, R = Notification, NotificationReceipt
    stmt = (
        select(N.id, N.kind, N.title, N.body, N.link_type, N.link_id, N.created_at, R.read_at)
        .outerjoin(R, (R.notification_id == N.id) & (R.user_id == user_id))
        .where(N.user_id == user_id)
        .order_by(N.id)
        .execution_options(yield_per=BATCH)
    )
    for n in db.session.execute(stmt):
        yield {
            "id": n.id,
            "kind": n.kind,
            "title": n.title,
            "body": n.body,
            "link": {"type": n.link_type, "id": n.link_id} if n.link_type else None,
            "created_at": n.created_at,
            "read_at": n.read_at,
        }


def export_notifications(user_id: int) -> Iterator[tuple[str, Any]]:
    devices = db.session.scalars(select(Device).where(Device.user_id == user_id).order_by(Device.id))
    yield (
        "notifications/devices.json",
        [
            {
                "token_end": d.token[-8:],
                "token_kind": d.token_kind,
                "platform": d.platform,
                "app_version": d.app_version,
                "locale": d.locale,
                "created_at": d.created_at,
                "last_seen_at": d.last_seen_at,
            }
            for d in devices
        ],
    )
    pref = db.session.get(Preference, user_id)
    kinds = ("complaint_update", "announcement", "news", "survey")
    yield "notifications/preferences.json", {k: (getattr(pref, k) if pref else True) for k in kinds}
    yield "notifications/notifications.json", registry.JsonArray(_notifications(user_id))


def erase_notifications(user_ids: Sequence[int], now: dt.datetime) -> None:
    ids = list(user_ids)
    moved = db.session.execute(
        update(Device)
        .where(Device.user_id.in_(ids))
        .values(user_id=None, topics_due_at=now, topics_version=Device.topics_version + 1, topics_attempts=0)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved:
        from notifications.tasks import sync_topics

        enqueue_after_commit(sync_topics)
    db.session.execute(delete(NotificationReceipt).where(NotificationReceipt.user_id.in_(ids)))
    db.session.execute(delete(Notification).where(Notification.user_id.in_(ids)))
    db.session.execute(delete(InboxState).where(InboxState.user_id.in_(ids)))
    user_state.changed_for_users(db.session, INBOX, ids)
    db.session.execute(delete(Preference).where(Preference.user_id.in_(ids)))


def delete_old(*, now: dt.datetime, apply: bool, limit: int) -> int:
    days = int(current_app.config["PRIVACY_NOTIFICATION_DAYS"])
    if days <= 0:
        return 0
    ids = list(
        db.session.scalars(
            select(Notification.id)
            .where(Notification.created_at < now - dt.timedelta(days=days))
            .order_by(Notification.id)
            .limit(limit)
        )
    )
    if apply and ids:
        db.session.execute(delete(NotificationReceipt).where(NotificationReceipt.notification_id.in_(ids)))
        db.session.execute(delete(Notification).where(Notification.id.in_(ids)))
        user_state.changed_for_everyone(db.session, INBOX)
    return len(ids)


def register() -> None:
    registry.register_exporter("notifications", export_notifications)
    registry.register_eraser("notifications", erase_notifications)
    registry.register_retention_step("old_notifications", delete_old)
