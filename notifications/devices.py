"""Devices (FCM targets) and push preferences.

A target (registration token or installation id) belongs to one account at a time: registering it from another
account moves it there (its topics follow the new owner's home). Logging out detaches it; the topic job then
unsubscribes it from every area topic and forgets it. Each account keeps at most ``MAX_DEVICES_PER_USER``
targets (the least recently seen goes first), which also bounds how many messages one personal notification
costs.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.core.db import utcnow
from app.core.errors import NotFound
from app.core.jobs import enqueue_after_commit
from app.extensions import db
from notifications.inbox import upsert
from notifications.models import BROADCAST_KINDS, KINDS, Device, Preference
from notifications.topics import mark_user_devices

MAX_DEVICES_PER_USER = 10


def _sync_later() -> None:
    from notifications.tasks import sync_topics

    enqueue_after_commit(sync_topics)


def _mark(device: Device) -> None:
    device.topics_due_at = utcnow()
    device.topics_version += 1
    device.topics_attempts = 0


def register_device(
    *, user_id: int, token: str, token_kind: str, platform: str, app_version: str | None, locale: str | None
) -> Device:
    """Register or refresh a target for ``user_id``; a target known under another account moves here."""
    now = utcnow()
    device = db.session.scalars(select(Device).where(Device.token == token).with_for_update()).one_or_none()
    if device is None:
        try:
            with db.session.begin_nested():
                device = Device(
                    token=token,
                    token_kind=token_kind,
                    user_id=user_id,
                    platform=platform,
                    app_version=app_version,
                    locale=locale,
                    created_at=now,
                    last_seen_at=now,
                    topics="",
                    topics_version=1,
                    topics_due_at=now,
                    topics_attempts=0,
                )
                db.session.add(device)
                db.session.flush()
        except IntegrityError:  # lost a race with a registration of the same target: take the stored one
            device = db.session.scalars(select(Device).where(Device.token == token).with_for_update()).one()
    if device.user_id != user_id:
        device.user_id = user_id
        _mark(device)
    device.token_kind, device.platform = token_kind, platform
    device.app_version, device.locale, device.last_seen_at = app_version, locale, now
    db.session.flush()
    _enforce_limit(user_id)
    if device.topics_due_at is not None:
        _sync_later()
    return device


def _enforce_limit(user_id: int) -> None:
    count = db.session.scalar(select(func.count()).select_from(Device).where(Device.user_id == user_id)) or 0
    if count <= MAX_DEVICES_PER_USER:
        return
    oldest = db.session.scalars(
        select(Device)
        .where(Device.user_id == user_id)
        .order_by(Device.last_seen_at, Device.id)
        .limit(count - MAX_DEVICES_PER_USER)
    )
    for device in oldest:
        _detach(device)


def _detach(device: Device) -> None:
    device.user_id = None
    _mark(device)
    _sync_later()


def unregister_device(*, user_id: int, token: str) -> None:
    """Log-out: the target stops receiving this account's pushes at once and leaves its topics in a job."""
    device = db.session.scalars(
        select(Device).where(Device.token == token, Device.user_id == user_id).with_for_update()
    ).one_or_none()
    if device is None:
        raise NotFound("Device not found.")
    _detach(device)
    db.session.flush()


def get_preferences(*, user_id: int) -> dict[str, bool]:
    pref = db.session.get(Preference, user_id)
    return {kind: (getattr(pref, kind) if pref is not None else True) for kind in KINDS}


def update_preferences(*, user_id: int, changes: dict[str, bool]) -> dict[str, bool]:
    """Turn push on/off per kind; a change to a broadcast kind re-syncs the user's topics (in a job)."""
    before = get_preferences(user_id=user_id)
    after = {**before, **changes}
    if after != before:
        upsert(
            Preference.__table__,
            {"user_id": user_id, **after, "updated_at": utcnow()},
            keys=["user_id"],
            update={**after, "updated_at": utcnow()},
        )
        if any(before[k] != after[k] for k in BROADCAST_KINDS):
            mark_user_devices(user_id)
            _sync_later()
    return after
