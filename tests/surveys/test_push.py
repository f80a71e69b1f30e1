"""Pushes: one broadcast when a survey is published, one result notification per voter after a poll closes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from app.core.db import utcnow
from app.extensions import db
from notifications.models import Notification
from surveys import notify
from surveys.models import Survey
from tests.factories import login, resident
from tests.surveys.helpers import DESA, RW, editor, published


def _survey_notifications():
    return db.session.execute(select(Notification).where(Notification.kind == "survey")).scalars().all()


def _vote(client, poll, user):
    q = poll["items"][0]
    body = {"answers": [{"question_id": q["id"], "option_id": q["options"][0]["id"]}]}
    assert client.post(f"/api/v1/surveys/{poll['id']}/responses", json=body, headers=login(user)).status_code == 201


def test_publishing_broadcasts_once_to_the_target_area(client):
    poll = published(client, kind="poll")
    [n] = _survey_notifications()
    assert n.area_key == f"{DESA}.{RW:03d}" and n.user_id is None
    assert (n.link_type, n.link_id) == ("survey", poll["id"]) and n.body == poll["title"] and n.title == "Polling baru"
    survey = db.session.get(Survey, poll["id"])
    assert notify.announce(survey, sender_id=None) is False  # the conditional update finds it announced
    assert len(_survey_notifications()) == 1


def test_closing_a_poll_tells_its_voters_once(client):
    user = editor()
    poll = published(client, user, kind="poll")
    voters = [resident(), resident()]
    for v in voters:
        _vote(client, poll, v)
    resident()  # did not vote
    assert client.post(f"/api/v1/surveys/{poll['id']}/close", headers=login(user)).status_code == 200
    personal = [n for n in _survey_notifications() if n.user_id is not None]
    assert sorted(n.user_id for n in personal) == sorted(v.id for v in voters)
    assert all(poll["title"] in n.body for n in personal)
    assert notify.tell_voters(db.session.get(Survey, poll["id"])) == 0
    assert len([n for n in _survey_notifications() if n.user_id is not None]) == 2


def test_the_sweep_closes_due_surveys_and_tells_voters(client):
    poll = published(client, kind="poll")
    voter = resident()
    _vote(client, poll, voter)
    db.session.execute(
        update(Survey).where(Survey.id == poll["id"]).values(closes_at=utcnow() - dt.timedelta(minutes=1))
    )
    assert notify.close_due() == 1
    assert db.session.get(Survey, poll["id"]).status == "closed"
    assert [n.user_id for n in _survey_notifications() if n.user_id] == [voter.id]
    assert notify.close_due() == 0


def test_no_result_notification_when_only_staff_see_results(client):
    user = editor()
    poll = published(client, user, kind="poll", results_visibility="staff")
    _vote(client, poll, resident())
    client.post(f"/api/v1/surveys/{poll['id']}/close", headers=login(user))
    assert [n for n in _survey_notifications() if n.user_id is not None] == []
