"""POST /complaints/{id}/reopen: the reporter's "belum beres", once, within 7 days of closing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.core.db import utcnow
from app.extensions import db
from complaints.events import COMPLAINT_STATUS_CHANGED
from complaints.intake.models import HistoryEntry
from complaints.sla.service import sla_deadlines
from notifications.models import Notification
from tests.complaints.feedback_helpers import DAY, handled, someone_else
from tests.complaints.helpers import make_complaint
from tests.complaints.office_factories import member, office
from tests.factories import login, resident, staff

NOTE = "Lubangnya ditambal tapi sudah bolong lagi setelah hujan."


def url(c) -> str:
    return f"/api/v1/complaints/{c.id}/reopen"


def inbox(complaint_id: int) -> dict[int, list[Notification]]:
    rows = db.session.scalars(
        select(Notification).where(Notification.link_type == "complaint", Notification.link_id == complaint_id)
    ).all()
    out: dict[int, list[Notification]] = {}
    for n in rows:
        out.setdefault(n.user_id, []).append(n)
    return out


def test_reporter_reopens_with_a_fresh_deadline_and_the_office_heads_are_told(client, events):
    reporter = resident()
    lead = office("32.73")
    head, other_head, clerk = (staff("office_handler", "32.73") for _ in range(3))
    member(lead, head, head=True)
    member(lead, other_head, head=True)
    member(lead, clerk)
    c, _, stage = handled(reporter, lead=lead, closed_ago=2 * DAY)
    stage.resolution_escalated_at = stage.response_escalated_at = utcnow() - 10 * DAY
    old_due = c.resolution_due_at
    db.session.flush()
    before = inbox(c.id)

    resp = client.post(url(c), json={"note": NOTE}, headers=login(reporter))
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["status"] == "in_progress" and body["can_reopen"] is False and body["can_rate"] is False
    assert body["office"] == {"id": lead.id, "name": lead.name}

    db.session.refresh(c)
    db.session.refresh(stage)
    assert c.status == "in_progress" and c.reopened_at is not None
    assert c.closed_at is None and c.resolved_at is None
    fresh = sla_deadlines(category_id=c.category_id, area_code=c.desa_code, start=c.reopened_at).resolution.due_at
    assert fresh > old_due
    assert c.resolution_due_at == stage.resolution_due_at == stage.due_at == fresh
    assert body["resolution_due_at"] == fresh.isoformat() and body["overdue"] is False
    assert stage.resolution_escalated_at is None  # an overdue reopened complaint escalates again
    assert stage.is_active and stage.office_id == lead.id

    change = db.session.scalars(
        select(HistoryEntry).where(HistoryEntry.complaint_id == c.id).order_by(HistoryEntry.id.desc())
    ).first()
    assert (change.event, change.from_status, change.to_status, change.actor_id, change.note) == (
        "reopen",
        "closed",
        "in_progress",
        reporter.id,
        NOTE,
    )
    assert not change.is_internal
    [payload] = [p for name, p in events if name == COMPLAINT_STATUS_CHANGED]
    assert (payload["event"], payload["new_status"]) == ("reopen", "in_progress")

    after = inbox(c.id)
    new = {uid: [n for n in ns if n not in before.get(uid, [])] for uid, ns in after.items()}
    told = {uid for uid, ns in new.items() if ns}
    assert told == {head.id, other_head.id}  # the heads, not the clerk, and not the reporter (who did it)
    n = new[head.id][0]
    assert (n.kind, n.link_type, n.link_id) == ("complaint_update", "complaint", c.id)
    assert c.tracking_number in n.body and NOTE in n.body
    assert n.data == {"status": "in_progress", "event": "reopen"}

    timeline = client.get(f"/api/v1/complaints/{c.id}/timeline", headers=login(reporter)).get_json()["items"]
    assert (timeline[-1]["event"], timeline[-1]["actor"], timeline[-1]["note"]) == ("reopen", "reporter", NOTE)


def test_without_a_head_every_effective_member_is_told(client):
    reporter = resident()
    lead = office("32.73")
    a, b = staff("office_handler", "32.73"), staff("office_handler", "32.73")
    gone = staff("office_handler", "32.73", is_active=False)
    elsewhere_head = staff("office_handler", "32.04")  # scoped outside the office's reach: not effective
    for user in (a, b, gone):
        member(lead, user)
    member(lead, elsewhere_head, head=True)
    c, _, _ = handled(reporter, lead=lead)
    assert client.post(url(c), json={"note": NOTE}, headers=login(reporter)).status_code == 200
    assert set(inbox(c.id)) - {reporter.id} == {a.id, b.id}


def test_a_private_complaint_can_be_reopened_by_its_reporter(client):
    reporter = resident()
    c, _, _ = handled(reporter, is_public=False)
    assert client.post(url(c), json={"note": NOTE}, headers=login(reporter)).status_code == 200


def test_reopening_twice_is_409(client):
    reporter = resident()
    c, _, _ = handled(reporter)
    headers = login(reporter)
    assert client.post(url(c), json={"note": NOTE}, headers=headers).status_code == 200
    again = client.post(url(c), json={"note": NOTE}, headers=headers)  # still in progress
    assert again.status_code == 409 and "already reopened" in again.get_json()["message"]
    db.session.refresh(c)
    c.status, c.closed_at = "closed", utcnow()  # closed again by the moderator
    db.session.flush()
    resp = client.post(url(c), json={"note": NOTE}, headers=headers)
    assert resp.status_code == 409 and "already reopened" in resp.get_json()["message"]
    db.session.refresh(c)
    assert c.status == "closed"
    reopens = db.session.scalars(select(HistoryEntry).where(HistoryEntry.event == "reopen")).all()
    assert len(reopens) == 1


@pytest.mark.parametrize(
    ("closed_ago", "expected"),
    [(7 * DAY - dt.timedelta(minutes=5), 200), (7 * DAY + dt.timedelta(minutes=1), 409), (30 * DAY, 409)],
)
def test_only_within_7_days_of_closing(client, closed_ago, expected):
    reporter = resident()
    c, _, _ = handled(reporter, closed_ago=closed_ago)
    resp = client.post(url(c), json={"note": NOTE}, headers=login(reporter))
    assert resp.status_code == expected, resp.get_json()
    if expected == 409:
        assert "within 7 days" in resp.get_json()["message"]
        db.session.refresh(c)
        assert c.status == "closed" and c.reopened_at is None


@pytest.mark.parametrize("status", ["submitted", "needs_info", "verified", "rejected", "duplicate", "withdrawn"])
def test_other_statuses_get_the_state_machines_409(client, status):
    reporter = resident()
    c = make_complaint(reporter, status=status)
    resp = client.post(url(c), json={"note": NOTE}, headers=login(reporter))
    assert resp.status_code == 409
    assert "cannot become 'in_progress'" in resp.get_json()["message"]
    assert "status" in resp.get_json()["errors"]


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("accepted", "Only a closed complaint can be reopened; this one is accepted."),
        (
            "in_progress",
            "A complaint in status 'in_progress' cannot become 'in_progress'. Allowed: verified, resolved.",
        ),
        ("resolved", "Only a closed complaint can be reopened; this one is resolved."),
    ],
)
def test_not_closed_yet_is_409(client, status, message):
    reporter = resident()
    c, _, _ = handled(reporter, status=status)
    resp = client.post(url(c), json={"note": NOTE}, headers=login(reporter))
    assert resp.status_code == 409
    assert resp.get_json()["message"] == message
    assert "status" in resp.get_json()["errors"]
    db.session.refresh(c)
    assert c.status == status and c.reopened_at is None


@pytest.mark.parametrize(
    ("who", "public", "expected"),
    [
        ("anonymous", True, 401),
        ("other_resident", True, 403),  # sees the public complaint, may not reopen it
        ("other_resident", False, 404),
        ("moderator", True, 403),
        ("moderator", False, 403),  # staff in scope see it
        ("outside_moderator", False, 404),
        ("handler", False, 403),
    ],
)
def test_only_the_reporter_reopens(client, who, public, expected):
    c, lead, _ = handled(is_public=public)
    user = someone_else(who, lead, head=True)
    resp = client.post(url(c), json={"note": NOTE}, headers=login(user) if user else {})
    assert resp.status_code == expected, resp.get_json()
    db.session.refresh(c)
    assert c.status == "closed" and c.reopened_at is None


@pytest.mark.parametrize(
    "payload", [{}, {"note": ""}, {"note": "   "}, {"note": "x" * 1001}, {"note": NOTE, "status": "in_progress"}]
)
def test_reopen_validation(client, payload):
    reporter = resident()
    c, _, _ = handled(reporter)
    resp = client.post(url(c), json=payload, headers=login(reporter))
    assert resp.status_code == 422, resp.get_json()
    db.session.refresh(c)
    assert c.status == "closed"


def test_reopen_of_an_unknown_complaint_is_404(client):
    assert (
        client.post("/api/v1/complaints/999999/reopen", json={"note": NOTE}, headers=login(resident())).status_code
        == 404
    )
