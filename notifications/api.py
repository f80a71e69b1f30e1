"""The public contract of notifications: what complaints, news and surveys call. Nothing else is public.

Both functions write their rows in the caller's database transaction (they only flush) and push once that
transaction commits: if it rolls back, nothing is stored and nothing is sent. If the worker or FCM is down, the
rows wait in the outbox and are pushed when they return (a periodic sweep also picks them up).

    from notifications.api import ANNOUNCEMENT, COMPLAINT_UPDATE, broadcast_to_area, notify_users

    notify_users(user_ids=[complaint.reporter_id], kind=COMPLAINT_UPDATE, title="Aduan Anda diverifikasi",
                 body="Aduan ADU-2026-000123 diteruskan ke Dinas PU.", link={"type": "complaint", "id": 123})
    broadcast_to_area(area_code="32.73.01.1001", rw=5, kind=ANNOUNCEMENT, title="Kerja bakti Minggu",
                      body="Kerja bakti RW 05 hari Minggu pukul 07.00.", link={"type": "news", "id": 7},
                      sender_id=official.id)

Limits (a breach raises ``ValidationFailed``, a 422 inside a request): title 1-100 characters, body 1-1000 (the
push shows the first 240, the inbox everything), ``link`` = ``{"type": "complaint", "id": 123}`` (type: lower-case
letters and ``_``, id: a positive integer), ``data``: at most 10 string pairs, keys outside FCM's reserved names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import insert, select

from app.areas import service as areas
from app.areas.codes import LEVEL_DESA, MAX_RW, scope_key
from app.core import user_state
from app.core.db import utcnow
from app.core.errors import ValidationFailed
from app.core.fields import MAX_ID
from app.core.i18n import DEFAULT_LOCALE, LOCALES, _, normalize, render_text
from app.extensions import db
from notifications.inbox import INBOX
from notifications.models import (
    ANNOUNCEMENT,
    BROADCAST_KINDS,
    COMPLAINT_UPDATE,
    KINDS,
    NEWS,
    PUSH_PENDING,
    SURVEY,
    URGENT_KEY,
    URGENT_VALUE,
    Device,
    Notification,
)

TITLE_MAX, BODY_MAX = 100, 1000
DATA_MAX_PAIRS, DATA_VALUE_MAX = 10, 200
_LINK_TYPE = re.compile(r"^[a-z][a-z_]{0,29}$")
_DATA_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_RESERVED_KEYS = {
    "from",
    "notification",
    "message_type",
    "collapse_key",
    "notification_id",
    "kind",
    "link_type",
    "link_id",
}

__all__ = [
    "ANNOUNCEMENT",
    "COMPLAINT_UPDATE",
    "KINDS",
    "NEWS",
    "SURVEY",
    "broadcast_to_area",
    "notify_users",
]


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        _("Notification {field}: {message}", field=field, message=message), errors={field: [message]}
    )


def _check_text(title: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    if not 1 <= len(title) <= TITLE_MAX:
        raise _fail("title", f"Must be 1-{TITLE_MAX} characters.")
    if not 1 <= len(body) <= BODY_MAX:
        raise _fail("body", f"Must be 1-{BODY_MAX} characters.")
    return title, body


def _check_link(link: Mapping[str, Any] | None) -> tuple[str | None, int | None]:
    if link is None:
        return None, None
    link_type, link_id = link.get("type"), link.get("id")
    if set(link) != {"type", "id"} or not isinstance(link_type, str) or not _LINK_TYPE.match(link_type):
        raise _fail("link", 'Must be {"type": "<lower_case>", "id": <positive integer>}.')
    if not isinstance(link_id, int) or isinstance(link_id, bool) or not 1 <= link_id <= MAX_ID:
        raise _fail("link", "The id must be a positive integer.")
    return link_type, link_id


def _check_data(data: Mapping[str, str] | None) -> dict[str, str] | None:
    if not data:
        return None
    if len(data) > DATA_MAX_PAIRS:
        raise _fail("data", f"At most {DATA_MAX_PAIRS} pairs.")
    for key, value in data.items():
        if not isinstance(key, str) or not _DATA_KEY.match(key) or key in _RESERVED_KEYS or key.startswith("gcm"):
            raise _fail("data", f"Invalid or reserved key {key!r}.")
        if not isinstance(value, str) or len(value) > DATA_VALUE_MAX:
            raise _fail("data", f"Values must be strings of at most {DATA_VALUE_MAX} characters.")
    return dict(data)


def recipient_locales(user_ids: list[int]) -> dict[int, str]:
    """Each user's language: the locale of the device they used last (``id`` when none says ``id``/``en``)."""
    found: dict[int, str] = {}
    for start in range(0, len(user_ids), 5000):
        rows = db.session.execute(
            select(Device.user_id, Device.locale)
            .where(Device.user_id.in_(user_ids[start : start + 5000]), Device.locale.is_not(None))
            .order_by(Device.last_seen_at, Device.id)
        )
        for uid, locale in rows:
            found[uid] = normalize(locale) or found.get(uid, DEFAULT_LOCALE)
    return found


