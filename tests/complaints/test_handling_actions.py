"""Accept, start, resolve, assign and co-handling by office members: stored rows, history, notifications, 409s and
who may act (403/404/401)."""

from __future__ import annotations

import pytest

from app.extensions import db
from complaints.events import COMPLAINT_STATUS_CHANGED
from tests.complaints.handling_helpers import co, handled, handler, history, notes_for, reload, stage_of, stages_of
from tests.complaints.office_factories import office
from tests.factories import login, resident, staff


def act(client, c, action: str, user, json=None):
    return client.post(f"/api/v1/complaints/{c.id}/{action}", json=json or {}, headers=login(user) if user else {})


def reporter_notes(c, event: str = "status"):
    return [n for n in notes_for(c.reporter_id) if (n.data or {}).get("event") == event]


# --- accept, start, resolve ------------------------------------------------------------------------------------


def test_accept(client, events):
    dinas = office("32.73")
    user = handler(dinas)
    c = handled(dinas)
    resp = act(client, c, "accept", user, {"note": "Segera kami tinjau."})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert (body["status"], body["office_id"]) == ("accepted", dinas.id)
    c = reload(c)
    stage = stage_of(c, dinas)
    assert c.status == "accepted" and c.first_response_at is not None
    assert stage.responded_at == c.first_response_at and stage.due_at == stage.resolution_due_at
    [lead] = body["stages"]
    assert lead["responded_at"] == stage.responded_at.isoformat() and lead["office"]["id"] == dinas.id
    change = history(c)[-1]
    assert (change.from_status, change.to_status, change.actor_id, change.note) == (
        "verified",
        "accepted",
        user.id,
        "Segera kami tinjau.",
    )
    [note] = reporter_notes(c)
    assert note.title == "Aduan Anda diterima petugas" and note.link_id == c.id
    assert "Segera kami tinjau." in note.body


def test_accept_keeps_the_first_response_time_of_an_earlier_office(client):
    dinas = office("32.73")
    c = handled(dinas)
    earlier = c.created_at
    c.first_response_at = earlier
    db.session.flush()
    assert act(client, c, "accept", handler(dinas)).status_code == 200
    assert reload(c).first_response_at == earlier


def test_start_and_resolve(client):
    dinas = office("32.73")
    user = handler(dinas)
    c = handled(dinas, status="accepted")
    assert act(client, c, "start", user, {"note": "Mulai hari ini."}).status_code == 200
    assert reload(c).status == "in_progress"
    resp = act(client, c, "resolve", user, {"note": "Lubang sudah ditambal."})
    assert resp.status_code == 200, resp.get_json()
    c = reload(c)
    assert c.status == "resolved" and c.resolved_at is not None
    assert stage_of(c, dinas).due_at is None
    assert [(h.from_status, h.to_status) for h in history(c)] == [
        ("accepted", "in_progress"),
        ("in_progress", "resolved"),
    ]
    titles = [n.title for n in reporter_notes(c)]
    assert titles == ["Aduan Anda sedang ditangani", "Aduan Anda telah diselesaikan"]
    assert "Lubang sudah ditambal." in reporter_notes(c)[-1].body


