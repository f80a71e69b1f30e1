"""SLA escalation: once per deadline of a lead stage, to the office's heads and the area's moderators."""

from __future__ import annotations

import datetime as dt

import pytest

from app.core.db import utcnow
from app.extensions import db
from complaints.handling import service
from complaints.handling.escalation import escalate_overdue
from tests.complaints.handling_helpers import co, handled, handler, notes_for, reload, stage_of
from tests.complaints.office_factories import member, office
from tests.factories import login, staff

HOUR = dt.timedelta(hours=1)


def escalations(user) -> list:
    return [n for n in notes_for(user.id) if (n.data or {}).get("event") == "escalation"]


@pytest.fixture
def city():
    """Kota Bandung's road office with its people, and moderators near and far."""
    dinas = office("32.73")
    people = {
        "head": handler(dinas, head=True),
        "second head": handler(dinas, head=True, area="32.73.01"),
        "member": handler(dinas),
        "former head": handler(dinas, head=True, area="32.04"),  # moved to Kabupaten Bandung: no longer counts
        "city moderator": staff("moderator", "32.73"),
        "kecamatan moderator": staff("moderator", "32.73.01"),
        "province moderator": staff("moderator", "32"),
        "other kecamatan moderator": staff("moderator", "32.73.02"),
        "other kab/kota moderator": staff("moderator", "32.04"),
        "inactive moderator": staff("moderator", "32.73", is_active=False),
        "city admin": staff("admin", "32.73"),
    }
    other = office("32.73")
    people["head of another office"] = handler(other, head=True)
    return dinas, other, people


RECIPIENTS = {"head", "second head", "city moderator", "kecamatan moderator", "province moderator"}


def test_overdue_stages_escalate_once_to_heads_and_area_moderators(city):
    dinas, other, people = city
    now = utcnow()
    unanswered = handled(dinas)
    late = handled(dinas, status="in_progress")
    on_time = handled(dinas)
    stage_of(unanswered, dinas).due_at = now - HOUR
    stage_of(late, dinas).due_at = now - 2 * HOUR
    stage_of(on_time, dinas).due_at = now + HOUR
    co_stage = co(handled(other), dinas)
    co_stage.due_at = now - HOUR  # co-handling stages carry no deadline of their own: never escalated
    db.session.flush()

    assert escalate_overdue(now=now) == 2
    response, resolution = stage_of(reload(unanswered), dinas), stage_of(late, dinas)
    assert (response.response_escalated_at, response.resolution_escalated_at) == (now, None)
    assert (resolution.response_escalated_at, resolution.resolution_escalated_at) == (None, now)
    assert stage_of(on_time, dinas).response_escalated_at is None
    for name, user in people.items():
        got = escalations(user)
        if name in RECIPIENTS:
            assert sorted(n.link_id for n in got) == sorted([unanswered.id, late.id]), name
            assert {n.link_type for n in got} == {"complaint"}
        else:
            assert got == [], name
    [first] = [n for n in escalations(people["head"]) if n.link_id == unanswered.id]
    assert first.title == "Batas waktu tanggapan aduan terlewati" and unanswered.tracking_number in first.body
    assert first.data == {"event": "escalation", "deadline": "response"}
    [second] = [n for n in escalations(people["head"]) if n.link_id == late.id]
    assert second.title == "Batas waktu penyelesaian aduan terlewati"

    # once per stage: a second run sends nothing new
    assert escalate_overdue(now=now + HOUR) == 0
    assert len(escalations(people["head"])) == 2


def test_the_resolution_deadline_escalates_after_the_response_one(city):
    dinas, _, people = city
    now = utcnow()
    c = handled(dinas)
    stage_of(c, dinas).due_at = now - HOUR
    db.session.flush()
    assert escalate_overdue(now=now) == 1
    service.accept(complaint_id=c.id, actor=people["member"], note=None, now=now)  # late, but answered
    stage = stage_of(reload(c), dinas)
    stage.due_at = now - HOUR  # and the resolution deadline passes too
    db.session.flush()
    assert escalate_overdue(now=now) == 1
    assert [n.data["deadline"] for n in escalations(people["head"])] == ["response", "resolution"]


def test_a_transfer_starts_a_stage_that_can_escalate_again(client, city):
    dinas, other, people = city
    now = utcnow()
    c = handled(dinas, status="accepted")
    stage_of(c, dinas).due_at = now - HOUR
    db.session.flush()
    assert escalate_overdue(now=now) == 1
    resp = client.post(
        f"/api/v1/complaints/{c.id}/transfer",
        json={"office_id": other.id, "reason": "Kewenangan dinas lain."},
        headers=login(people["member"]),
    )
    assert resp.status_code == 200, resp.get_json()
    new = stage_of(reload(c), other)
    assert new.response_escalated_at is None
    assert escalate_overdue(now=now) == 0  # the new response deadline lies ahead
    new.due_at = now - HOUR
    db.session.flush()
    assert escalate_overdue(now=now) == 1
    assert [n.link_id for n in escalations(people["head of another office"])] == [c.id]
    assert len(escalations(people["head"])) == 1  # the old office is not told again


def test_an_office_without_heads_still_tells_the_moderators(city):
    _, _, people = city
    headless = office("32.73")
    member(headless, people["member"])
    c = handled(headless)
    stage_of(c, headless).due_at = utcnow() - HOUR
    db.session.flush()
    assert escalate_overdue(now=utcnow()) == 1
    assert [n.link_id for n in escalations(people["city moderator"])] == [c.id]
    assert escalations(people["head"]) == []


def test_escalation_works_in_batches(city):
    dinas, _, people = city
    now = utcnow()
    complaints = [handled(dinas) for _ in range(5)]
    for c in complaints:
        stage_of(c, dinas).due_at = now - HOUR
    db.session.flush()
    assert escalate_overdue(now=now, batch_size=2) == 5
    assert sorted(n.link_id for n in escalations(people["head"])) == sorted(c.id for c in complaints)
    assert escalate_overdue(now=now, batch_size=2) == 0


def test_resolved_and_transferred_stages_do_not_escalate(city):
    dinas, _, _ = city
    now = utcnow()
    resolved = handled(dinas, status="resolved")
    moved = handled(dinas)
    stage = stage_of(moved, dinas)
    stage.due_at, stage.is_active = now - HOUR, False
    db.session.flush()
    assert stage_of(resolved, dinas).due_at is None
    assert escalate_overdue(now=now) == 0


def test_the_periodic_job_and_the_command(app, city):
    from app.core.jobs import huey
    from complaints.handling.tasks import escalate_sla

    dinas, _, people = city
    assert escalate_sla.task_class in huey._registry._periodic_tasks
    runs = [m for m in range(60) if escalate_sla.task_class().validate_datetime(dt.datetime(2026, 3, 2, 8, m))]
    assert runs == [0, 15, 30, 45]
    c = handled(dinas)
    stage_of(c, dinas).due_at = utcnow() - HOUR
    db.session.flush()
    result = app.test_cli_runner().invoke(args=["complaints", "escalate"])
    assert result.exit_code == 0 and "escalated 1 overdue stage(s)" in result.output
    assert escalate_sla.call_local() == 0
    assert [n.link_id for n in escalations(people["head"])] == [c.id]
