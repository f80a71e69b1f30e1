"""Offices API: create, list, get, change; scoped to the admin's area; members see their own office."""

from __future__ import annotations

import pytest

from app.extensions import db
from complaints.offices.models import Office
from tests.complaints.office_factories import member, office, rule
from tests.factories import login, resident, staff

BODY = {"code": "DSDABM-3273", "name": "Dinas SDA dan Bina Marga", "area_code": "32.73"}


def test_admin_creates_office_and_sub_unit(client):
    admin = staff("admin", "32.73")
    headers = login(admin)
    resp = client.post("/api/v1/offices", json=BODY, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert {k: body[k] for k in ("code", "name", "area_code", "parent_id", "is_active")} == {
        **BODY,
        "parent_id": None,
        "is_active": True,
    }
    upt = {"code": "UPT-JLN-01", "name": "UPT Jalan Sukasari", "area_code": "32.73.01", "parent_id": body["id"]}
    sub = client.post("/api/v1/offices", json=upt, headers=headers)
    assert sub.status_code == 201 and sub.get_json()["parent_id"] == body["id"]
    assert db.session.get(Office, body["id"]).created_by_id == admin.id


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": "lower-case"}, "code"),
        ({"code": "X"}, "code"),
        ({"code": "A--B"}, "code"),
        ({"name": "  "}, "name"),
        ({"area_code": "32-73"}, "area_code"),
        ({"area_code": "32.99"}, "area_code"),  # well-formed, does not exist
        ({"parent_id": 0}, "parent_id"),
        ({"parent_id": 999_999}, "parent_id"),
        ({"parent_id": "x"}, "parent_id"),
        ({"id": 5}, "id"),
        ({"created_by_id": 1}, "created_by_id"),
    ],
)
def test_create_validation(client, change, field):
    resp = client.post("/api/v1/offices", json={**BODY, **change}, headers=login(staff("admin", "32.73")))
    assert resp.status_code == 422, resp.get_json()
    assert field in resp.get_json()["errors"]
    assert db.session.query(Office).count() == 0


def test_create_missing_fields(client):
    resp = client.post("/api/v1/offices", json={}, headers=login(staff("admin", "32.73")))
    assert resp.status_code == 422
    assert {"code", "name", "area_code"} <= set(resp.get_json()["errors"])


@pytest.mark.parametrize("area", ["32", "32.04", "33.01.01"])
def test_admin_cannot_create_outside_their_area(client, area):
    resp = client.post("/api/v1/offices", json={**BODY, "area_code": area}, headers=login(staff("admin", "32.73")))
    assert resp.status_code == 403
    assert db.session.query(Office).count() == 0


@pytest.mark.parametrize(
    "who", [lambda: staff("moderator", "32.73"), lambda: staff("office_handler", "32.73"), lambda: resident()]
)
def test_only_admins_create(client, who):
    assert client.post("/api/v1/offices", json=BODY, headers=login(who())).status_code == 403


def test_anonymous_gets_401_everywhere(client):
    o = office()
    assert client.post("/api/v1/offices", json=BODY).status_code == 401
    assert client.post("/api/v1/offices", json={}).status_code == 401  # before validation
    assert client.get("/api/v1/offices").status_code == 401
    assert client.get(f"/api/v1/offices/{o.id}").status_code == 401
    assert client.patch(f"/api/v1/offices/{o.id}", json={"name": "Dinas X"}).status_code == 401


def test_duplicate_code_is_409(client):
    office(code="DSDABM-3273")
    resp = client.post("/api/v1/offices", json=BODY, headers=login(staff("admin", "32.73")))
    assert resp.status_code == 409 and "code" in resp.get_json()["errors"]