@pytest.mark.parametrize(
    ("action", "status", "body"),
    [
        ("accept", "accepted", {}),
        ("accept", "submitted", {}),
        ("start", "verified", {}),
        ("start", "in_progress", {}),
        ("resolve", "accepted", {"note": "Selesai."}),
        ("resolve", "resolved", {"note": "Selesai."}),
    ],
)
def test_wrong_status_is_409(client, action, status, body):
    dinas = office("32.73")
    c = handled(dinas, status=status)
    resp = act(client, c, action, handler(dinas), body)
    assert resp.status_code == 409, resp.get_json()
    assert "Allowed" in resp.get_json()["message"]
    assert reload(c).status == status and history(c) == []


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("accept", {"note": "x" * 1001}),
        ("accept", {"status": "closed"}),
        ("resolve", {}),
        ("resolve", {"note": ""}),
        ("resolve", {"note": "   "}),
        ("resolve", {"note": "x" * 2001}),
        ("assign", {}),
        ("assign", {"user_id": "x"}),
        ("assign", {"user_id": 0}),
        ("transfer", {"office_id": 1}),
        ("transfer", {"reason": "Pindah."}),
        ("co-handlers", {}),
        ("co-handlers", {"office_id": 1.5}),
    ],
)
def test_validation_is_422(client, action, body):
    dinas = office("32.73")
    c = handled(dinas, status="in_progress")
    resp = act(client, c, action, handler(dinas), body)
    assert resp.status_code == 422, resp.get_json()


# --- who may act -----------------------------------------------------------------------------------------------

