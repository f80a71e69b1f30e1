"""Pushing the outbox: claim due notifications, send them, record the outcome of every message.

Personal notifications go to each device of the recipient (``send_each``, at most 500 messages per call; a
notification's devices never straddle two calls). Broadcasts go to the area topic, one request each. After every
call the results are committed, so a worker killed mid-batch re-sends at most the call in flight: the rest of
its claimed rows were either recorded already or never sent, and become due again when the lease runs out.

Outcomes by FCM error class (``notifications.sender.classify``): unregistered / sender-mismatch / invalid-token
targets are deleted; unavailable / internal / quota are retried (only the devices that failed) with exponential
backoff and jitter or the server's ``Retry-After``, capped, up to ``PUSH_MAX_ATTEMPTS``; then the notification is
marked failed (or partial) with its counts, which admins see in ``GET /api/v1/admin/notifications``.

Every row gets an outcome, whatever goes wrong: the sender never raises (``sender.Guarded``: an OAuth or network
outage is a retry of the messages of that call, a message the client refuses fails alone), and a row whose
message cannot even be built fails on its own. A notification with nothing delivered and nothing failed (every
device gone or unregistered, at the first try or before a retry) ends ``no_devices``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from firebase_admin import messaging
from flask import current_app
from sqlalchemy import delete, select, update

from app.accounts.models import User
from app.core.claims import claim_due
from app.core.db import utcnow
from app.core.jobs import huey
from app.extensions import db
from notifications.models import (
    COMPLAINT_UPDATE,
    PUSH_FAILED,
    PUSH_MUTED,
    PUSH_NO_DEVICES,
    PUSH_PARTIAL,
    PUSH_PENDING,
    PUSH_SENT,
    URGENT_KEY,
    URGENT_VALUE,
    Device,
    Notification,
    Preference,
)
from notifications.sender import FAIL, PRUNE, RETRY, SEND_BATCH, Outcome, get_sender
from notifications.topics import backoff_seconds, topic_name

log = logging.getLogger(__name__)

#: The push shows at most this much of the body (the inbox keeps all of it); FCM payloads stay far below 4 KB.
PUSH_BODY_MAX = 240
PUSH_TTL = dt.timedelta(days=3)
BROADCAST_CLAIM = 50
N_TABLE = Notification.__table__
_N = N_TABLE.c


def _now_second() -> dt.datetime:
    """The time of a push attempt, to the second (so that one chunk's rows share it and group into one UPDATE)."""
    return utcnow().replace(microsecond=0)


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _payload(n: Any) -> dict[str, Any]:
    """The parts of a push shared by every device of one notification."""
    data = {"notification_id": str(n.id), "kind": n.kind}
    if n.link_type:
        data["link_type"], data["link_id"] = n.link_type, str(n.link_id)
    if n.data:
        data.update({str(k): str(v) for k, v in n.data.items()})
    urgent = n.kind == COMPLAINT_UPDATE or (n.data or {}).get(URGENT_KEY) == URGENT_VALUE
    expires = int((utcnow() + PUSH_TTL).timestamp())
    return {
        "notification": messaging.Notification(title=n.title, body=_truncate(n.body, PUSH_BODY_MAX)),
        "data": data,
        "android": messaging.AndroidConfig(
            priority="high" if urgent else "normal",
            ttl=PUSH_TTL,
            notification=messaging.AndroidNotification(channel_id=n.kind, tag=f"balai-{n.id}"),
        ),
        "apns": messaging.APNSConfig(
            headers={
                "apns-priority": "10" if urgent else "5",
                "apns-push-type": "alert",
                "apns-expiration": str(expires),
            },
            payload=messaging.APNSPayload(aps=messaging.Aps(sound="default", thread_id=n.kind)),
        ),
    }


def device_message(payload: dict[str, Any], *, token: str, token_kind: str) -> messaging.Message:
    """A message to one device: installation ids go in ``fid``, registration tokens in ``token``.

    ``Message(token=...)`` is deprecated in firebase-admin 7.7 (it warns); the attribute set after construction is
    what the encoder reads, so registration tokens, which FCM still issues, are sent without the warning.
    """
    if token_kind == "installation_id":
        return messaging.Message(fid=token, **payload)
    msg = messaging.Message(**payload)
    msg.token = token
    return msg


def topic_message(n: Any) -> messaging.Message:
    return messaging.Message(topic=topic_name(n.kind, n.area_key), **_payload(n))


def deliver_due(
    *, limit: int = SEND_BATCH, max_rounds: int = 1000, requeue: Callable[[], None] | None = None
) -> dict[str, int]:
    """Push every due notification (claimed ``limit`` at a time); returns counts for logs and tests.

    ``requeue`` (the job's own enqueue, given by ``notifications.tasks``) is called when a full batch was claimed, so
    another idle worker takes the next batch meanwhile."""
    cfg = current_app.config
    stats: dict[str, int] = defaultdict(int)
    for _ in range(max_rounds):
        now = utcnow()
        lease = {
            "due_column": _N.push_due_at,
            "now": now,
            "lease_until": now + dt.timedelta(seconds=cfg["PUSH_LEASE_SECONDS"]),
        }
        # Broadcasts first (one request each, a whole area waiting), then the oldest personal pushes.
        ids = claim_due(db.session(), N_TABLE, **lease, limit=BROADCAST_CLAIM, where=[_N.area_key.is_not(None)])
        ids += claim_due(db.session(), N_TABLE, **lease, limit=limit)
        db.session.commit()
        if not ids:
            break
        if len(ids) >= limit and requeue is not None and not huey.immediate:
            requeue()  # more is due: let another idle worker take the next batch meanwhile
        rows = db.session.execute(select(Notification.__table__).where(_N.id.in_(ids)).order_by(_N.id)).all()
        db.session.commit()  # no transaction (and, on SQLite, no write lock) held while FCM is called
        stats["claimed"] += len(rows)
        for n in (r for r in rows if r.area_key is not None):
            try:
                message = topic_message(n)
            except Exception as exc:  # a row the client could never send: it fails alone
                outcome = _unbuildable(n, exc)
            else:
                outcome = get_sender().send(message)
            _store([_record(n, [(None, outcome)], stats)])
            db.session.commit()
        _deliver_personal([r for r in rows if r.user_id is not None], stats)
    return dict(stats)


def _deliver_personal(rows: list[Any], stats: dict[str, int]) -> None:
    if not rows:
        return
    user_ids = sorted({r.user_id for r in rows})
    # Two index lookups rather than a join, whose plan can turn into a scan of all users on a big table.
    inactive = set(db.session.scalars(select(User.id).where(User.id.in_(user_ids), User.is_active.is_(False))))
    devices: dict[int, list[Any]] = defaultdict(list)
    for d in db.session.execute(
        select(Device.id, Device.user_id, Device.token, Device.token_kind)
        .where(Device.user_id.in_(user_ids))
        .order_by(Device.id)
    ):
        if d.user_id not in inactive:
            devices[d.user_id].append(d)
    prefs = {p.user_id: p for p in db.session.scalars(select(Preference).where(Preference.user_id.in_(user_ids)))}
    db.session.commit()  # read what to send, then call FCM outside any transaction
    chunk: list[tuple[Any, list[Any]]] = []  # (notification, its devices)
    finished: dict[str, list[int]] = defaultdict(list)  # nothing (more) to push, by final status
    size = 0
    for n in rows:
        pref = prefs.get(n.user_id)
        if pref is not None and not getattr(pref, n.kind):
            finished[PUSH_MUTED].append(n.id)
            continue
        targets = devices.get(n.user_id, [])
        if n.push_retry_devices is not None:
            keep = set(n.push_retry_devices)
            targets = [d for d in targets if d.id in keep]
        if not targets:  # no device, or every device still to retry is gone
            status = PUSH_NO_DEVICES if n.push_retry_devices is None else _final_status(n.sent_count, n.failed_count)
            finished[status].append(n.id)
            continue
        if size + len(targets) > SEND_BATCH and chunk:
            _send_chunk(chunk, stats)
            chunk, size = [], 0
        chunk.append((n, targets[:SEND_BATCH]))
        size += len(targets[:SEND_BATCH])
    if chunk:
        _send_chunk(chunk, stats)
    for status, ids in finished.items():
        db.session.execute(update(Notification).where(_N.id.in_(ids)).values(push_status=status, push_due_at=None))
        stats[status] += len(ids)
    db.session.commit()


def _unbuildable(n: Any, exc: Exception) -> Outcome:
    log.warning("push of notification %s cannot be built: %r", n.id, exc, exc_info=True)
    return Outcome(FAIL, f"{type(exc).__name__}: {exc}"[:200])


def _send_chunk(chunk: list[tuple[Any, list[Any]]], stats: dict[str, int]) -> None:
    messages, sendable, updates = [], [], []
    for n, targets in chunk:
        try:
            payload = _payload(n)
            built = [device_message(payload, token=d.token, token_kind=d.token_kind) for d in targets]
        except Exception as exc:  # a row whose message cannot be built fails alone, not its chunk
            outcome = _unbuildable(n, exc)
            updates.append(_record(n, [(d.id, outcome) for d in targets], stats))
            continue
        messages += built
        sendable.append((n, targets))
    outcomes = iter(get_sender().send_each(messages))
    updates += [_record(n, [(d.id, next(outcomes)) for d in targets], stats) for n, targets in sendable]
    _store(updates)
    db.session.commit()  # recorded: a worker killed after this point never sends these again


def _final_status(sent: int, failed: int) -> str:
    if failed == 0:
        return PUSH_SENT if sent else PUSH_NO_DEVICES  # nothing failed and nothing reached anyone: no device left
    return PUSH_PARTIAL if sent else PUSH_FAILED


def _store(updates: list[dict[str, Any]]) -> None:
    """Write a chunk's outcomes: one UPDATE … WHERE id IN (…) per distinct outcome (usually one: "sent once")."""
    groups: dict[str, tuple[dict[str, Any], list[int]]] = {}
    for values in updates:
        fields = {k: v for k, v in values.items() if k != "id"}
        key = json.dumps(fields, sort_keys=True, default=str)
        groups.setdefault(key, (fields, []))[1].append(values["id"])
    for fields, ids in groups.values():
        db.session.execute(update(Notification).where(_N.id.in_(ids)).values(**fields))


def _record(n: Any, results: list[tuple[int | None, Outcome]], stats: dict[str, int]) -> dict[str, Any]:
    """One attempt's outcome for one notification (counts, retry or final status); prunes dead targets."""
    cfg = current_app.config
    sent = sum(1 for _, o in results if o.ok)
    prune = [device_id for device_id, o in results if o.action == PRUNE and device_id is not None]
    # A topic cannot be pruned: FCM calling it unregistered or invalid is a failure of the broadcast.
    failed = sum(1 for device_id, o in results if o.action == FAIL or (o.action == PRUNE and device_id is None))
    retry = [(device_id, o) for device_id, o in results if o.action == RETRY]
    attempts = n.push_attempts + 1
    values: dict[str, Any] = {
        "id": n.id,
        "push_attempts": attempts,
        "sent_count": n.sent_count + sent,
        "pruned_count": n.pruned_count + len(prune),
        "failed_count": n.failed_count + failed,
        "pushed_at": _now_second(),
    }
    errors = [o.error for _, o in results if not o.ok and o.error]
    values["push_error"] = errors[-1][:200] if errors else n.push_error
    if prune:
        db.session.execute(delete(Device).where(Device.id.in_(prune)))
    if retry and attempts < cfg["PUSH_MAX_ATTEMPTS"]:
        retry_after = max((o.retry_after or 0 for _, o in retry), default=0) or None
        delay = backoff_seconds(attempts, retry_after, cfg)
        values |= {
            "push_status": PUSH_PENDING,
            "push_due_at": utcnow() + dt.timedelta(seconds=delay),
            "push_retry_devices": [device_id for device_id, _ in retry if device_id is not None] or None,
        }
        stats["retry"] += len(retry)
    else:
        values["failed_count"] += len(retry)  # retries exhausted
        values |= {
            "push_status": _final_status(values["sent_count"], values["failed_count"]),
            "push_due_at": None,
            "push_retry_devices": None,
        }
        if values["push_status"] != PUSH_SENT:
            log.warning("push of notification %s ended %s: %s", n.id, values["push_status"], values.get("push_error"))
    stats["sent"] += sent
    stats["pruned"] += len(prune)
    stats["failed"] += failed + (len(retry) if values["push_due_at"] is None else 0)
    return values
