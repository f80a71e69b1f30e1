"""The reporter is told about every change they can see, through the notifications inbox (and push)."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from complaints.states import transition
from notifications.models import Notification
from tests.complaints.helpers import body, make_complaint
from tests.factories import login, resident, staff


def inbox(user_id: int) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user_id)))


def test_submission_is_acknowledged_in_the_inbox(client):
    reporter = resident()
    resp = client.post("/api/v1/complaints", json=body(), headers={**login(reporter), "Accept-Language": "id-ID"})
    assert resp.status_code == 201
    [note] = inbox(reporter.id)
    assert note.title == "Aduan Anda sudah kami terima"
    assert resp.get_json()["tracking_number"] in note.body
    assert (note.link_type, note.link_id) == ("complaint", resp.get_json()["id"])
    items = client.get("/api/v1/me/notifications", headers=login(reporter)).get_json()["items"]
    assert items[0]["link"] == {"type": "complaint", "id": resp.get_json()["id"]}


def test_the_receipt_speaks_the_language_the_reporter_is_using_else_their_devices(client):
    """The reporter files the complaint, so the request's Accept-Language is their language (no look-up); when it
    names no language Balai speaks, the last device's locale decides, as for every other notification."""
    english, device_says = resident(), resident()
    assert client.post("/api/v1/complaints", json=body(), headers=login(english)).status_code == 201  # "en"
    assert [n.title for n in inbox(english.id)] == ["We have received your complaint"]
    auth = login(device_says)
    device = {"token": "tok-" + "x" * 40, "platform": "android", "locale": "en-US"}
    assert client.post("/api/v1/devices", json=device, headers=auth).status_code in (200, 201)
    assert client.post("/api/v1/complaints", json=body(), headers={**auth, "Accept-Language": "fr"}).status_code == 201
    assert [n.title for n in inbox(device_says.id)] == ["We have received your complaint"]


def test_status_change_by_staff_notifies_the_reporter_with_the_note():
    reporter = resident()
    complaint = make_complaint(reporter)
    before = len(inbox(reporter.id))
    moderator = staff("moderator", "32.73")
    transition(complaint, to="withdrawn", actor=moderator, note="Dibatalkan atas permintaan pelapor via telepon.")
    notes = inbox(reporter.id)
    assert len(notes) == before + 1
    assert notes[-1].title == "Aduan Anda dibatalkan"
    assert "via telepon" in notes[-1].body


def test_reporter_is_not_told_what_they_did_themselves(client):
    reporter = resident()
    complaint = make_complaint(reporter)
    before = len(inbox(reporter.id))
    resp = client.post(f"/api/v1/complaints/{complaint.id}/withdraw", json={}, headers=login(reporter))
    assert resp.status_code == 200
    assert len(inbox(reporter.id)) == before


def test_staff_messages_notify_but_internal_notes_do_not(client):
    reporter = resident()
    complaint = make_complaint(reporter)
    before = len(inbox(reporter.id))
    moderator = login(staff("moderator", "32.73"))
    shared = client.post(
        f"/api/v1/complaints/{complaint.id}/messages", json={"body": "Mohon kirim foto tambahan."}, headers=moderator
    )
    internal = client.post(
        f"/api/v1/complaints/{complaint.id}/messages",
        json={"body": "Cek dulu ke UPT.", "visibility": "internal"},
        headers=moderator,
    )
    assert shared.status_code == internal.status_code == 201
    notes = inbox(reporter.id)
    assert len(notes) == before + 1
    assert notes[-1].title == "Pesan baru dari petugas"
    assert "UPT" not in notes[-1].body


def test_a_failed_submission_notifies_nobody(client):
    reporter = resident()
    resp = client.post("/api/v1/complaints", json=body(category_id=999), headers=login(reporter))
    assert resp.status_code == 422
    assert inbox(reporter.id) == []
