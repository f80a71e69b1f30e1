"""Withdrawal by the reporter before verification; a withdrawn complaint leaves public lists."""

from __future__ import annotations

import pytest

from app.extensions import db
from complaints.events import COMPLAINT_STATUS_CHANGED
from complaints.intake.models import HistoryEntry
from tests.complaints.helpers import BANDUNG, make_complaint
from tests.factories import login, resident, staff


def url(c) -> str:
    return f"/api/v1/complaints/{c.id}/withdraw"


@pytest.mark.parametrize("status", ["submitted", "needs_info"])
def test_reporter_withdraws_before_verification(client, events, status):
    reporter = resident()
    c = make_complaint(reporter, status=status)
    resp = client.post(url(c), json={"note": "Sudah diperbaiki warga."}, headers=login(reporter))
    assert resp.status_code == 200, resp.get_json()
    got = resp.get_json()
    assert got["status"] == "withdrawn" and got["can_withdraw"] is False and got["can_add_photos"] is False
    [change] = db.session.query(HistoryEntry).filter_by(complaint_id=c.id).all()
    assert (change.from_status, change.to_status, change.actor_id, change.note) == (
        status,
        "withdrawn",
        reporter.id,
        "Sudah diperbaiki warga.",
    )
    [payload] = [p for name, p in events if name == COMPLAINT_STATUS_CHANGED]
    assert (payload["old_status"], payload["new_status"], payload["reporter_id"]) == (status, "withdrawn", reporter.id)
    assert payload["tracking_number"] == c.tracking_number and payload["note"] == "Sudah diperbaiki warga."


def test_withdrawn_complaint_leaves_public_lists_but_stays_mine(client):
    reporter = resident()
    c = make_complaint(reporter)
    headers = login(reporter)
    similar = f"/api/v1/complaints/similar?lat={BANDUNG[0]}&lon={BANDUNG[1]}&category=1"
    assert [i["id"] for i in client.get(similar, headers=headers).get_json()["items"]] == [c.id]
    assert client.post(url(c), json={}, headers=headers).status_code == 200
    assert client.get(similar, headers=headers).get_json()["items"] == []
    assert client.get("/api/v1/complaints").get_json()["items"] == []
    assert client.get(f"/api/v1/complaints/{c.id}").status_code == 404
    assert client.get(f"/api/v1/complaints/{c.id}", headers=login(resident())).status_code == 404
    mine = client.get("/api/v1/me/complaints", headers=headers).get_json()["items"]
    assert [(i["id"], i["status"]) for i in mine] == [(c.id, "withdrawn")]


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        ("verified", "accepted"),
        ("in_progress", "verified, resolved"),
        ("withdrawn", "none"),
        ("rejected", "none"),
    ],
)
def test_after_verification_it_is_409_naming_the_allowed_moves(client, status, allowed):
    reporter = resident()
    c = make_complaint(reporter, status=status)
    resp = client.post(url(c), json={}, headers=login(reporter))
    assert resp.status_code == 409
    assert f"Allowed: {allowed}" in resp.get_json()["message"]
    assert "status" in resp.get_json()["errors"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (lambda: None, 401),
        (lambda: resident(), 404),  # another resident cannot even see it
        (lambda: staff("moderator", "32.73"), 403),  # staff see it, but only the reporter withdraws
        (lambda: staff("moderator", "32.04"), 404),
    ],
)
def test_only_the_reporter_withdraws(client, who, expected):
    c = make_complaint()
    user = who()
    headers = login(user) if user else {}
    assert client.post(url(c), json={}, headers=headers).status_code == expected
    db.session.refresh(c)
    assert c.status == "submitted"


def test_withdraw_validation(client):
    reporter = resident()
    c = make_complaint(reporter)
    headers = login(reporter)
    assert client.post(url(c), json={"note": "x" * 1001}, headers=headers).status_code == 422
    assert client.post(url(c), json={"status": "closed"}, headers=headers).status_code == 422
    assert client.post(url(c), headers=headers).status_code == 400
    db.session.refresh(c)
    assert c.status == "submitted"
