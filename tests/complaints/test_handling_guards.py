"""Guards found in review of moderation and handling: what an office or a moderator must not be able to do, and what
must not reach the reporter."""

from __future__ import annotations

import base64
import json

import pytest

from app.accounts.models import User
from app.extensions import db
from tests.complaints.handling_helpers import handled, handler, history, notes_for, reload
from tests.complaints.helpers import SOREANG, make_complaint
from tests.complaints.office_factories import office
from tests.factories import login, staff


@pytest.mark.parametrize("status", ["resolved", "closed"])
def test_the_office_cannot_pull_a_resolved_or_closed_complaint_back_into_work(client, status):
    """Only the moderator's failed validation or the reporter's reopening leads back to in_progress."""
    dinas = office()
    c = handled(dinas, status=status)
    resp = client.post(f"/api/v1/complaints/{c.id}/start", json={}, headers=login(handler(dinas)))
    assert resp.status_code == 409
    assert resp.get_json()["errors"] == {"status": ["Allowed from: accepted."]}
    assert reload(c).status == status


def test_a_moderator_cannot_merge_into_a_complaint_of_another_area(client):
    moderator = staff("moderator", "32.73")
    dup = make_complaint()
    elsewhere = make_complaint(point=SOREANG, desa_code="32.04.05.2001", status="verified")  # public: visible
    resp = client.post(
        f"/api/v1/complaints/{dup.id}/mark-duplicate", json={"duplicate_of_id": elsewhere.id}, headers=login(moderator)
    )
    assert resp.status_code == 422
    assert "outside your area" in resp.get_json()["errors"]["duplicate_of_id"][0]
    assert reload(dup).status == "submitted" and reload(elsewhere).support_count == 0


def test_merging_both_ways_leaves_no_cycle(client):
    moderator = staff("moderator", "32.73")
    a, b = make_complaint(), make_complaint()
    first = client.post(
        f"/api/v1/complaints/{a.id}/mark-duplicate", json={"duplicate_of_id": b.id}, headers=login(moderator)
    )
    assert first.status_code == 200
    second = client.post(
        f"/api/v1/complaints/{b.id}/mark-duplicate", json={"duplicate_of_id": a.id}, headers=login(moderator)
    )
    assert second.status_code == 422
    assert (reload(a).status, reload(b).status) == ("duplicate", "submitted")


def test_the_co_handling_request_stays_between_offices(client):
    lead, other = office(), office()
    c = handled(lead, status="accepted")
    secret = "Mohon cek pipa PDAM, hubungi Pak Budi 0812-0000-1111"
    resp = client.post(
        f"/api/v1/complaints/{c.id}/co-handlers",
        json={"office_id": other.id, "note": secret},
        headers=login(handler(lead)),
    )
    assert resp.status_code == 201
    [entry] = [h for h in history(c) if h.event == "co_handling"]
    assert entry.note is None and entry.office_id == other.id
    assert all(secret not in (n.body or "") for n in notes_for(c.reporter_id))
    reporter = db.session.get(User, c.reporter_id)
    timeline = client.get(f"/api/v1/complaints/{c.id}/timeline", headers=login(reporter))
    assert timeline.status_code == 200 and secret not in timeline.get_data(as_text=True)


def test_members_of_a_deactivated_office_lose_its_complaints_and_inbox(client):
    dinas = office()
    member = handler(dinas)
    c = handled(dinas, status="verified")
    dinas.is_active = False
    db.session.flush()
    assert client.post(f"/api/v1/complaints/{c.id}/accept", json={}, headers=login(member)).status_code in (403, 404)
    assert client.get(f"/api/v1/offices/{dinas.id}/inbox", headers=login(member)).status_code == 403
    admin = staff("admin", "32.73")  # who must transfer the complaints away still reads the inbox
    assert client.get(f"/api/v1/offices/{dinas.id}/inbox", headers=login(admin)).status_code == 200
    assert reload(c).status == "verified"


def test_a_failed_validation_is_not_counted_as_resolved(client):
    dinas = office()
    c = handled(dinas, status="resolved")
    c.resolved_at = c.response_due_at
    db.session.flush()
    resp = client.post(
        f"/api/v1/complaints/{c.id}/validate",
        json={"approved": False, "note": "Lubang masih ada."},
        headers=login(staff("moderator", "32.73")),
    )
    assert resp.status_code == 200
    assert reload(c).status == "in_progress" and reload(c).resolved_at is None


def _cursor(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize("value", [2**70, -(2**70)])
def test_an_oversized_cursor_is_422(client, value):
    c = make_complaint(status="verified")
    moderator = staff("moderator", "32.73")
    for url in (
        f"/api/v1/complaints/{c.id}/timeline?cursor={_cursor([value])}",
        f"/api/v1/moderation/complaints?cursor={_cursor([value])}",
    ):
        resp = client.get(url, headers=login(moderator))
        assert resp.status_code == 422, url
        assert resp.get_json()["errors"] == {"cursor": ["Invalid cursor."]}
