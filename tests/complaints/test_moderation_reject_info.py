"""Reject with a reason, ask the reporter for information, and the reporter's answer back into the queue."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from complaints.conversation.models import Message
from complaints.events import COMPLAINT_MESSAGE_POSTED, COMPLAINT_STATUS_CHANGED
from complaints.intake.models import Complaint, HistoryEntry
from tests.complaints.helpers import make_complaint
from tests.complaints.moderation_helpers import history, inbox
from tests.factories import login, resident, staff

NOTE = "Lokasi belum jelas, silakan kirim ulang dengan foto."


def url(c, action: str) -> str:
    return f"/api/v1/complaints/{c.id}/{action}"


@pytest.mark.parametrize("status", ["submitted", "needs_info"])
def test_reject_stores_reason_and_tells_the_reporter(client, moderator, status):
    reporter = resident()
    c = make_complaint(reporter, status=status)
    resp = client.post(url(c, "reject"), json={"reason": "incomplete", "note": NOTE}, headers=login(moderator))
    assert resp.status_code == 200, resp.get_json()
    got = resp.get_json()
    assert (got["status"], got["rejection_reason"]) == ("rejected", "incomplete")
    stored = db.session.get(Complaint, c.id, populate_existing=True)
    assert (stored.status, stored.rejection_reason, stored.is_listed) == ("rejected", "incomplete", False)
    [change] = history(c)
    assert (change.from_status, change.to_status, change.actor_id, change.note, change.event) == (
        status,
        "rejected",
        moderator.id,
        NOTE,
        "status",
    )
    note = inbox(reporter.id)[-1]
    assert note.title == "Aduan Anda tidak dapat diproses" and NOTE in note.body


@pytest.mark.parametrize(
    "payload",
    [
        {"note": NOTE},
        {"reason": "boring", "note": NOTE},
        {"reason": "spam"},
        {"reason": "spam", "note": ""},
        {"reason": "spam", "note": "x" * 1001},
    ],
)
def test_reject_validation(client, moderator, payload):
    c = make_complaint()
    resp = client.post(url(c, "reject"), json=payload, headers=login(moderator))
    assert resp.status_code == 422
    assert db.session.get(Complaint, c.id, populate_existing=True).status == "submitted"


@pytest.mark.parametrize("status", ["verified", "withdrawn", "duplicate"])
def test_reject_after_verification_is_409(client, moderator, status):
    c = make_complaint(status=status)
    resp = client.post(url(c, "reject"), json={"reason": "spam", "note": NOTE}, headers=login(moderator))
    assert resp.status_code == 409


def test_request_info_then_answer_returns_it_to_the_queue(client, moderator, events):
    reporter = resident()
    c = make_complaint(reporter)
    mod_headers, rep_headers = login(moderator), login(reporter)
    question = "Mohon kirim foto lokasi dan patokan terdekat."
    before = len(inbox(reporter.id))
    resp = client.post(url(c, "request-info"), json={"note": question}, headers=mod_headers)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["status"] == "needs_info"
    # told once, by the status change, with the question in it
    notes = inbox(reporter.id)[before:]
    assert len(notes) == 1 and notes[0].title == "Aduan Anda perlu informasi tambahan" and question in notes[0].body
    queue = client.get("/api/v1/moderation/complaints", headers=mod_headers).get_json()["items"]
    assert queue == []
    waiting = client.get("/api/v1/moderation/complaints?status=needs_info", headers=mod_headers).get_json()["items"]
    assert [i["id"] for i in waiting] == [c.id]
    conversation = client.get(f"/api/v1/complaints/{c.id}/messages", headers=rep_headers).get_json()["items"]
    assert [(m["body"], m["from_reporter"], m["visibility"]) for m in conversation] == [(question, False, "shared")]

    answer = "Di depan SDN 5, patokan warung Bu Siti."
    resp = client.post(url(c, "answer"), json={"body": answer}, headers=rep_headers)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["status"] == "submitted"
    changes = history(c)
    assert [(h.from_status, h.to_status, h.actor_id) for h in changes] == [
        ("submitted", "needs_info", moderator.id),
        ("needs_info", "submitted", reporter.id),
    ]
    assert changes[0].note == question
    messages = list(db.session.scalars(select(Message).where(Message.complaint_id == c.id).order_by(Message.id)))
    assert [(m.body, m.from_reporter, m.author_id) for m in messages] == [
        (question, False, moderator.id),
        (answer, True, reporter.id),
    ]
    assert len(inbox(reporter.id)) == before + 1  # the reporter is not told about their own answer
    posted = [p for name, p in events if name == COMPLAINT_MESSAGE_POSTED]
    assert [p["from_reporter"] for p in posted] == [True]
    assert [p["new_status"] for name, p in events if name == COMPLAINT_STATUS_CHANGED] == ["needs_info", "submitted"]
    queue = client.get("/api/v1/moderation/complaints", headers=mod_headers).get_json()["items"]
    assert [i["id"] for i in queue] == [c.id]


def test_request_info_needs_a_note(client, moderator):
    c = make_complaint()
    for payload in ({}, {"note": ""}, {"note": "x" * 1001}):
        assert client.post(url(c, "request-info"), json=payload, headers=login(moderator)).status_code == 422


def test_request_info_only_from_submitted(client, moderator):
    c = make_complaint(status="verified")
    assert client.post(url(c, "request-info"), json={"note": "?"}, headers=login(moderator)).status_code == 409


@pytest.mark.parametrize(("status", "expected"), [("submitted", 409), ("verified", 409)])
def test_answer_only_while_needs_info(client, status, expected):
    reporter = resident()
    c = make_complaint(reporter, status=status)
    resp = client.post(url(c, "answer"), json={"body": "Ini jawabannya."}, headers=login(reporter))
    assert resp.status_code == expected
    assert db.session.scalars(select(Message).where(Message.complaint_id == c.id)).all() == []


def test_answer_validation(client):
    reporter = resident()
    c = make_complaint(reporter, status="needs_info")
    for payload in ({}, {"body": ""}, {"body": "x" * 2001}, {"body": "ok", "status": "verified"}):
        assert client.post(url(c, "answer"), json=payload, headers=login(reporter)).status_code == 422


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (lambda: None, 401),
        (lambda: resident(), 404),
        (lambda: staff("moderator", "32.73"), 403),  # sees it, but only the reporter answers
        (lambda: staff("village_official", "32.73.01.1001"), 403),
        (lambda: staff("moderator", "32.04"), 404),
    ],
)
def test_only_the_reporter_answers(client, who, expected):
    c = make_complaint(status="needs_info")
    user = who()
    resp = client.post(url(c, "answer"), json={"body": "Ini jawabannya."}, headers=login(user) if user else {})
    assert resp.status_code == expected
    assert db.session.scalars(select(HistoryEntry).where(HistoryEntry.complaint_id == c.id)).all() == []
