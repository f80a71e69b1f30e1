"""Area topics: what each device should be subscribed to, and the job step that makes it so.

A broadcast to an area is one FCM request to the topic ``<kind>-<area key>``. So each device is subscribed, for
every broadcast kind its owner has not muted, to one topic per level of the owner's home: province, kab/kota,
kecamatan, desa and (when known) the RW. A resident of RW 5 of Sukarasa with everything on has 15 topics, e.g.
``announcement-32``, ``announcement-32.73`` … ``announcement-32.73.01.1001.005``.

Changes (a new device, a device moving to another account or logging out, a new home, a preference) only mark
the device (``topics_due_at``) inside the caller's transaction; ``sync_due_topics`` (a job, and the periodic
sweep) claims marked devices, groups them per topic in calls of at most 1000 tokens, and records the result.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from flask import current_app
from sqlalchemy import delete, select, update

from app.accounts.models import User
from app.areas.codes import ancestors_of, scope_key
from app.core.claims import claim_due
from app.core.db import utcnow
from app.extensions import db
from notifications.models import BROADCAST_KINDS, Device, Preference
from notifications.sender import PRUNE, RETRY, get_sender

log = logging.getLogger(__name__)

#: FCM accepts at most 1000 tokens per topic management call.
TOPIC_BATCH = 1000
SYNC_CLAIM = 1000


def topic_name(kind: str, area_key: str) -> str:
    return f"{kind}-{area_key}"


def desired_topics(home: str | None, enabled_kinds: Iterable[str]) -> set[str]:
    """The topics a device of a user living at ``home`` (desa or RW key) must be subscribed to."""
    if not home:
        return set()
    kinds = [k for k in BROADCAST_KINDS if k in set(enabled_kinds)]
    return {topic_name(kind, key) for key in ancestors_of(home) for kind in kinds}


def mark_user_devices(user_id: int) -> None:
    """The user's home or preferences changed: bring every one of their devices' topics in line (in a job)."""
    db.session.execute(
        update(Device)
        .where(Device.user_id == user_id)
        .values(topics_due_at=utcnow(), topics_version=Device.topics_version + 1, topics_attempts=0)
    )


def _enabled_kinds(user_ids: list[int]) -> dict[int, set[str]]:
    rows = db.session.execute(select(Preference).where(Preference.user_id.in_(user_ids))).scalars()
    muted = {p.user_id: {k for k in BROADCAST_KINDS if not getattr(p, k)} for p in rows}
    return {uid: set(BROADCAST_KINDS) - muted.get(uid, set()) for uid in user_ids}


def sync_due_topics(*, limit: int = SYNC_CLAIM) -> dict[str, int]:
    """Claim devices whose topics must change, make the subscribe/unsubscribe calls, record what happened."""
    cfg = current_app.config
    now = utcnow()
    ids = claim_due(
        db.session(),
        Device.__table__,
        due_column=Device.__table__.c.topics_due_at,
        now=now,
        lease_until=now + dt.timedelta(seconds=cfg["PUSH_LEASE_SECONDS"]),
        limit=limit,
    )
    db.session.commit()
    stats = {"devices": len(ids), "calls": 0, "pruned": 0, "retry": 0}
    if not ids:
        return stats
    rows = db.session.execute(
        select(
            Device.id, Device.token, Device.user_id, Device.topics, Device.topics_version, Device.topics_attempts
        ).where(Device.id.in_(ids))
    ).all()
    owners = [r.user_id for r in rows if r.user_id is not None]
    homes = {
        u.id: (scope_key(u.home_area_code, u.home_rw) if u.home_area_code and u.is_active else None)
        for u in db.session.execute(
            select(User.id, User.home_area_code, User.home_rw, User.is_active).where(User.id.in_(owners))
        )
    }
    kinds = _enabled_kinds(owners) if owners else {}
    want: dict[int, set[str]] = {}
    changes: dict[tuple[str, bool], list[Any]] = defaultdict(list)  # (topic, subscribe?) -> device rows
    for r in rows:
        target = desired_topics(homes.get(r.user_id), kinds.get(r.user_id, ())) if r.user_id else set()
        have = set(r.topics.split())
        want[r.id] = target
        for topic in sorted(target - have):
            changes[(topic, True)].append(r)
        for topic in sorted(have - target):
            changes[(topic, False)].append(r)
    db.session.commit()  # no transaction (and, on SQLite, no write lock) held while FCM is called
    sender = get_sender()
    failed: dict[int, str] = {}
    prune: set[int] = set()
    retry_after: dict[int, float | None] = {}
    for (topic, subscribe), devices in sorted(changes.items()):
        for i in range(0, len(devices), TOPIC_BATCH):
            chunk = devices[i : i + TOPIC_BATCH]
            call = sender.subscribe if subscribe else sender.unsubscribe
            outcomes = call([d.token for d in chunk], topic)
            stats["calls"] += 1
            for device, outcome in zip(chunk, outcomes, strict=True):
                if outcome.action == PRUNE:
                    prune.add(device.id)
                elif outcome.action == RETRY or not outcome.ok:
                    failed[device.id] = outcome.error or "error"
                    retry_after[device.id] = outcome.retry_after
    _record(rows, want, failed, prune, retry_after, now)
    stats["pruned"], stats["retry"] = len(prune), len(failed)
    return stats


def _record(rows, want, failed, prune, retry_after, now) -> None:
    cfg = current_app.config
    if prune:
        db.session.execute(delete(Device).where(Device.id.in_(prune)))
    for r in rows:
        if r.id in prune:
            continue
        same = (Device.id == r.id, Device.topics_version == r.topics_version)
        if r.id in failed:
            attempts = r.topics_attempts + 1
            delay = backoff_seconds(attempts, retry_after.get(r.id), cfg)
            gave_up = attempts >= cfg["PUSH_MAX_ATTEMPTS"]
            if gave_up:
                log.warning("giving up topic sync of device %s: %s", r.id, failed[r.id])
            db.session.execute(
                update(Device)
                .where(*same)
                .values(topics_attempts=attempts, topics_due_at=None if gave_up else now + dt.timedelta(seconds=delay))
            )
        elif r.user_id is None:
            db.session.execute(delete(Device).where(*same))  # logged out and unsubscribed: forget the target
        else:
            db.session.execute(
                update(Device)
                .where(*same)
                .values(topics=" ".join(sorted(want[r.id])), topics_due_at=None, topics_attempts=0)
            )
        # A change made meanwhile (newer version) keeps its own due time and is synced next.
    db.session.commit()


def backoff_seconds(attempt: int, retry_after: float | None, cfg: Any) -> float:
    """Exponential backoff with jitter (attempt 1 → about the base delay), or the server's Retry-After; both
    capped at ``PUSH_RETRY_MAX_SECONDS``."""
    cap = cfg["PUSH_RETRY_MAX_SECONDS"]
    if retry_after is not None and retry_after > 0:
        return float(min(retry_after, cap))
    raw = min(cap, cfg["PUSH_RETRY_BASE_SECONDS"] * 2 ** (attempt - 1))
    return min(cap, raw * random.uniform(0.5, 1.5))