def test_sub_unit_rules(client):
    headers = login(staff("admin", "32.73"))
    dinas = office("32.73.01")
    other_city = office("32.04")
    cases = [
        ({"area_code": "32.73.02", "parent_id": dinas.id}, "parent_id"),  # outside the parent's area
        ({"area_code": "32.73", "parent_id": dinas.id}, "parent_id"),  # wider than the parent
        ({"area_code": "32.73.01", "parent_id": other_city.id}, "parent_id"),  # a parent the admin cannot manage
    ]
    for change, field in cases:
        resp = client.post("/api/v1/offices", json={**BODY, **change}, headers=headers)
        assert resp.status_code == 422, change
        assert field in resp.get_json()["errors"]


def test_no_cycles_and_children_stay_inside(client):
    headers = login(staff("admin", "32.73"))
    dinas = office("32.73")
    upt = office("32.73.01", parent=dinas)
    sub_upt = office("32.73.01.1001", parent=upt)
    for target, parent in [(dinas, upt), (dinas, sub_upt), (dinas, dinas)]:
        resp = client.patch(f"/api/v1/offices/{target.id}", json={"parent_id": parent.id}, headers=headers)
        assert resp.status_code == 422 and "parent_id" in resp.get_json()["errors"]
    moved = client.patch(f"/api/v1/offices/{upt.id}", json={"area_code": "32.73.02"}, headers=headers)
    assert moved.status_code == 422 and "area_code" in moved.get_json()["errors"]  # its sub-unit is in 32.73.01
    out = client.patch(f"/api/v1/offices/{sub_upt.id}", json={"area_code": "32.73.02.1001"}, headers=headers)
    assert out.status_code == 422 and "area_code" in out.get_json()["errors"]  # outside its parent
    detach = client.patch(f"/api/v1/offices/{sub_upt.id}", json={"parent_id": None}, headers=headers)
    assert detach.status_code == 200 and detach.get_json()["parent_id"] is None


def test_admin_changes_and_deactivates(client):
    o = office("32.73")
    headers = login(staff("admin", "32.73"))
    resp = client.patch(
        f"/api/v1/offices/{o.id}",
        json={"name": "Dinas Bina Marga", "code": "DBM-3273", "is_active": False},
        headers=headers,
    )
    assert resp.status_code == 200
    assert (resp.get_json()["name"], resp.get_json()["code"], resp.get_json()["is_active"]) == (
        "Dinas Bina Marga",
        "DBM-3273",
        False,
    )


@pytest.mark.parametrize(
    "change", [{"code": "bad code"}, {"is_active": "maybe"}, {"area_code": "nope"}, {"parent_id": -1}, {"id": 3}]
)
def test_patch_validation(client, change):
    o = office("32.73")
    resp = client.patch(f"/api/v1/offices/{o.id}", json=change, headers=login(staff("admin", "32.73")))
    assert resp.status_code == 422


def test_patch_conflicts_and_scope(client):
    o = office("32.73")
    office("32.73", code="TAKEN-1")
    headers = login(staff("admin", "32.73"))
    assert client.patch(f"/api/v1/offices/{o.id}", json={"code": "TAKEN-1"}, headers=headers).status_code == 409
    assert client.patch(f"/api/v1/offices/{o.id}", json={"area_code": "32.04"}, headers=headers).status_code == 403
    assert db.session.get(Office, o.id).area_code == "32.73"


def test_admin_of_another_city_gets_404(client):
    o = office("32.73")
    other = login(staff("admin", "32.04"))
    assert client.get(f"/api/v1/offices/{o.id}", headers=other).status_code == 404
    assert client.patch(f"/api/v1/offices/{o.id}", json={"name": "Dinas Lain"}, headers=other).status_code == 404
    kecamatan_admin = login(staff("admin", "32.73.01"))  # narrower than the office
    assert client.get(f"/api/v1/offices/{o.id}", headers=kecamatan_admin).status_code == 404
    assert client.get("/api/v1/offices/999999", headers=other).status_code == 404


