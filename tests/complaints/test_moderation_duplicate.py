"""Marking a duplicate: supporters and the reporter move to the original, counts are right, the reporter is told."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from complaints.supports.models import Support
from tests.complaints.helpers import SOREANG, make_complaint
from tests.complaints.moderation_helpers import fresh, history, inbox
from tests.factories import login, resident


def url(c) -> str:
    return f"/api/v1/complaints/{c.id}/mark-duplicate"


def supporters(c) -> set[int]:
    return set(db.session.scalars(select(Support.user_id).where(Support.complaint_id == c.id)))


def support(c, *users) -> None:
    for u in users:
        db.session.add(Support(complaint_id=c.id, user_id=u.id))
    db.session.flush()


def test_supporters_and_reporter_move_to_the_original(client, moderator):
    original_reporter, dup_reporter = resident(), resident()
    original = make_complaint(original_reporter, status="verified")
    dup = make_complaint(dup_reporter)
    both, only_dup, only_original = resident(), resident(), resident()
    support(original, both, only_original)
    support(dup, both, only_dup, original_reporter)  # the original's reporter never supports their own
    payload = {"duplicate_of_id": original.id, "note": "Lokasi sama."}
    resp = client.post(url(dup), json=payload, headers=login(moderator))
    assert resp.status_code == 200, resp.get_json()
    got = resp.get_json()
    assert got["status"] == "duplicate" and got["support_count"] == 0
    assert got["duplicate_of"]["id"] == original.id
    assert got["duplicate_of"]["tracking_number"] == original.tracking_number
    assert supporters(original) == {both.id, only_original.id, only_dup.id, dup_reporter.id}
    assert supporters(dup) == set()
    assert fresh(original).support_count == 4
    stored = fresh(dup)
    assert (stored.support_count, stored.duplicate_of_id, stored.status) == (0, original.id, "duplicate")
    [change] = history(dup)
    assert (change.from_status, change.to_status, change.actor_id) == ("submitted", "duplicate", moderator.id)
    assert original.tracking_number in change.note and "Lokasi sama." in change.note
    note = inbox(dup_reporter.id)[-1]
    assert note.title == "Aduan Anda digabungkan dengan aduan serupa"
    assert original.tracking_number in note.body


def test_same_reporter_does_not_support_their_own_original(client, moderator):
    reporter = resident()
    original = make_complaint(reporter)
    dup = make_complaint(reporter)
    resp = client.post(url(dup), json={"duplicate_of_id": original.id}, headers=login(moderator))
    assert resp.status_code == 200
    assert supporters(original) == set() and fresh(original).support_count == 0


@pytest.mark.parametrize("status", ["rejected", "withdrawn", "duplicate"])
def test_original_must_still_be_alive(client, moderator, status):
    original = make_complaint(status=status)
    dup = make_complaint()
    resp = client.post(url(dup), json={"duplicate_of_id": original.id}, headers=login(moderator))
    assert resp.status_code == 422
    assert status in resp.get_json()["errors"]["duplicate_of_id"][0]
    assert fresh(dup).status == "submitted"


def test_original_must_differ_exist_and_be_visible(client, moderator):
    dup = make_complaint()
    elsewhere = make_complaint(point=SOREANG, desa_code="32.04.05.2001")  # not listed, outside the scope
    headers = login(moderator)
    for target, text in ((dup.id, "itself"), (999_999, "No complaint"), (elsewhere.id, "No complaint")):
        resp = client.post(url(dup), json={"duplicate_of_id": target}, headers=headers)
        assert resp.status_code == 422
        assert text in resp.get_json()["errors"]["duplicate_of_id"][0]


@pytest.mark.parametrize("payload", [{}, {"duplicate_of_id": 0}, {"duplicate_of_id": "x"}, {"duplicate_of_id": 2.5}])
def test_mark_duplicate_validation(client, moderator, payload):
    dup = make_complaint()
    assert client.post(url(dup), json=payload, headers=login(moderator)).status_code == 422


def test_a_verified_complaint_is_not_marked_duplicate(client, moderator):
    original = make_complaint()
    dup = make_complaint(status="verified")
    support(dup, resident())
    resp = client.post(url(dup), json={"duplicate_of_id": original.id}, headers=login(moderator))
    assert resp.status_code == 409
    assert len(supporters(dup)) == 1 and supporters(original) == set()
