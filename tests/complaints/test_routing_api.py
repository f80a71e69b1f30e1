"""Routing rules API and GET /routing/resolve: success, validation, authentication, role and area."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from app.extensions import db
from complaints.routing.models import RoutingRule
from tests.complaints.office_factories import office, rule
from tests.factories import login, resident, staff

JALAN, SAMPAH = 1, 2
DESA = "32.73.01.1001"


@pytest.fixture
def city_admin():
    return login(staff("admin", "32.73"))


def test_admin_creates_category_and_default_rules(client, city_admin):
    dlh = office("32.73")
    resp = client.post(
        "/api/v1/routing/rules",
        json={"category_id": SAMPAH, "area_code": "32.73", "office_id": dlh.id},
        headers=city_admin,
    )
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert (body["category_id"], body["area_code"], body["office_id"]) == (SAMPAH, "32.73", dlh.id)
    assert body["office"] == {"id": dlh.id, "code": dlh.code, "name": dlh.name, "is_active": True}
    default = client.post(
        "/api/v1/routing/rules",
        json={"category_id": None, "area_code": "32.73", "office_id": dlh.id},
        headers=city_admin,
    )
    assert default.status_code == 201 and default.get_json()["category_id"] is None


def test_rules_are_unique_per_category_and_area(client, city_admin):
    dlh = office("32.73")
    rule(dlh, "32.73", SAMPAH)
    rule(dlh, "32.73")
    for category_id in (SAMPAH, None):
        body = {"category_id": category_id, "area_code": "32.73", "office_id": dlh.id}
        assert client.post("/api/v1/routing/rules", json=body, headers=city_admin).status_code == 409
    assert db.session.query(RoutingRule).count() == 2


def test_database_enforces_one_default_per_area():
    from sqlalchemy.exc import IntegrityError

    dlh = office("32.73")
    rule(dlh, "32.73")
    with pytest.raises(IntegrityError), db.session.begin_nested():
        rule(dlh, "32.73")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category_id": "x"}, "category_id"),
        ({"category_id": 999_999}, "category_id"),
        ({"area_code": "32,73"}, "area_code"),
        ({"area_code": "32.99"}, "area_code"),
        ({"office_id": 0}, "office_id"),
        ({"office_id": 999_999}, "office_id"),
        ({"created_by_id": 1}, "created_by_id"),
    ],
)
def test_create_validation(client, city_admin, change, field):
    body = {"category_id": JALAN, "area_code": "32.73", "office_id": office("32.73").id, **change}
    resp = client.post("/api/v1/routing/rules", json=body, headers=city_admin)
    assert resp.status_code == 422, resp.get_json()
    assert field in resp.get_json()["errors"]


def test_category_must_be_given_explicitly(client, city_admin):
    resp = client.post(
        "/api/v1/routing/rules", json={"area_code": "32.73", "office_id": office("32.73").id}, headers=city_admin
    )
    assert resp.status_code == 422 and "category_id" in resp.get_json()["errors"]


def test_office_must_be_managed_and_cover_the_area(client, city_admin):
    other_city = office("32.04")
    upt = office("32.73.01")
    province = office("32")  # covers the city, but a city admin cannot manage it
    for office_id, area in [(other_city.id, "32.73"), (upt.id, "32.73.02"), (upt.id, "32.73"), (province.id, "32.73")]:
        body = {"category_id": JALAN, "area_code": area, "office_id": office_id}
        resp = client.post("/api/v1/routing/rules", json=body, headers=city_admin)
        assert resp.status_code == 422 and "office_id" in resp.get_json()["errors"], (office_id, area)
    ok = client.post(
        "/api/v1/routing/rules", json={"category_id": JALAN, "area_code": DESA, "office_id": upt.id}, headers=city_admin
    )
    assert ok.status_code == 201


def test_area_outside_scope_is_403(client, city_admin):
    for area in ("32", "32.04"):
        body = {"category_id": JALAN, "area_code": area, "office_id": office(area).id}
        assert client.post("/api/v1/routing/rules", json=body, headers=city_admin).status_code == 403


def test_roles_and_anonymous(client):
    r = rule(office("32.73"), "32.73", JALAN)
    body = {"category_id": JALAN, "area_code": "32.73", "office_id": r.office_id}
    for who in (staff("moderator", "32.73"), staff("office_handler", "32.73"), resident()):
        headers = login(who)
        assert client.get("/api/v1/routing/rules", headers=headers).status_code == 403
        assert client.post("/api/v1/routing/rules", json=body, headers=headers).status_code == 403
        assert client.get(f"/api/v1/routing/rules/{r.id}", headers=headers).status_code == 403
        assert client.patch(f"/api/v1/routing/rules/{r.id}", json={"office_id": 1}, headers=headers).status_code == 403
        assert client.delete(f"/api/v1/routing/rules/{r.id}", headers=headers).status_code == 403
    assert client.get("/api/v1/routing/rules").status_code == 401
    assert client.post("/api/v1/routing/rules", json={}).status_code == 401
    assert client.get(f"/api/v1/routing/rules/{r.id}").status_code == 401
    assert client.patch(f"/api/v1/routing/rules/{r.id}", json={}).status_code == 401
    assert client.delete(f"/api/v1/routing/rules/{r.id}").status_code == 401
    assert client.get("/api/v1/routing/resolve?category=1&area=32.73").status_code == 401


def test_list_is_scoped_filtered_and_paginated(client, city_admin):
    city, upt = office("32.73"), office("32.73.01")
    rules = [rule(city, "32.73", JALAN), rule(city, "32.73"), rule(upt, "32.73.01", JALAN), rule(city, "32.73", SAMPAH)]
    rule(office("32.04"), "32.04", JALAN)
    first = client.get("/api/v1/routing/rules?limit=3", headers=city_admin).get_json()
    rest = client.get(f"/api/v1/routing/rules?limit=3&cursor={first['next_cursor']}", headers=city_admin).get_json()
    assert [r["id"] for r in first["items"] + rest["items"]] == [r.id for r in rules]

    def listed(query):
        return [r["id"] for r in client.get(f"/api/v1/routing/rules?{query}", headers=city_admin).get_json()["items"]]

    assert listed(f"category_id={JALAN}") == [rules[0].id, rules[2].id]
    assert listed("default_only=true") == [rules[1].id]
    assert listed("area_code=32.73.01") == [rules[2].id]
    assert listed(f"office_id={upt.id}") == [rules[2].id]
    for bad in ("limit=0", "category_id=x", "area_code=x", "office_id=-1", "default_only=perhaps"):
        assert client.get(f"/api/v1/routing/rules?{bad}", headers=city_admin).status_code == 422


def test_list_queries_do_not_grow_with_page_size(client, city_admin):
    for area in ("32.73.01", "32.73.02", "32.73.03", "32.73.04", "32.73.05", "32.73.06"):
        rule(office(area), area, JALAN)
    counts = []
    for limit in (2, 6):
        statements: list[str] = []
        listener = lambda *args, s=statements: s.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            items = client.get(f"/api/v1/routing/rules?limit={limit}", headers=city_admin).get_json()["items"]
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert len(items) == limit and all(i["office"]["code"] for i in items)
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_get_patch_delete(client, city_admin):
    old, new = office("32.73"), office("32.73")
    r = rule(old, "32.73", JALAN)
    item = f"/api/v1/routing/rules/{r.id}"
    assert client.get(item, headers=city_admin).get_json()["office_id"] == old.id
    moved = client.patch(item, json={"office_id": new.id}, headers=city_admin)
    assert moved.status_code == 200 and moved.get_json()["office"]["id"] == new.id
    assert client.patch(item, json={}, headers=city_admin).status_code == 422
    assert client.patch(item, json={"office_id": "x"}, headers=city_admin).status_code == 422
    assert client.patch(item, json={"area_code": "32.73.01"}, headers=city_admin).status_code == 422
    upt = office("32.73.01")  # does not cover the whole city
    assert client.patch(item, json={"office_id": upt.id}, headers=city_admin).status_code == 422
    assert client.delete(item, headers=city_admin).status_code == 204
    assert client.get(item, headers=city_admin).status_code == 404
    assert client.delete(item, headers=city_admin).status_code == 404


def test_another_city_admin_gets_404(client):
    r = rule(office("32.73"), "32.73", JALAN)
    other = login(staff("admin", "32.04"))
    item = f"/api/v1/routing/rules/{r.id}"
    assert client.get(item, headers=other).status_code == 404
    assert client.patch(item, json={"office_id": office("32.04").id}, headers=other).status_code == 404
    assert client.delete(item, headers=other).status_code == 404
    assert client.get("/api/v1/routing/rules", headers=other).get_json()["items"] == []


def test_admin_who_sees_the_area_but_not_the_office_cannot_change_the_rule(client):
    r = rule(office("32.73"), "32.73.01", JALAN)  # the city's office, for one kecamatan
    kecamatan_admin = login(staff("admin", "32.73.01"))
    item = f"/api/v1/routing/rules/{r.id}"
    assert client.get(item, headers=kecamatan_admin).status_code == 200
    assert client.patch(item, json={"office_id": office("32.73.01").id}, headers=kecamatan_admin).status_code == 403
    assert client.delete(item, headers=kecamatan_admin).status_code == 403
    assert db.session.get(RoutingRule, r.id) is not None


def test_resolve_explains_candidates(client):
    closed, city = office("32.73.01", active=False), office("32.73")
    skipped, applied, default = rule(closed, "32.73.01", JALAN), rule(city, "32.73", JALAN), rule(city, "32.73")
    for who in (staff("moderator", "32.73"), staff("admin", "32.73.01")):
        resp = client.get(f"/api/v1/routing/resolve?category={JALAN}&area={DESA}", headers=login(who))
        assert resp.status_code == 200, resp.get_json()
        body = resp.get_json()
        assert body["resolution"] == {
            "office_id": city.id,
            "rule_id": applied.id,
            "match": "category",
            "rule_area_code": "32.73",
            "rule_category_id": JALAN,
        }
        assert [(c["rule_id"], c["outcome"]) for c in body["candidates"]] == [
            (skipped.id, "skipped_inactive_office"),
            (applied.id, "applied"),
            (default.id, "not_reached"),
        ]
        assert body["candidates"][0]["office"]["is_active"] is False


def test_resolve_without_rule_is_null(client):
    body = client.get(f"/api/v1/routing/resolve?category={JALAN}&area={DESA}", headers=login(staff("admin", "32")))
    assert body.status_code == 200
    assert body.get_json()["resolution"] is None and body.get_json()["candidates"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("area=32.73", "category"),
        ("category=1", "area"),
        ("category=x&area=32.73", "category"),
        ("category=999999&area=32.73", "category"),
        ("category=1&area=32-73", "area"),
        ("category=1&area=32.99", "area"),
    ],
)
def test_resolve_validation(client, query, field):
    resp = client.get(f"/api/v1/routing/resolve?{query}", headers=login(staff("moderator", "32")))
    assert resp.status_code == 422 and field in resp.get_json()["errors"]


def test_resolve_scope_and_roles(client):
    assert (
        client.get(
            f"/api/v1/routing/resolve?category=1&area={DESA}", headers=login(staff("moderator", "32.04"))
        ).status_code
        == 403
    )
    for who in (staff("office_handler", "32.73"), staff("editor", "32.73"), resident()):
        assert client.get(f"/api/v1/routing/resolve?category=1&area={DESA}", headers=login(who)).status_code == 403
