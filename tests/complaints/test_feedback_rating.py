"""POST/GET /complaints/{id}/rating: the reporter rates a closed complaint 1-5, once; nobody rates for them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.core.db import utcnow
from app.core.jobs import huey
from app.extensions import db
from complaints import states
from complaints.feedback import service
from complaints.follow_up import Rating
from tests.complaints.feedback_helpers import handled, someone_else
from tests.complaints.office_factories import member
from tests.factories import login, resident, staff

COMMENT = "Cepat ditangani, terima kasih. Hubungi saya di 081234567890."


def url(c) -> str:
    return f"/api/v1/complaints/{c.id}/rating"


def ratings() -> int:
    return db.session.scalar(select(func.count()).select_from(Rating))


def test_reporter_rates_a_closed_complaint_once(client):
    reporter = resident()
    c, lead, _ = handled(reporter)
    headers = login(reporter)
    resp = client.post(url(c), json={"score": 4, "comment": COMMENT}, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert (body["score"], body["comment"]) == (4, COMMENT) and body["created_at"]
    row = db.session.get(Rating, c.id)
    assert (row.score, row.comment, row.user_id, row.office_id) == (4, COMMENT, reporter.id, lead.id)

    again = client.post(url(c), json={"score": 1}, headers=headers)
    assert again.status_code == 409 and "already rated" in again.get_json()["message"]
    db.session.refresh(row)
    assert row.score == 4 and ratings() == 1

    detail = client.get(f"/api/v1/complaints/{c.id}", headers=headers).get_json()
    assert (detail["rating"], detail["can_rate"]) == (4, False)
    db.session.refresh(c)
    assert c.rating == 4  # the copy statistics read
    stats = client.get("/api/v1/stats/complaints", headers=login(staff("moderator", "32.73"))).get_json()
    assert stats["rating"] == {"average": 4.0, "count": 1}


def test_comment_is_optional(client):
    reporter = resident()
    c, _, _ = handled(reporter)
    resp = client.post(url(c), json={"score": 5}, headers=login(reporter))
    assert resp.status_code == 201 and resp.get_json()["comment"] is None


def test_a_lost_race_is_409_not_500(client, monkeypatch):
    """Two ratings at once both pass the friendly check; the primary key lets one through."""
    reporter = resident()
    c, _, _ = handled(reporter)
    db.session.add(Rating(complaint_id=c.id, user_id=reporter.id, score=3, office_id=c.office_id))
    db.session.flush()
    monkeypatch.setattr(service, "_rating_of", lambda complaint_id: None)
    resp = client.post(url(c), json={"score": 5}, headers=login(reporter))
    assert resp.status_code == 409, resp.get_json()
    assert "already rated" in resp.get_json()["message"]
    db.session.expire_all()
    assert db.session.get(Rating, c.id).score == 3


@pytest.mark.parametrize(
    "payload",
    [
        {"score": 0},
        {"score": 6},
        {"score": 2.5},
        {"score": True},
        {"score": None},
        {},
        {"score": 4, "comment": "x" * 1001},
        {"score": 4, "office_id": 1},
    ],
)
def test_rating_validation(client, payload):
    reporter = resident()
    c, _, _ = handled(reporter)
    resp = client.post(url(c), json=payload, headers=login(reporter))
    assert resp.status_code == 422, resp.get_json()
    assert ratings() == 0


@pytest.mark.parametrize("status", ["accepted", "in_progress", "resolved"])
def test_only_a_closed_complaint_is_rated(client, status):
    reporter = resident()
    c, _, _ = handled(reporter, status=status)
    resp = client.post(url(c), json={"score": 4}, headers=login(reporter))
    assert resp.status_code == 409 and "closed" in resp.get_json()["message"]
    assert ratings() == 0


@pytest.mark.parametrize(
    ("who", "public", "expected"),
    [
        ("anonymous", True, 401),
        ("other_resident", True, 403),
        ("other_resident", False, 404),
        ("moderator", True, 403),
        ("handler", False, 403),
        ("outside_moderator", False, 404),
    ],
)
def test_only_the_reporter_rates(client, who, public, expected):
    c, lead, _ = handled(is_public=public)
    user = someone_else(who, lead)
    resp = client.post(url(c), json={"score": 5}, headers=login(user) if user else {})
    assert resp.status_code == expected, resp.get_json()
    assert ratings() == 0


def test_reopened_and_closed_again_may_be_rated_if_not_rated_before(client):
    reporter = resident()
    c, _, _ = handled(reporter)
    headers = login(reporter)
    assert (
        client.post(f"/api/v1/complaints/{c.id}/reopen", json={"note": "Belum beres."}, headers=headers).status_code
        == 200
    )
    assert client.post(url(c), json={"score": 2}, headers=headers).status_code == 409  # in progress again
    db.session.refresh(c)
    c.status, c.closed_at = "closed", utcnow()
    db.session.flush()
    assert client.get(f"/api/v1/complaints/{c.id}", headers=headers).get_json()["can_rate"] is True
    assert client.post(url(c), json={"score": 3}, headers=headers).status_code == 201


def test_rated_complaint_may_be_reopened_but_not_rated_again(client):
    reporter = resident()
    c, _, _ = handled(reporter)
    headers = login(reporter)
    assert client.post(url(c), json={"score": 2, "comment": "Belum tuntas."}, headers=headers).status_code == 201
    assert (
        client.post(f"/api/v1/complaints/{c.id}/reopen", json={"note": "Belum beres."}, headers=headers).status_code
        == 200
    )
    db.session.refresh(c)
    c.status, c.closed_at = "closed", utcnow()
    db.session.flush()
    detail = client.get(f"/api/v1/complaints/{c.id}", headers=headers).get_json()
    assert (detail["can_rate"], detail["rating"]) == (False, 2)
    assert client.post(url(c), json={"score": 5}, headers=headers).status_code == 409
    assert db.session.get(Rating, c.id).score == 2


def test_closing_and_every_job_rate_nothing_on_the_reporters_behalf(client):
    reporter = resident()
    c, _, _ = handled(reporter, status="resolved")
    states.transition(c, to="closed", actor=staff("moderator", "32.73"), note="Sudah diperiksa.")
    c.closed_at = utcnow()
    db.session.flush()
    jobs = huey._registry.periodic_tasks  # every periodic job the worker would run
    assert jobs
    for task in jobs:
        task.execute()
    assert ratings() == 0
    assert client.get(url(c)).status_code == 404
    detail = client.get(f"/api/v1/complaints/{c.id}", headers=login(reporter)).get_json()
    assert (detail["rating"], detail["can_rate"]) == (None, True)


@pytest.mark.parametrize(
    ("who", "sees_comment"),
    [("anonymous", False), ("other_resident", False), ("reporter", True), ("moderator", True), ("handler", True)],
)
def test_anyone_who_sees_the_complaint_reads_the_score(client, who, sees_comment):
    reporter = resident()
    c, lead, _ = handled(reporter)
    handler = staff("office_handler", "32.73")
    member(lead, handler)
    db.session.add(Rating(complaint_id=c.id, user_id=reporter.id, score=4, comment=COMMENT, office_id=lead.id))
    db.session.flush()
    user = {
        "anonymous": None,
        "other_resident": resident(),
        "reporter": reporter,
        "moderator": staff("moderator", "32.73"),
        "handler": handler,
    }[who]
    resp = client.get(url(c), headers=login(user) if user else {})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["score"] == 4 and body["comment"] == (COMMENT if sees_comment else None)
    assert set(body) == {"score", "comment", "created_at"}


def test_rating_of_a_complaint_the_caller_cannot_see_is_404(client):
    reporter = resident()
    c, lead, _ = handled(reporter, is_public=False)
    db.session.add(Rating(complaint_id=c.id, user_id=reporter.id, score=1, office_id=lead.id))
    db.session.flush()
    assert client.get(url(c)).status_code == 404
    assert client.get(url(c), headers=login(resident())).status_code == 404
    assert client.get(url(c), headers=login(reporter)).status_code == 200
    assert client.get("/api/v1/complaints/999999/rating").status_code == 404