def test_members_see_their_office_others_do_not(client):
    o = office("32.73")
    handler = staff("office_handler", "32.73")
    member(o, handler)
    assert client.get(f"/api/v1/offices/{o.id}", headers=login(handler)).status_code == 200
    stranger = staff("office_handler", "32.73")
    assert client.get(f"/api/v1/offices/{o.id}", headers=login(stranger)).status_code == 404
    assert (
        client.patch(f"/api/v1/offices/{o.id}", json={"name": "Dinas Saya"}, headers=login(handler)).status_code == 403
    )
    for who in (staff("moderator", "32.73"), resident()):
        assert client.get(f"/api/v1/offices/{o.id}", headers=login(who)).status_code == 403


def test_list_is_scoped_filtered_and_paginated(client):
    city = [office("32.73"), office("32.73.01"), office("32.73.02", active=False)]
    upt = office("32.73.01", parent=city[1])
    office("32.04")
    headers = login(staff("admin", "32.73"))
    first = client.get("/api/v1/offices?limit=2", headers=headers).get_json()
    rest = client.get(f"/api/v1/offices?limit=2&cursor={first['next_cursor']}", headers=headers).get_json()
    ids = [o["id"] for o in first["items"] + rest["items"]]
    assert ids == [o.id for o in [*city, upt]] and rest["next_cursor"] is None

    def listed(query):
        return [o["id"] for o in client.get(f"/api/v1/offices?{query}", headers=headers).get_json()["items"]]

    assert listed("area_code=32.73.01") == [city[1].id, upt.id]
    assert listed(f"parent_id={city[1].id}") == [upt.id]
    assert listed("is_active=false") == [city[2].id]
    assert listed("area_code=32.04") == []
    province = login(staff("admin", "32"))
    assert len(client.get("/api/v1/offices", headers=province).get_json()["items"]) == 5


def test_handlers_list_their_offices(client):
    mine, other = office("32.73"), office("32.73")
    handler = staff("office_handler", "32.73")
    member(mine, handler)
    items = client.get("/api/v1/offices", headers=login(handler)).get_json()["items"]
    assert [o["id"] for o in items] == [mine.id]
    assert other.id not in [o["id"] for o in items]
    lonely = login(staff("office_handler", "32.73"))
    assert client.get("/api/v1/offices", headers=lonely).get_json()["items"] == []


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=2.5", "area_code=x", "parent_id=0", "is_active=perhaps", "cursor=%%%"]
)
def test_list_validation(client, query):
    assert client.get(f"/api/v1/offices?{query}", headers=login(staff("admin", "32.73"))).status_code == 422


@pytest.mark.parametrize(
    "who", [lambda: staff("moderator", "32.73"), lambda: resident(), lambda: staff("editor", "32")]
)
def test_list_wrong_role(client, who):
    assert client.get("/api/v1/offices", headers=login(who())).status_code == 403


def test_area_change_keeps_routing_rules_inside(client):
    from tests.complaints.office_factories import rule

    o = office("32.73")
    rule(o, "32.73.01", 1)
    headers = login(staff("admin", "32.73"))
    narrower = client.patch(f"/api/v1/offices/{o.id}", json={"area_code": "32.73.02"}, headers=headers)
    assert narrower.status_code == 422 and "32.73.01" in narrower.get_json()["errors"]["area_code"][0]
    ok = client.patch(f"/api/v1/offices/{o.id}", json={"area_code": "32.73.01"}, headers=headers)
    assert ok.status_code == 200


def test_routing_rules_keep_an_office_from_shrinking_away_from_them(client):
    """Offices announce the change (``OFFICE_AREA_CHANGING``); routing refuses to leave its rules outside."""
    headers = login(staff("admin", "32.73"))
    dinas = office("32.73")
    rule(dinas, "32.73.01")
    away = client.patch(f"/api/v1/offices/{dinas.id}", json={"area_code": "32.73.02"}, headers=headers)
    assert away.status_code == 422
    assert "32.73.01" in away.get_json()["errors"]["area_code"][0]
    around = client.patch(f"/api/v1/offices/{dinas.id}", json={"area_code": "32.73.01"}, headers=headers)
    assert around.status_code == 200
