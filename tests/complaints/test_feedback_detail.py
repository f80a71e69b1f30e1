"""The complaint detail's handling fields: office, deadlines, overdue, rejection, duplicate, reopen/rate, rating."""

from __future__ import annotations

import datetime as dt

import pytest

from app.core.db import utcnow
from app.extensions import db
from complaints.follow_up import Rating
from complaints.views import presenters, queries
from tests.complaints.feedback_helpers import DAY, handled
from tests.complaints.helpers import make_complaint
from tests.factories import login, resident, staff

FIELDS = (
    "office",
    "response_due_at",
    "resolution_due_at",
    "overdue",
    "rejection_reason",
    "duplicate_of",
    "can_reopen",
    "can_rate",
    "rating",
)


def detail(client, c, user=None):
    resp = client.get(f"/api/v1/complaints/{c.id}", headers=login(user) if user else {})
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_a_new_complaint_has_no_office_and_nothing_to_follow_up(client):
    reporter = resident()
    c = make_complaint(reporter)
    got = detail(client, c, reporter)
    assert {k: got[k] for k in FIELDS} == {
        "office": None,
        "response_due_at": None,
        "resolution_due_at": None,
        "overdue": False,
        "rejection_reason": None,
        "duplicate_of": None,
        "can_reopen": False,
        "can_rate": False,
        "rating": None,
    }


def test_submission_answer_has_the_fields_too(client):
    resp = client.post(
        "/api/v1/complaints",
        json={
            "category_id": 1,
            "title": "Lampu jalan mati",
            "description": "Sudah seminggu lampu jalan di depan masjid mati.",
            "latitude": -6.8706,
            "longitude": 107.5905,
            "desa_code": "32.73.01.1001",
        },
        headers=login(resident()),
    )
    assert resp.status_code == 201, resp.get_json()
    got = resp.get_json()
    assert got["office"] is None and got["can_reopen"] is False and got["rating"] is None


@pytest.mark.parametrize("viewer", ["public", "reporter", "other_resident"])
def test_office_and_deadlines_are_public(client, viewer):
    reporter = resident()
    c, lead, stage = handled(reporter, status="in_progress")
    user = {"public": None, "reporter": reporter, "other_resident": resident()}[viewer]
    got = detail(client, c, user)
    assert got["office"] == {"id": lead.id, "name": lead.name}
    assert got["response_due_at"] == stage.response_due_at.isoformat()
    assert got["resolution_due_at"] == stage.resolution_due_at.isoformat()
    assert got["overdue"] is False and got["can_reopen"] is False and got["can_rate"] is False


def test_overdue_follows_the_lead_stage_deadline_while_handled(client):
    c, _, stage = handled(status="in_progress")
    stage.due_at = utcnow() - dt.timedelta(hours=1)
    db.session.flush()
    assert detail(client, c)["overdue"] is True
    c.status = "resolved"  # waiting for validation: the office's part is done
    db.session.flush()
    assert detail(client, c)["overdue"] is False


def test_closed_complaint_offers_the_reporter_reopen_and_rating(client):
    reporter = resident()
    c, _, _ = handled(reporter, closed_ago=3 * DAY)
    mine = detail(client, c, reporter)
    assert (mine["can_reopen"], mine["can_rate"], mine["rating"]) == (True, True, None)
    for other in (None, resident(), staff("moderator", "32.73")):
        got = detail(client, c, other)
        assert (got["can_reopen"], got["can_rate"]) == (False, False)
    c.closed_at = utcnow() - 8 * DAY
    db.session.flush()
    late = detail(client, c, reporter)
    assert (late["can_reopen"], late["can_rate"]) == (False, True)


def test_rating_score_is_public(client):
    reporter = resident()
    c, lead, _ = handled(reporter)
    db.session.add(Rating(complaint_id=c.id, user_id=reporter.id, score=5, comment="Mantap", office_id=lead.id))
    db.session.flush()
    assert detail(client, c)["rating"] == 5
    assert "Mantap" not in client.get(f"/api/v1/complaints/{c.id}").get_data(as_text=True)


def test_rejection_reason_and_duplicate_for_the_reporter(client):
    reporter = resident()
    rejected = make_complaint(reporter, status="rejected")
    rejected.rejection_reason = "incomplete"
    original = make_complaint(status="verified")
    dup = make_complaint(reporter, status="duplicate")
    dup.duplicate_of_id = original.id
    db.session.flush()
    assert detail(client, rejected, reporter)["rejection_reason"] == "incomplete"
    assert detail(client, dup, reporter)["duplicate_of"] == {
        "id": original.id,
        "tracking_number": original.tracking_number,
    }


def test_detail_spends_one_query_on_these_fields(client, count_queries, monkeypatch):
    reporter = resident()
    headers = login(reporter)
    c, lead, _ = handled(reporter)
    db.session.add(Rating(complaint_id=c.id, user_id=reporter.id, score=5, office_id=lead.id))
    c.duplicate_of_id = make_complaint(status="verified").id
    db.session.flush()
    path = f"/api/v1/complaints/{c.id}"
    with count_queries() as full:
        assert client.get(path, headers=headers).status_code == 200
    monkeypatch.setattr(queries, "detail_extras", lambda complaint_id: presenters.NO_EXTRAS)
    with count_queries() as without:
        assert client.get(path, headers=headers).status_code == 200
    assert full.count == without.count + 1


def test_list_items_do_not_grow(client):
    reporter = resident()
    handled(reporter)
    [item] = client.get("/api/v1/me/complaints", headers=login(reporter)).get_json()["items"]
    assert not set(FIELDS) & set(item)
