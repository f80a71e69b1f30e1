"""Office members: admins add, promote and remove office handlers; heads see members; the public look-ups."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from app.extensions import db
from complaints.offices import service
from complaints.offices.models import OfficeMember
from tests.complaints.office_factories import member, office
from tests.factories import login, resident, staff


@pytest.fixture
def dinas():
    return office("32.73", code="DSDABM-3273")


def test_admin_adds_member_and_head(client, dinas):
    admin = staff("admin", "32.73")
    handler = staff("office_handler", "32.73.01")
    resp = client.post(
        f"/api/v1/offices/{dinas.id}/members", json={"user_id": handler.id, "is_head": True}, headers=login(admin)
    )
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert (body["user_id"], body["name"], body["is_head"], body["is_effective"]) == (
        handler.id,
        handler.name,
        True,
        True,
    )
    assert "phone" not in body
    row = db.session.get(OfficeMember, (dinas.id, handler.id))
    assert row.added_by_id == admin.id
    assert service.heads_of(dinas.id) == [handler.id]


def test_a_user_may_belong_to_several_offices(client, dinas):
    upt = office("32.73.01", parent=dinas)
    handler = staff("office_handler", "32.73")
    headers = login(staff("admin", "32.73"))
    for o in (dinas, upt):
        resp = client.post(f"/api/v1/offices/{o.id}/members", json={"user_id": handler.id}, headers=headers)
        assert resp.status_code == 201
    assert service.offices_of(handler.id) == [dinas.id, upt.id]


def test_who_may_join(client, dinas):
    headers = login(staff("admin", "32"))  # a province admin manages every account below
    cases = [
        (staff("moderator", "32.73"), "Not an office_handler."),
        (staff("office_handler", "32.04"), None),  # another kabupaten: outside the office's reach
        (staff("office_handler", "32"), None),  # province-wide: wider than the city
        (staff("office_handler", "32.73", is_active=False), None),
        (resident(), "No staff account"),
    ]
    for user, message in cases:
        resp = client.post(f"/api/v1/offices/{dinas.id}/members", json={"user_id": user.id}, headers=headers)
        assert resp.status_code == 422, user.role
        assert "user_id" in resp.get_json()["errors"]
        if message:
            assert message in resp.get_json()["errors"]["user_id"][0]
    assert db.session.query(OfficeMember).count() == 0


def test_admin_can_only_add_accounts_they_manage(client):
    upt = office("32.73.01")
    city_handler = staff("office_handler", "32.73")  # inside the UPT's reach, but wider than the kecamatan admin
    resp = client.post(
        f"/api/v1/offices/{upt.id}/members",
        json={"user_id": city_handler.id},
        headers=login(staff("admin", "32.73.01")),
    )
    assert resp.status_code == 422 and "user_id" in resp.get_json()["errors"]
    missing = client.post(
        f"/api/v1/offices/{upt.id}/members", json={"user_id": 999_999}, headers=login(staff("admin", "32"))
    )
    assert missing.status_code == 422


def test_duplicate_member_is_409(client, dinas):
    handler = staff("office_handler", "32.73")
    member(dinas, handler)
    resp = client.post(
        f"/api/v1/offices/{dinas.id}/members", json={"user_id": handler.id}, headers=login(staff("admin", "32.73"))
    )
    assert resp.status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"user_id": "x"},
        {"user_id": 0},
        {"user_id": 1.5},
        {"user_id": 1, "is_head": "maybe"},
        {"user_id": 1, "role": "x"},
    ],
)
def test_add_member_validation(client, dinas, body):
    resp = client.post(f"/api/v1/offices/{dinas.id}/members", json=body, headers=login(staff("admin", "32.73")))
    assert resp.status_code == 422


def test_member_endpoints_scope_and_roles(client, dinas):
    handler = staff("office_handler", "32.73")
    member(dinas, handler, head=True)
    base = f"/api/v1/offices/{dinas.id}/members"
    item = f"{base}/{handler.id}"
    other_admin = login(staff("admin", "32.04"))
    assert client.get(base, headers=other_admin).status_code == 404
    assert client.post(base, json={"user_id": handler.id}, headers=other_admin).status_code == 404
    assert client.patch(item, json={"is_head": False}, headers=other_admin).status_code == 404
    assert client.delete(item, headers=other_admin).status_code == 404
    head = login(handler)  # a head sees, but does not manage
    assert client.post(base, json={"user_id": handler.id}, headers=head).status_code == 403
    assert client.patch(item, json={"is_head": False}, headers=head).status_code == 403
    assert client.delete(item, headers=head).status_code == 403
    for who in (staff("moderator", "32.73"), resident()):
        assert client.get(base, headers=login(who)).status_code == 403
    assert client.get(base).status_code == 401
    assert client.post(base, json={}).status_code == 401
    assert client.patch(item, json={}).status_code == 401
    assert client.delete(item).status_code == 401
    assert db.session.get(OfficeMember, (dinas.id, handler.id)).is_head


def test_heads_see_members_plain_members_do_not(client, dinas):
    head, plain, outsider = (staff("office_handler", "32.73") for _ in range(3))
    member(dinas, head, head=True)
    member(dinas, plain)
    base = f"/api/v1/offices/{dinas.id}/members"
    listed = client.get(base, headers=login(head))
    assert listed.status_code == 200
    assert [(m["user_id"], m["is_head"]) for m in listed.get_json()["items"]] == [(head.id, True), (plain.id, False)]
    assert client.get(base, headers=login(plain)).status_code == 403
    assert client.get(base, headers=login(outsider)).status_code == 404


def test_members_list_paginates_with_constant_queries(client, dinas):
    headers = login(staff("admin", "32.73"))
    for _ in range(6):
        member(dinas, staff("office_handler", "32.73"))
    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    def run(limit):
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            body = client.get(f"/api/v1/offices/{dinas.id}/members?limit={limit}", headers=headers).get_json()
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return body, len(statements)

    small, few = run(2)
    large, many = run(6)
    assert len(small["items"]) == 2 and len(large["items"]) == 6
    assert few == many
    rest = client.get(f"/api/v1/offices/{dinas.id}/members?limit=2&cursor={small['next_cursor']}", headers=headers)
    assert [m["user_id"] for m in rest.get_json()["items"]] == [m["user_id"] for m in large["items"][2:4]]
    assert client.get(f"/api/v1/offices/{dinas.id}/members?limit=500", headers=headers).status_code == 422


def test_promote_and_remove(client, dinas):
    handler = staff("office_handler", "32.73")
    member(dinas, handler)
    headers = login(staff("admin", "32.73"))
    item = f"/api/v1/offices/{dinas.id}/members/{handler.id}"
    promoted = client.patch(item, json={"is_head": True}, headers=headers)
    assert promoted.status_code == 200 and promoted.get_json()["is_head"] is True
    assert client.patch(item, json={}, headers=headers).status_code == 422
    assert client.patch(item, json={"is_head": "yes please"}, headers=headers).status_code == 422
    assert client.delete(item, headers=headers).status_code == 204
    assert client.delete(item, headers=headers).status_code == 404
    assert client.patch(item, json={"is_head": True}, headers=headers).status_code == 404
    assert service.members_of(dinas.id) == []


def test_membership_counts_only_while_the_account_qualifies(client, dinas):
    handler = staff("office_handler", "32.73")
    member(dinas, handler, head=True)
    assert service.is_member(handler.id, dinas.id) and service.is_head(handler.id, dinas.id)
    handler.scope_area_code = "32.04"  # moved to Kabupaten Bandung by an admin
    db.session.flush()
    assert not service.is_member(handler.id, dinas.id)
    assert service.heads_of(dinas.id) == [] and service.offices_of(handler.id) == []
    assert client.get(f"/api/v1/offices/{dinas.id}", headers=login(handler)).status_code == 404
    listed = client.get(f"/api/v1/offices/{dinas.id}/members", headers=login(staff("admin", "32"))).get_json()["items"]
    assert [(m["user_id"], m["is_effective"]) for m in listed] == [(handler.id, False)]
    handler.scope_area_code, handler.is_active = "32.73", False
    db.session.flush()
    assert service.members_of(dinas.id) == []


def test_public_lookups(dinas):
    upt = office("32.73.01", parent=dinas)
    sub = office("32.73.01.1001", parent=upt)
    closed = office("32.73.02", parent=dinas, active=False)
    head, plain = staff("office_handler", "32.73"), staff("office_handler", "32.73.01")
    member(dinas, head, head=True)
    member(dinas, plain)
    member(upt, plain, head=True)
    assert service.get_office(dinas.id) is dinas and service.get_office(999_999) is None
    assert service.heads_of(dinas.id) == [head.id]
    assert service.members_of(dinas.id) == sorted([head.id, plain.id])
    assert service.offices_of(plain.id) == [dinas.id, upt.id]
    assert service.offices_of(999_999) == []
    assert service.is_member(plain.id, upt.id) and service.is_head(plain.id, upt.id)
    assert not service.is_member(head.id, upt.id) and not service.is_head(plain.id, dinas.id)
    assert service.sub_units(dinas.id) == [upt.id, closed.id]
    assert service.sub_units(dinas.id, active_only=True) == [upt.id]
    assert service.sub_units(dinas.id, recursive=True) == [upt.id, sub.id, closed.id]
    assert service.sub_units(sub.id, recursive=True) == []
    assert service.heads_of(999_999) == [] and service.members_of(999_999) == []
