"""Redaction (originals kept for admins only) and validating a resolution (close, or back to the office)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.core.db import utcnow
from app.extensions import db
from complaints.handling import stages as stage_service
from complaints.moderation.models import Redaction
from tests.complaints.helpers import make_complaint
from tests.complaints.moderation_helpers import fresh, history, inbox, stages
from tests.complaints.office_factories import office
from tests.factories import login, resident, staff

PHONE_TEXT = "Lubang besar di depan rumah Pak Budi, hubungi 081234567890 untuk lokasi pastinya."
REDACTED = "Lubang besar di depan rumah warga, lokasi di dekat masjid."


def url(c, action: str) -> str:
    return f"/api/v1/complaints/{c.id}/{action}"


def test_redaction_keeps_the_original_for_admins_only(client, moderator):
    reporter = resident(name="Siti Rahmawati")  # a random name could hold "Budi", the name the text redacts
    c = make_complaint(reporter, status="verified", description=PHONE_TEXT)
    assert fresh(c).public_description is not None  # the phone number was masked at submission
    before = len(inbox(reporter.id))
    resp = client.post(
        url(c, "redact"),
        json={"description": REDACTED, "title": "Jalan berlubang", "reason": "Menyebut nama dan nomor HP warga."},
        headers=login(moderator),
    )
    assert resp.status_code == 200, resp.get_json()
    got = resp.get_json()
    assert got["description"] == REDACTED and got["title"] == "Jalan berlubang" and got["status"] == "verified"
    stored = fresh(c)
    assert (stored.description, stored.public_description) == (REDACTED, None)  # nothing left to mask
    assert stored.screening["pii_types"] == [] and stored.is_flagged is False
    rows = list(db.session.scalars(select(Redaction).where(Redaction.complaint_id == c.id).order_by(Redaction.id)))
    assert {(r.field, r.redacted, r.actor_id) for r in rows} == {
        ("description", REDACTED, moderator.id),
        ("title", "Jalan berlubang", moderator.id),
    }
    assert {r.field: r.original for r in rows}["description"] == PHONE_TEXT
    [change] = history(c)
    assert (change.event, change.is_internal, change.from_status, change.to_status, change.actor_id) == (
        "redaction",
        True,
        "verified",
        "verified",
        moderator.id,
    )
    assert len(inbox(reporter.id)) == before  # internal: the reporter is not told

    public = client.get(f"/api/v1/complaints/{c.id}").get_json()
    assert public["description"] == REDACTED and "081234567890" not in str(public) and "Budi" not in str(public)
    assert "Budi" not in str(client.get(f"/api/v1/complaints/{c.id}", headers=login(reporter)).get_json())
    admin = client.get(url(c, "redactions"), headers=login(staff("admin", "32.73")))
    assert admin.status_code == 200, admin.get_json()
    items = admin.get_json()["items"]
    assert [i["field"] for i in items] == [r.field for r in rows]
    assert {i["field"]: i["original"] for i in items}["description"] == PHONE_TEXT
    assert items[0]["actor"] == {"id": moderator.id, "name": moderator.name}
    assert client.get(url(c, "redactions"), headers=login(moderator)).status_code == 403


def test_redaction_of_a_masked_text_recomputes_the_public_copy(client, moderator):
    c = make_complaint(address="Jl. Merdeka 5")
    resp = client.post(
        url(c, "redact"),
        json={"address": "Jl. Merdeka, telp 081234567890", "reason": "Uji"},
        headers=login(moderator),
    )
    assert resp.status_code == 200
    stored = fresh(c)
    assert "081234567890" not in stored.public_address and stored.address == "Jl. Merdeka, telp 081234567890"


@pytest.mark.parametrize(
    "payload",
    [
        {"reason": "Tanpa teks"},
        {"title": "Judul baru"},
        {"title": "abc", "reason": "terlalu pendek"},
        {"description": "x" * 5001, "reason": "terlalu panjang"},
        {"title": "Judul baru", "reason": "", "note": 1},
        {"status": "closed", "title": "Judul baru", "reason": "mass assignment"},
    ],
)
def test_redact_validation(client, moderator, payload):
    c = make_complaint()
    assert client.post(url(c, "redact"), json=payload, headers=login(moderator)).status_code == 422
    assert db.session.scalars(select(Redaction)).all() == []


def test_redact_missing_address_is_422(client, moderator):
    c = make_complaint(address=None)
    resp = client.post(url(c, "redact"), json={"address": "Jl. X", "reason": "Uji"}, headers=login(moderator))
    assert resp.status_code == 422 and "address" in resp.get_json()["errors"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (lambda: None, 401),
        (lambda: staff("moderator", "32.73"), 403),
        (lambda: resident(), 403),
        (lambda: staff("admin", "32.04"), 404),
    ],
)
def test_redactions_are_for_admins_in_scope(client, who, expected):
    c = make_complaint()
    user = who()
    assert client.get(url(c, "redactions"), headers=login(user) if user else {}).status_code == expected


def test_admin_of_another_area_sees_a_listed_complaint_but_not_its_redactions(client):
    c = make_complaint(status="verified")
    assert client.get(url(c, "redactions"), headers=login(staff("admin", "32.04"))).status_code == 403


# --- validation -------------------------------------------------------------------------------------------------


def resolved_complaint(reporter=None):
    """A resolved complaint whose lead office resolved it (due_at cleared), with a resolution deadline."""
    c = make_complaint(reporter, status="resolved")
    dinas = office("32.73")
    stage = stage_service.start_stage(complaint=c, office=dinas, actor=None, now=utcnow() - dt.timedelta(days=3))
    stage_service.mark_resolved(stage)
    db.session.flush()
    return c, stage


def test_approved_resolution_closes_it(client, moderator):
    reporter = resident()
    c, _ = resolved_complaint(reporter)
    resp = client.post(url(c, "validate"), json={"approved": True}, headers=login(moderator))
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["status"] == "closed" and resp.get_json()["closed_at"]
    stored = fresh(c)
    assert stored.status == "closed" and stored.closed_at is not None
    [change] = history(c)
    assert (change.from_status, change.to_status, change.actor_id, change.event) == (
        "resolved",
        "closed",
        moderator.id,
        "status",
    )
    assert inbox(reporter.id)[-1].title == "Aduan Anda ditutup"


def test_failed_validation_sends_it_back_to_the_office_with_its_deadline(client, moderator):
    reporter = resident()
    c, stage = resolved_complaint(reporter)
    note = "Foto penyelesaian belum menunjukkan jalan yang sudah ditambal."
    resp = client.post(url(c, "validate"), json={"approved": False, "note": note}, headers=login(moderator))
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["status"] == "in_progress"
    stored = fresh(c)
    assert stored.status == "in_progress" and stored.closed_at is None
    [change] = history(c)
    assert (change.from_status, change.to_status, change.event, change.note, change.office_id, change.actor_id) == (
        "resolved",
        "in_progress",
        "validation_failed",
        note,
        stored.office_id,
        moderator.id,
    )
    [lead] = stages(c)
    db.session.refresh(lead)
    assert lead.due_at == stored.resolution_due_at == stage.resolution_due_at
    got = inbox(reporter.id)[-1]
    assert got.title == "Penyelesaian aduan Anda diperiksa ulang" and note in got.body


@pytest.mark.parametrize(
    "payload", [{}, {"approved": False}, {"approved": False, "note": ""}, {"approved": "yes"}, {"approved": 1}]
)
def test_validate_validation(client, moderator, payload):
    c, _ = resolved_complaint()
    assert client.post(url(c, "validate"), json=payload, headers=login(moderator)).status_code == 422
    assert fresh(c).status == "resolved"


@pytest.mark.parametrize("status", ["submitted", "in_progress", "closed", "accepted"])
@pytest.mark.parametrize("approved", [True, False])
def test_validate_only_a_resolved_complaint(client, moderator, status, approved):
    c = make_complaint(status=status)
    resp = client.post(url(c, "validate"), json={"approved": approved, "note": "Belum."}, headers=login(moderator))
    assert resp.status_code == 409
    assert history(c) == []
