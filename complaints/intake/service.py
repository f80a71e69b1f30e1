"""Intake rules: submission (validation, screening, tracking number, idempotency), reading one complaint, withdrawal.

Services flush only; the request commits once.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select

from app.areas import service as areas
from app.areas.codes import LEVEL_DESA, ancestors_of
from app.core.db import utcnow
from app.core.errors import Forbidden, ValidationFailed
from app.core.events import emit
from app.core.sql import insert_ignoring_conflicts
from app.extensions import db
from complaints import geo, states
from complaints import permissions as perm
from complaints.categories import service as categories
from complaints.events import COMPLAINT_SUBMITTED, submitted_payload
from complaints.intake import presenters, queries, screening
from complaints.intake.models import Complaint
from complaints.intake.tracking import new_tracking_number
from complaints.states import Status

_TRACKING_ATTEMPTS = 5


@dataclass
class Submission:
    #: The stored complaint: its columns as attributes (an ORM object when it was loaded, for a replay).
    complaint: Any
    replayed: bool


def request_hash(data: dict[str, Any]) -> str:
    """A fingerprint of the submitted fields (after validation, so key order and spacing do not matter)."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _by_key(*, reporter_id: int, key: str) -> Complaint | None:
    stmt = select(Complaint).where(Complaint.reporter_id == reporter_id, Complaint.idempotency_key == key)
    return db.session.scalars(stmt).one_or_none()


def _replay(existing: Complaint, fingerprint: str) -> Submission:
    if existing.request_hash != fingerprint:
        raise ValidationFailed(
            "This Idempotency-Key was already used for a different complaint.",
            errors={"Idempotency-Key": ["Already used with a different request body; use a new key."]},
        )
    return Submission(existing, replayed=True)


def submit(*, reporter: Any, data: dict[str, Any], idempotency_key: str | None) -> Submission:
    """File a complaint for ``reporter``; with an ``idempotency_key``, a retry returns the first submission."""
    fingerprint = request_hash(data) if idempotency_key else None
    try:
        categories.ensure_active(category_id=data["category_id"])
    except ValidationFailed:
        # A retry of a submission made while the category was still active gets its complaint back.
        existing = _by_key(reporter_id=reporter.id, key=idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return _replay(existing, fingerprint or "")
    desa_code, rw = data["desa_code"], data["rw"]
    if desa_code is None:
        if reporter.home_area_code is None:
            raise ValidationFailed("Choose the desa/kelurahan.", errors={"desa_code": ["Required: no home desa set."]})
        desa_code = reporter.home_area_code
        rw = rw if rw is not None else reporter.home_rw
    areas.require_area(code=desa_code, field="desa_code", level=LEVEL_DESA)

    found = screening.screen(title=data["title"], description=data["description"], address=data["address"])
    now = utcnow()
    lat, lon = data["latitude"], data["longitude"]
    values = {
        "reporter_id": reporter.id,
        "category_id": data["category_id"],
        "status": Status.SUBMITTED.value,
        "version": 1,
        "title": data["title"],
        "description": data["description"],
        "address": data["address"],
        "public_title": found.texts["title"].public,
        "public_description": found.texts["description"].public,
        "public_address": found.texts["address"].public,
        "latitude": lat,
        "longitude": lon,
        "location_accuracy_m": data["location_accuracy_m"],
        "geo_cell": geo.cell_of(lat, lon),
        "desa_code": desa_code,
        "rw": rw,
        "kabkota_code": ancestors_of(desa_code)[1],
        "is_anonymous": data["is_anonymous"],
        "is_public": data["is_public"],
        "is_listed": False,
        "reporter_label": presenters.reporter_label(reporter.name),
        "support_count": 0,
        "photo_count": 0,
        "cover_photo_id": None,
        "screening": found.as_json(),
        "is_flagged": bool(found.flags),
        "idempotency_key": idempotency_key,
        "request_hash": fingerprint,
        "created_at": now,
        "updated_at": now,
        "status_changed_at": now,
    }
    conn = db.session.connection()
    for _ in range(_TRACKING_ATTEMPTS):
        values["tracking_number"] = new_tracking_number()
        new_id = conn.execute(_insert_statement(db.dialect), values).scalar_one_or_none()
        if new_id is not None:
            complaint = SimpleNamespace(id=new_id, **values)  # the row as stored; no ORM object needed
            emit(COMPLAINT_SUBMITTED, **submitted_payload(complaint))
            return Submission(complaint, replayed=False)
        if idempotency_key:  # the key was used before (or by a concurrent retry that just committed)
            existing = _by_key(reporter_id=reporter.id, key=idempotency_key)
            if existing is not None:
                return _replay(existing, fingerprint or "")
        # otherwise the random tracking number was taken: draw another
    raise RuntimeError("could not draw a free tracking number")


@functools.cache
def _insert_statement(dialect: str) -> Any:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING id``, built once; a conflict on the (reporter, key) or the
    tracking number leaves no row and returns nothing, without aborting the transaction."""
    return insert_ignoring_conflicts(Complaint.__table__).returning(Complaint.__table__.c.id)


def withdraw(*, complaint_id: int, user: Any, note: str | None) -> Complaint:
    """The reporter takes the complaint back before verification; it leaves every public list."""
    c = queries.get_visible(complaint_id=complaint_id, viewer=user, for_update=True)
    if not perm.can_withdraw(user, c):
        raise Forbidden("Only the reporter can withdraw a complaint.")
    states.transition(c, to=Status.WITHDRAWN, actor=user, note=note)
    return c