ACTIONS = {
    "accept": ("verified", lambda other: {}),
    "start": ("accepted", lambda other: {}),
    "resolve": ("in_progress", lambda other: {"note": "Selesai."}),
    "transfer": ("accepted", lambda other: {"office_id": other.id, "reason": "Bukan kewenangan kami."}),
    "co-handlers": ("verified", lambda other: {"office_id": other.id}),
}
CALLERS = {
    "co-handling office member": 403,
    "member of another office": 403,
    "moderator": 403,
    "admin": 403,
    "resident": 403,
    "anonymous": 401,
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("who", list(CALLERS))
def test_only_the_lead_office_acts(client, action, who):
    dinas, partner, other = office("32.73"), office("32.73"), office("32.73")
    status, body = ACTIONS[action]
    c = handled(dinas, status=status, is_public=True)
    co(c, partner)
    user = {
        "co-handling office member": lambda: handler(partner),
        "member of another office": lambda: handler(other),
        "moderator": lambda: staff("moderator", "32.73"),
        "admin": lambda: staff("admin", "32.73"),
        "resident": lambda: resident(),
        "anonymous": lambda: None,
    }[who]()
    resp = act(client, c, action, user, body(other))
    assert resp.status_code == CALLERS[who], resp.get_json()
    assert reload(c).status == status and history(c) == []


def test_a_private_complaint_of_another_office_is_404(client):
    dinas, other = office("32.73"), office("32.73")
    c = handled(dinas, is_public=False)
    assert act(client, c, "accept", handler(other)).status_code == 404
    assert act(client, c, "accept", handler(dinas)).status_code == 200


def test_a_former_member_cannot_act(client):
    dinas = office("32.73")
    c = handled(dinas, is_public=False)
    assert act(client, c, "accept", handler(dinas, area="32.04")).status_code == 404


# --- assignment ------------------------------------------------------------------------------------------------


def test_assign_to_a_colleague_notifies_them_and_is_internal(client, events):
    dinas = office("32.73")
    user, colleague = handler(dinas), handler(dinas)
    c = handled(dinas, status="accepted")
    resp = act(client, c, "assign", user, {"user_id": colleague.id})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["stages"][0]["assignee"] == {"id": colleague.id, "name": colleague.name}
    assert stage_of(reload(c), dinas).assignee_id == colleague.id
    [change] = history(c)
    assert (change.event, change.is_internal, change.office_id, change.actor_id) == (
        "assignment",
        True,
        dinas.id,
        user.id,
    )
    assert change.from_status == change.to_status == "accepted" and colleague.name in change.note
    [note] = notes_for(colleague.id)
    assert note.title == "Aduan ditugaskan kepada Anda" and note.link_id == c.id
    assert reporter_notes(c, "assignment") == []  # internal: the reporter is not told
    assert not [p for name, p in events if name == COMPLAINT_STATUS_CHANGED]
    # unassign
    assert act(client, c, "assign", user, {"user_id": None}).get_json()["stages"][0]["assignee"] is None
    assert stage_of(reload(c), dinas).assignee_id is None


def test_assign_myself_sends_nothing(client):
    dinas = office("32.73")
    user = handler(dinas)
    c = handled(dinas)
    assert act(client, c, "assign", user, {"user_id": user.id}).status_code == 200
    assert notes_for(user.id) == []


@pytest.mark.parametrize("whom", ["another office's handler", "former member", "moderator", "unknown"])
def test_assignee_must_be_an_effective_member_of_the_office(client, whom):
    dinas = office("32.73")
    c = handled(dinas)
    target = {
        "another office's handler": lambda: handler(office("32.73")).id,
        "former member": lambda: handler(dinas, area="32.04").id,
        "moderator": lambda: staff("moderator", "32.73").id,
        "unknown": lambda: 999_999,
    }[whom]()
    resp = act(client, c, "assign", handler(dinas), {"user_id": target})
    assert resp.status_code == 422 and "user_id" in resp.get_json()["errors"]
    assert stage_of(reload(c), dinas).assignee_id is None


def test_a_co_handling_office_assigns_its_own_stage_only(client):
    dinas, partner = office("32.73"), office("32.73")
    c = handled(dinas)
    co(c, partner)
    user, colleague = handler(partner), handler(partner)
    resp = act(client, c, "assign", user, {"user_id": colleague.id})
    assert resp.status_code == 200, resp.get_json()
    assert stage_of(reload(c), partner).assignee_id == colleague.id
    assert stage_of(c, dinas).assignee_id is None
    resp = act(client, c, "assign", user, {"user_id": colleague.id, "office_id": dinas.id})
    assert resp.status_code == 403
    lead_member = handler(dinas)
    resp = act(client, c, "assign", handler(dinas), {"user_id": lead_member.id, "office_id": partner.id})
    assert resp.status_code == 403


@pytest.mark.parametrize(
    ("who", "expected"),
    [("member of another office", 403), ("moderator", 403), ("resident", 403), ("anonymous", 401)],
)
def test_who_assigns(client, who, expected):
    dinas = office("32.73")
    c = handled(dinas, is_public=True)
    target = handler(dinas)
    user = {
        "member of another office": lambda: handler(office("32.73")),
        "moderator": lambda: staff("moderator", "32.73"),
        "resident": lambda: resident(),
        "anonymous": lambda: None,
    }[who]()
    assert act(client, c, "assign", user, {"user_id": target.id}).status_code == expected
    assert stage_of(reload(c), dinas).assignee_id is None


def test_assign_after_resolution_is_409(client):
    dinas = office("32.73")
    c = handled(dinas, status="resolved")
    resp = act(client, c, "assign", handler(dinas), {"user_id": handler(dinas).id})
    assert resp.status_code == 409


# --- co-handling -----------------------------------------------------------------------------------------------


def test_add_and_end_a_co_handling_office(client):
    dinas, partner = office("32.73"), office("32.73.01")
    user = handler(dinas)
    c = handled(dinas, status="accepted")
    resp = act(client, c, "co-handlers", user, {"office_id": partner.id, "note": "Mohon bantu pangkas pohon."})
    assert resp.status_code == 201, resp.get_json()
    roles = [(s["role"], s["office"]["id"], s["due_at"]) for s in resp.get_json()["stages"]]
    assert roles[0][:2] == ("lead", dinas.id) and roles[1] == ("co", partner.id, None)
    stage = stage_of(reload(c), partner)
    assert (stage.role, stage.reason, stage.created_by_id) == ("co", "Mohon bantu pangkas pohon.", user.id)
    change = history(c)[-1]
    assert (change.event, change.office_id, change.is_internal) == ("co_handling", partner.id, False)
    [note] = reporter_notes(c, "co_handling")
    assert note.title == "Instansi lain ikut menangani aduan Anda"

    # again: 409; the lead office itself: 409
    assert act(client, c, "co-handlers", user, {"office_id": partner.id}).status_code == 409
    assert act(client, c, "co-handlers", user, {"office_id": dinas.id}).status_code == 409

    # the partner's member ends it
    resp = client.delete(f"/api/v1/complaints/{c.id}/co-handlers/{partner.id}", headers=login(handler(partner)))
    assert resp.status_code == 204
    [ended] = [s for s in stages_of(c) if s.office_id == partner.id]
    assert ended.is_active is False and ended.ended_at is not None
    last = history(c)[-1]
    assert (last.event, last.is_internal, last.office_id) == ("co_handling", True, partner.id)
    assert len(reporter_notes(c, "co_handling")) == 1
    assert client.delete(f"/api/v1/complaints/{c.id}/co-handlers/{partner.id}", headers=login(user)).status_code == 404


def test_the_lead_office_ends_a_co_handling(client):
    dinas, partner = office("32.73"), office("32.73")
    c = handled(dinas)
    co(c, partner)
    resp = client.delete(f"/api/v1/complaints/{c.id}/co-handlers/{partner.id}", headers=login(handler(dinas)))
    assert resp.status_code == 204


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("member of a third office", 403),
        ("member of another co-handling office", 403),
        ("moderator", 403),
        ("anonymous", 401),
    ],
)
def test_who_ends_a_co_handling(client, who, expected):
    dinas, partner, third = office("32.73"), office("32.73"), office("32.73")
    c = handled(dinas, is_public=True)
    co(c, partner)
    co(c, third)
    user = {
        "member of a third office": lambda: handler(office("32.73")),
        "member of another co-handling office": lambda: handler(third),
        "moderator": lambda: staff("moderator", "32.73"),
        "anonymous": lambda: None,
    }[who]()
    resp = client.delete(f"/api/v1/complaints/{c.id}/co-handlers/{partner.id}", headers=login(user) if user else {})
    assert resp.status_code == expected
    assert stage_of(reload(c), partner).is_active is True