def _schedule_push() -> None:
    """Push after the commit (one job per transaction, however many rows it wrote)."""
    from app.core.jobs import enqueue_after_commit
    from notifications.tasks import send_due

    enqueue_after_commit(send_due)


def notify_users(
    *,
    user_ids: Iterable[int],
    kind: str,
    title: str,
    body: str,
    link: Mapping[str, Any] | None = None,
    data: Mapping[str, str] | None = None,
    known_locales: Mapping[int, str] | None = None,
) -> int:
    """Personal notifications: one inbox row per distinct recipient, pushed to each of their devices (unless they
    turned ``kind`` off). Returns how many rows were written.

    ``title`` and ``body`` given as ``app.core.i18n._(...)`` are stored in each recipient's language
    (:func:`recipient_locales`); a plain ``str`` is stored as it is (text someone wrote). ``known_locales`` gives
    the language of recipients already known (the caller of this very request), who are then not looked up."""
    if kind not in KINDS:
        raise _fail("kind", f"Must be one of {', '.join(KINDS)}.")
    texts = {loc: _check_text(render_text(title, loc), render_text(body, loc)) for loc in LOCALES}
    link_type, link_id = _check_link(link)
    extra = _check_data(data)
    recipients = sorted({int(u) for u in user_ids})
    if not recipients:
        return 0
    now = utcnow()
    known = dict(known_locales or {})
    unknown = [u for u in recipients if u not in known]
    locales = {**(recipient_locales(unknown) if unknown else {}), **known}
    common = {
        "kind": kind,
        "link_type": link_type,
        "link_id": link_id,
        "data": extra,
        "created_at": now,
        "push_status": PUSH_PENDING,
        "push_due_at": now,
    }
    for start in range(0, len(recipients), 5000):
        batch = recipients[start : start + 5000]
        rows = []
        for uid in batch:
            title_text, body_text = texts[locales.get(uid, DEFAULT_LOCALE)]
            rows.append({**common, "user_id": uid, "title": title_text, "body": body_text})
        db.session.execute(insert(Notification), rows)
    user_state.changed_for_users(db.session, INBOX, recipients)
    _schedule_push()
    return len(recipients)


def broadcast_to_area(
    *,
    area_code: str,
    rw: int | None = None,
    kind: str,
    title: str,
    body: str,
    link: Mapping[str, Any] | None = None,
    sender_id: int | None = None,
    urgent: bool = False,
) -> int:
    """One broadcast row, shown in the inbox of every resident whose home lies inside the area (province,
    kab/kota, kecamatan, desa, or an RW of a desa) and pushed once to the area topic. Returns its id.

    ``urgent`` (a disaster or security warning) pushes with high priority (Android ``high``, APNs ``10``) instead
    of the normal priority of broadcasts; it is kept in the row's ``data`` as ``{"priority": "high"}``."""
    if kind not in BROADCAST_KINDS:
        raise _fail("kind", f"Broadcasts are one of {', '.join(BROADCAST_KINDS)}.")
    title, body = _check_text(title, body)
    link_type, link_id = _check_link(link)
    detail = areas.require_area(code=area_code, field="area_code")
    if rw is not None:
        if detail.level != LEVEL_DESA:
            raise _fail("rw", "An RW belongs to a desa/kelurahan: give the desa's code.")
        if not isinstance(rw, int) or isinstance(rw, bool) or not 1 <= rw <= MAX_RW:
            raise _fail("rw", f"Must be 1-{MAX_RW}.")
    now = utcnow()
    row = {
        "kind": kind,
        "title": title,
        "body": body,
        "link_type": link_type,
        "link_id": link_id,
        "area_key": scope_key(area_code, rw),
        "sender_id": sender_id,
        "data": {URGENT_KEY: URGENT_VALUE} if urgent else None,
        "created_at": now,
        "push_status": PUSH_PENDING,
        "push_due_at": now,
    }
    notification_id = db.session.execute(insert(Notification).returning(Notification.id), [row]).scalar_one()
    user_state.changed_for_everyone(db.session, INBOX)  # every inbox under the area (finding them costs more)
    _schedule_push()
    return notification_id
