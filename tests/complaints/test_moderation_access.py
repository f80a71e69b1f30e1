"""Who may moderate: every action against anonymous callers, residents, the reporter, staff of other roles and a
moderator of another kab/kota. 404 when the caller cannot see the complaint, 403 when they see it but may not act."""

from __future__ import annotations

import pytest

from app.accounts.models import User
from app.extensions import db
from complaints import permissions as perm
from tests.complaints.helpers import make_complaint
from tests.complaints.moderation_helpers import fresh, history
from tests.complaints.office_factories import member, office
from tests.factories import login, resident, staff

#: action → (status the complaint needs for the action to be allowed, a valid body)
ACTIONS = {
    "verify": ("submitted", {}),
    "reject": ("submitted", {"reason": "spam", "note": "Iklan."}),
    "request-info": ("submitted", {"note": "Mohon foto lokasi."}),
    "mark-duplicate": ("submitted", None),  # body built per test (needs an original)
    "redact": ("submitted", {"title": "Judul disunting", "reason": "Uji"}),
    "validate": ("resolved", {"approved": True}),
}


def body_for(action: str, default: dict | None) -> dict:
    if action == "mark-duplicate":
        return {"duplicate_of_id": make_complaint(status="verified").id}
    return default


def handler_of(c):
    """An office handler working on the complaint (member of its lead office)."""
    from complaints.handling import stages

    dinas = office("32.73")
    stages.start_stage(complaint=c, office=dinas, actor=None)
    user = staff("office_handler", "32.73")
    member(dinas, user)
    return user


WHO = {
    "anonymous": (lambda c: None, 401, 401),
    "resident": (lambda c: resident(), 403, 403),
    "reporter": (lambda c: db.session.get(User, c.reporter_id), 403, 403),
    "village_official": (lambda c: staff("village_official", "32.73.01.1001"), 403, 403),
    "rw_official": (lambda c: staff("rw_official", "32.73.01.1001", rw=5), 403, 403),
    "office_handler": (handler_of, 403, 403),
    "editor": (lambda c: staff("editor", "32.73"), 403, 403),
    # sees an unlisted complaint outside the scope: no; a listed (resolved, public) one: yes, but may not act
    "moderator_elsewhere": (lambda c: staff("moderator", "32.04"), 404, 403),
    "admin_elsewhere": (lambda c: staff("admin", "32.04"), 404, 403),
    "kecamatan_moderator_elsewhere": (lambda c: staff("moderator", "32.73.02"), 404, 403),
}


@pytest.mark.parametrize("who", list(WHO))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_nobody_but_moderators_in_scope_act(client, action, who):
    status, default = ACTIONS[action]
    c = make_complaint(status=status)
    make_user, unlisted, listed = WHO[who]
    user = make_user(c)
    headers = login(user) if user is not None else {}
    before = fresh(c).version
    resp = client.post(f"/api/v1/complaints/{c.id}/{action}", json=body_for(action, default), headers=headers)
    expected = listed if perm.is_publicly_visible(c) else unlisted
    assert resp.status_code == expected, (resp.status_code, resp.get_json())
    assert set(resp.get_json()) == {"code", "status", "message", "errors", "error", "error_codes"}
    after = fresh(c)
    assert (after.status, after.version, history(c)) == (status, before, [])


def test_unknown_complaint_is_404(client):
    headers = login(staff("moderator", "32.73"))
    for action, (_, default) in ACTIONS.items():
        payload = {"duplicate_of_id": 1} if action == "mark-duplicate" else default
        assert client.post(f"/api/v1/complaints/999999/{action}", json=payload, headers=headers).status_code == 404


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("scope", ["32.73", "32", "32.73.01"])
def test_moderators_and_admins_in_scope_act(client, action, scope):
    status, default = ACTIONS[action]
    c = make_complaint(status=status)
    if status == "resolved":
        from complaints.handling import stages

        stages.start_stage(complaint=c, office=office("32.73"), actor=None)
    for role in ("moderator", "admin"):
        assert perm.can_moderate(staff(role, scope), c)
    user = staff("moderator" if scope != "32" else "admin", scope)
    resp = client.post(f"/api/v1/complaints/{c.id}/{action}", json=body_for(action, default), headers=login(user))
    assert resp.status_code == 200, resp.get_json()


def test_permission_predicates():
    c = make_complaint()
    reporter = fresh(c)
    admin, mod = staff("admin", "32.73"), staff("moderator", "32.73")
    assert perm.can_read_redactions(admin, c) and not perm.can_read_redactions(mod, c)
    assert not perm.can_read_redactions(staff("admin", "32.04"), c)
    assert not perm.can_read_redactions(None, c)
    assert perm.can_answer_info_request(type("U", (), {"id": reporter.reporter_id})(), c)
    assert not perm.can_answer_info_request(mod, c) and not perm.can_answer_info_request(None, c)