@pytest.mark.parametrize(
    ("target", "expected"),
    [("inactive", 422), ("outside the area", 422), ("unknown", 422)],
)
def test_co_handling_office_must_be_active_and_cover_the_desa(client, target, expected):
    dinas = office("32.73")
    c = handled(dinas)
    office_id = {
        "inactive": lambda: office("32.73", active=False).id,
        "outside the area": lambda: office("32.04").id,
        "unknown": lambda: 999_999,
    }[target]()
    resp = act(client, c, "co-handlers", handler(dinas), {"office_id": office_id})
    assert resp.status_code == expected and "office_id" in resp.get_json()["errors"]


def test_co_handling_after_resolution_is_409(client):
    dinas = office("32.73")
    c = handled(dinas, status="resolved")
    assert act(client, c, "co-handlers", handler(dinas), {"office_id": office("32.73").id}).status_code == 409


def test_co_handling_members_read_and_write_but_do_not_lead(client):
    dinas, partner = office("32.73"), office("32.73")
    c = handled(dinas, status="accepted", is_public=False)
    user = handler(partner)
    headers = login(user)
    assert client.get(f"/api/v1/complaints/{c.id}", headers=headers).status_code == 404
    co(c, partner)
    detail = client.get(f"/api/v1/complaints/{c.id}", headers=headers)
    assert detail.status_code == 200 and detail.get_json()["title"] == c.title
    for visibility in ("shared", "internal"):
        resp = client.post(
            f"/api/v1/complaints/{c.id}/messages",
            json={"body": "Kami bantu pangkas pohonnya.", "visibility": visibility},
            headers=headers,
        )
        assert resp.status_code == 201, resp.get_json()
    listed = client.get(f"/api/v1/complaints/{c.id}/messages", headers=headers).get_json()["items"]
    assert [m["visibility"] for m in listed] == ["shared", "internal"]
    assert act(client, c, "start", user).status_code == 403
    assert act(client, c, "resolve", user, {"note": "Selesai."}).status_code == 403
