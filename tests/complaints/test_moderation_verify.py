"""Verify and route: by rule, by a moderator's override, and with no rule (awaiting route)."""

from __future__ import annotations

import pytest

from app.extensions import db
from complaints.intake.models import Complaint
from tests.complaints.helpers import make_complaint
from tests.complaints.moderation_helpers import history, inbox, stages
from tests.complaints.office_factories import office, rule
from tests.factories import login, resident, staff

JALAN = 1


def url(c, action: str = "verify") -> str:
    return f"/api/v1/complaints/{c.id}/{action}"


def test_verify_routes_by_rule(client, moderator):
    reporter = resident()
    c = make_complaint(reporter)
    dinas = office("32.73")
    r = rule(dinas, "32.73", JALAN)
    resp = client.post(url(c), json={"note": "Foto dan lokasi sesuai."}, headers=login(moderator))
    assert resp.status_code == 200, resp.get_json()
    got = resp.get_json()
    assert got["status"] == "verified" and got["awaiting_route"] is False
    assert got["office"] == {"id": dinas.id, "code": dinas.code, "name": dinas.name}
    assert got["response_due_at"] and got["resolution_due_at"] and got["verified_at"]
    [stage] = stages(c)
    assert (stage.office_id, stage.role, stage.is_active, stage.is_override, stage.routing_rule_id) == (
        dinas.id,
        "lead",
        True,
        False,
        r.id,
    )
    assert stage.created_by_id == moderator.id and stage.due_at == stage.response_due_at
    [change] = history(c)
    assert (change.from_status, change.to_status, change.actor_id, change.event, change.office_id) == (
        "submitted",
        "verified",
        moderator.id,
        "status",
        dinas.id,
    )
    assert change.note == "Foto dan lokasi sesuai."
    stored = db.session.get(Complaint, c.id, populate_existing=True)
    assert stored.office_id == dinas.id and stored.verified_at is not None and stored.is_listed
    assert inbox(reporter.id)[-1].title == "Aduan Anda telah diverifikasi"


def test_verify_with_an_office_the_rules_would_not_pick_is_an_override(client, moderator):
    c = make_complaint()
    rule(office("32.73"), "32.73", JALAN)
    picked = office("32.73.01")
    resp = client.post(url(c), json={"office_id": picked.id}, headers=login(moderator))
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["office"]["id"] == picked.id
    [stage] = stages(c)
    assert stage.is_override is True and stage.routing_rule_id is None and stage.office_id == picked.id
    [change] = history(c)
    assert change.office_id == picked.id and "atas pilihan moderator" in change.note


def test_verify_with_the_office_the_rules_pick_is_no_override(client, moderator):
    c = make_complaint()
    dinas = office("32.73")
    r = rule(dinas, "32.73", JALAN)
    resp = client.post(url(c), json={"office_id": dinas.id}, headers=login(moderator))
    assert resp.status_code == 200
    [stage] = stages(c)
    assert stage.is_override is False and stage.routing_rule_id == r.id
    assert history(c)[0].note is None


def test_no_rule_leaves_it_awaiting_route_in_the_queue_until_an_office_is_picked(client, moderator):
    c = make_complaint()
    headers = login(moderator)
    resp = client.post(url(c), json={}, headers=headers)
    assert resp.status_code == 200, resp.get_json()
    got = resp.get_json()
    assert (got["status"], got["awaiting_route"], got["office"], got["response_due_at"]) == (
        "submitted",
        True,
        None,
        None,
    )
    assert history(c) == [] and stages(c) == []
    queue = client.get("/api/v1/moderation/complaints?awaiting_route=true", headers=headers).get_json()
    assert [(i["id"], i["awaiting_route"]) for i in queue["items"]] == [(c.id, True)]
    assert client.get("/api/v1/moderation/complaints?awaiting_route=false", headers=headers).get_json()["items"] == []

    picked = office("32.73")
    resp = client.post(url(c), json={"office_id": picked.id}, headers=headers)
    assert resp.status_code == 200
    assert resp.get_json()["awaiting_route"] is False and resp.get_json()["status"] == "verified"
    [stage] = stages(c)
    assert stage.is_override is True


@pytest.mark.parametrize(
    ("make_office", "field"),
    [
        (lambda: office("32.73", active=False), "office_id"),
        (lambda: office("32.04"), "office_id"),  # does not cover the complaint's desa
    ],
)
def test_override_office_must_be_active_and_cover_the_desa(client, moderator, make_office, field):
    c = make_complaint()
    resp = client.post(url(c), json={"office_id": make_office().id}, headers=login(moderator))
    assert resp.status_code == 422
    assert field in resp.get_json()["errors"]
    assert db.session.get(Complaint, c.id, populate_existing=True).status == "submitted" and stages(c) == []


@pytest.mark.parametrize("payload", [{"office_id": 0}, {"office_id": "x"}, {"note": "x" * 1001}, {"extra": 1}])
def test_verify_validation(client, moderator, payload):
    c = make_complaint()
    assert client.post(url(c), json=payload, headers=login(moderator)).status_code == 422


@pytest.mark.parametrize("status", ["needs_info", "verified", "rejected", "in_progress"])
def test_verify_only_from_submitted(client, moderator, status):
    c = make_complaint(status=status)
    rule(office("32.73"), "32.73", JALAN)
    resp = client.post(url(c), json={}, headers=login(moderator))
    assert resp.status_code == 409
    assert stages(c) == []


def test_two_moderators_verifying_at_once_one_wins(client, moderator):
    c = make_complaint()
    rule(office("32.73"), "32.73", JALAN)
    first = client.post(url(c), json={}, headers=login(moderator))
    second = client.post(url(c), json={}, headers=login(staff("admin", "32")))
    assert (first.status_code, second.status_code) == (200, 409)
    assert len(stages(c)) == 1 and len(history(c)) == 1


def test_stale_version_is_a_conflict(moderator):
    """A complaint changed by someone else since it was read cannot be overwritten (the version check)."""
    from sqlalchemy import update

    from app.core.errors import Conflict
    from complaints import states

    c = make_complaint()
    db.session.execute(
        update(Complaint)
        .where(Complaint.id == c.id)
        .values(version=Complaint.version + 1)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(Conflict):
        states.transition(c, to="verified", actor=moderator)
