"""Complaints' part of a resident's data rights (``app.accounts.privacy.registry``).

- Export: the resident's complaints as written, the shared messages on them (staff by role only), their public
  history, intake photos they uploaded, their ratings and supports.
- Erase (account deleted or anonymised): the complaints stay, as public records of a problem, with the reporter
  "Anonim" for everyone (``is_anonymous``, label and the account's name), the texts kept only as the masked
  copies made at submission (``intake.pii``), messages, notes and rating comments masked, redaction originals
  dropped.
- Retention: complaints final for ``PRIVACY_CLOSED_COMPLAINT_DAYS`` get the same text purge (the reporter keeps
  seeing them under "my complaints").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, select, update

from app.accounts.privacy import registry
from app.core.storage import get_storage
from app.extensions import db
from complaints.conversation.models import Message
from complaints.follow_up import Rating
from complaints.history import HistoryEntry
from complaints.intake.models import ADDRESS_MAX, TITLE_MAX, Complaint
from complaints.intake.pii import find_pii, mask
from complaints.intake.presenters import ANONYMOUS
from complaints.moderation.models import Redaction
from complaints.offices.models import Office
from complaints.photos.models import ComplaintPhoto
from complaints.states import FINAL_STATUSES, Status
from complaints.supports.models import Support

BATCH = 1000
#: Done with: the final statuses, and closed (a reopening is possible only in the first 7 days).
DONE_STATUSES = sorted(s.value for s in FINAL_STATUSES | {Status.CLOSED})


def _masked(text: str | None) -> str | None:
    if not text:
        return text
    return mask(text, find_pii(text))


def _clip(text: str | None, width: int) -> str | None:
    return text[:width] if text else text


# --- export ------------------------------------------------------------------------------------------------------


def _own_ids(user_id: int) -> Any:
    return select(Complaint.id).where(Complaint.reporter_id == user_id).scalar_subquery()


def _complaints(user_id: int) -> Iterator[dict[str, Any]]:
    C = Complaint
    stmt = select(C).where(C.reporter_id == user_id).order_by(C.id).execution_options(yield_per=BATCH)
    for c in db.session.scalars(stmt):
        yield {
            "id": c.id,
            "tracking_number": c.tracking_number,
            "status": c.status,
            "category_id": c.category_id,
            "title": c.title,
            "description": c.description,
            "address": c.address,
            "latitude": c.latitude,
            "longitude": c.longitude,
            "desa_code": c.desa_code,
            "rw": c.rw,
            "is_anonymous": c.is_anonymous,
            "is_public": c.is_public,
            "support_count": c.support_count,
            "rating": c.rating,
            "created_at": c.created_at,
            "status_changed_at": c.status_changed_at,
            "resolved_at": c.resolved_at,
            "closed_at": c.closed_at,
        }
        db.session.expunge(c)


def _messages(user_id: int) -> Iterator[dict[str, Any]]:
    M = Message
    stmt = (
        select(M.id, M.complaint_id, M.from_reporter, M.author_role, M.body, M.created_at)
        .where(M.complaint_id.in_(_own_ids(user_id)), M.visibility == "shared")
        .order_by(M.complaint_id, M.id)
        .execution_options(yield_per=BATCH)
    )
    for m in db.session.execute(stmt):
        yield {
            "id": m.id,
            "complaint_id": m.complaint_id,
            "author": "me" if m.from_reporter else m.author_role,
            "body": m.body,
            "created_at": m.created_at,
        }


def _history(user_id: int) -> Iterator[dict[str, Any]]:
    S = HistoryEntry
    stmt = (
        select(S.complaint_id, S.from_status, S.to_status, S.event, S.note, S.actor_id, S.created_at)
        .where(S.complaint_id.in_(_own_ids(user_id)), S.is_internal.is_(False))
        .order_by(S.complaint_id, S.id)
        .execution_options(yield_per=BATCH)
    )
    for h in db.session.execute(stmt):
        actor = "system" if h.actor_id is None else ("me" if h.actor_id == user_id else "staff")
        yield {
            "complaint_id": h.complaint_id,
            "from_status": h.from_status,
            "to_status": h.to_status,
            "event": h.event,
            "note": h.note,
            "actor": actor,
            "created_at": h.created_at,
        }


def _photos(user_id: int) -> Iterator[tuple[str, Any]]:
    P = ComplaintPhoto
    stmt = (
        select(P.id, P.complaint_id, P.storage_key)
        .where(P.complaint_id.in_(_own_ids(user_id)), P.kind == "intake", P.uploaded_by_id == user_id)
        .order_by(P.complaint_id, P.id)
    )
    storage = get_storage()
    for p in db.session.execute(stmt).all():
        yield (
            f"complaints/photos/{p.complaint_id}/{p.id}.jpg",
            registry.Blob(lambda key=p.storage_key: storage.open(key)),
        )


def export_complaints(user_id: int) -> Iterator[tuple[str, Any]]:
    yield "complaints/complaints.json", registry.JsonArray(_complaints(user_id))
    yield "complaints/messages.json", registry.JsonArray(_messages(user_id))
    yield "complaints/history.json", registry.JsonArray(_history(user_id))
    ratings = db.session.execute(
        select(Rating.complaint_id, Rating.score, Rating.comment, Rating.created_at)
        .where(Rating.user_id == user_id)
        .order_by(Rating.complaint_id)
    )
    yield "complaints/ratings.json", [dict(r._mapping) for r in ratings]
    supports = db.session.execute(
        select(Support.complaint_id, Complaint.tracking_number, Support.created_at)
        .join(Complaint, Complaint.id == Support.complaint_id)
        .where(Support.user_id == user_id)
        .order_by(Support.complaint_id)
    )
    yield "complaints/supports.json", [dict(r._mapping) for r in supports]
    yield from _photos(user_id)


# --- erase and purge ---------------------------------------------------------------------------------------------


def _mask_rows(model: Any, column: Any, where: Any) -> None:
    """Mask one text column in Python (the PII detector is Python), writing back only the rows that change."""
    rows = db.session.execute(select(model.id, column).where(where, column.is_not(None))).all()
    changed = [{"_id": r[0], "_text": m} for r in rows if (m := _masked(r[1])) != r[1]]
    if changed:
        stmt = update(model.__table__).where(model.__table__.c.id == bindparam("_id"))
        db.session.execute(stmt.values({column.key: bindparam("_text")}), changed)


def purge_texts(complaint_ids: Sequence[int], *, now: dt.datetime, anonymous: bool) -> None:
    """Keep only the masked texts of these complaints (and, with ``anonymous``, hide the reporter for good)."""
    if not complaint_ids:
        return
    ids = list(complaint_ids)
    C = Complaint
    texts = db.session.execute(
        select(C.id, C.title, C.public_title, C.description, C.public_description, C.address, C.public_address).where(
            C.id.in_(ids)
        )
    ).all()
    rows = [
        {
            "_id": r.id,
            "_title": _clip(r.public_title or _masked(r.title), TITLE_MAX) or "",
            "_description": r.public_description or _masked(r.description) or "",
            "_address": _clip(r.public_address or _masked(r.address), ADDRESS_MAX),
        }
        for r in texts
    ]
    values: dict[str, Any] = {
        "title": bindparam("_title"),
        "description": bindparam("_description"),
        "address": bindparam("_address"),
        "public_title": None,
        "public_description": None,
        "public_address": None,
        "reporter_label": ANONYMOUS,
        "idempotency_key": None,
        "request_hash": None,
        "privacy_purged_at": now,
        "version": C.__table__.c.version + 1,
    }
    if anonymous:
        values["is_anonymous"] = True
    if rows:
        table = C.__table__
        db.session.execute(update(table).where(table.c.id == bindparam("_id")).values(values), rows)
    _mask_rows(Message, Message.body, Message.complaint_id.in_(ids))
    _mask_rows(HistoryEntry, HistoryEntry.note, HistoryEntry.complaint_id.in_(ids))
    db.session.execute(
        update(Redaction)
        .where(Redaction.complaint_id.in_(ids))
        .values(original=Redaction.redacted)
        .execution_options(synchronize_session=False)
    )
    rating_rows = db.session.execute(
        select(Rating.complaint_id, Rating.comment).where(Rating.complaint_id.in_(ids), Rating.comment.is_not(None))
    ).all()
    for cid, comment in rating_rows:
        masked = _masked(comment)
        if masked != comment:
            db.session.execute(update(Rating).where(Rating.complaint_id == cid).values(comment=masked))
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Complaint) and obj.id in ids:
            db.session.expire(obj)


def erase_reporters(user_ids: Sequence[int], now: dt.datetime) -> None:
    ids = list(db.session.scalars(select(Complaint.id).where(Complaint.reporter_id.in_(list(user_ids)))))
    for start in range(0, len(ids), BATCH):
        purge_texts(ids[start : start + BATCH], now=now, anonymous=True)
    # Messages the residents wrote elsewhere (none today: only reporters write) are masked too.
    _mask_rows(Message, Message.body, Message.author_id.in_(list(user_ids)))


def purge_closed(*, now: dt.datetime, apply: bool, limit: int) -> int:
    days = int(current_app.config["PRIVACY_CLOSED_COMPLAINT_DAYS"])
    if days <= 0:
        return 0
    C = Complaint
    stmt = (
        select(C.id)
        .where(
            C.privacy_purged_at.is_(None),
            C.status_changed_at < now - dt.timedelta(days=days),
            C.status.in_(DONE_STATUSES),
        )
        .order_by(C.status_changed_at, C.id)
        .limit(limit)
    )
    ids = list(db.session.scalars(stmt))
    if apply and ids:
        purge_texts(ids, now=now, anonymous=False)
    return len(ids)


def office_names(office_ids: Sequence[int]) -> dict[int, str]:
    if not office_ids:
        return {}
    return dict(db.session.execute(select(Office.id, Office.name).where(Office.id.in_(list(office_ids)))).all())


def register() -> None:
    registry.register_exporter("complaints", export_complaints)
    registry.register_eraser("complaints", erase_reporters)
    registry.register_retention_step("closed_complaints", purge_closed)
    registry.register_office_namer(office_names)
