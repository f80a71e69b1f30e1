"""SLA calendar and admin-added holidays API: success, validation, authentication, role and area."""

from __future__ import annotations

import datetime as dt

import lokal
import pytest

from app.extensions import db
from complaints.sla.models import Holiday
from tests.factories import login, resident, staff

BODY = {"date": "2026-09-25", "name": "Hari Jadi Kota Bandung", "area_code": "32.73"}


def day_off(area: str, date: str, name: str = "Hari libur daerah") -> Holiday:
    row = Holiday(area_code=area, date=dt.date.fromisoformat(date), name=name)
    db.session.add(row)
    db.session.flush()
    return row


def test_admin_adds_a_day_off(client):
    admin = staff("admin", "32.73")
    resp = client.post("/api/v1/sla/holidays", json=BODY, headers=login(admin))
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert {k: body[k] for k in BODY} == BODY
    assert db.session.get(Holiday, body["id"]).created_by_id == admin.id
    desa = client.post("/api/v1/sla/holidays", json={**BODY, "area_code": "32.73.01.1001"}, headers=login(admin))
    assert desa.status_code == 201  # the same date for a desa inside is another row


def test_duplicate_day_is_409_and_leaves_nothing_pending(client):
    day_off("32.73", "2026-09-25")
    assert client.post("/api/v1/sla/holidays", json=BODY, headers=login(staff("admin", "32.73"))).status_code == 409
    day_off("32.73", "2026-09-28")  # the session still flushes: the clashing row was not left pending
    assert db.session.query(Holiday).count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date": "2026-02-30"}, "date"),
        ({"date": "25-09-2026"}, "date"),
        ({"date": "1999-12-31"}, "date"),
        ({"date": None}, "date"),
        ({"name": "x"}, "name"),
        ({"area_code": "32-73"}, "area_code"),
        ({"area_code": "32.99"}, "area_code"),
        ({"kind": "regional"}, "kind"),
    ],
)
def test_add_validation(client, change, field):
    resp = client.post("/api/v1/sla/holidays", json={**BODY, **change}, headers=login(staff("admin", "32.73")))
    assert resp.status_code == 422, resp.get_json()
    assert field in resp.get_json()["errors"]


@pytest.mark.parametrize("area", ["32", "32.04", "51.71"])
def test_add_outside_scope_is_403(client, area):
    resp = client.post("/api/v1/sla/holidays", json={**BODY, "area_code": area}, headers=login(staff("admin", "32.73")))
    assert resp.status_code == 403
    assert db.session.query(Holiday).count() == 0


def test_roles_and_anonymous(client):
    h = day_off("32.73", "2026-09-25")
    for who in (staff("moderator", "32.73"), staff("office_handler", "32.73"), resident()):
        headers = login(who)
        assert client.get("/api/v1/sla/holidays", headers=headers).status_code == 403
        assert client.post("/api/v1/sla/holidays", json=BODY, headers=headers).status_code == 403
        assert client.delete(f"/api/v1/sla/holidays/{h.id}", headers=headers).status_code == 403
    assert client.get("/api/v1/sla/holidays").status_code == 401
    assert client.post("/api/v1/sla/holidays", json={}).status_code == 401
    assert client.delete(f"/api/v1/sla/holidays/{h.id}").status_code == 401
    assert client.get("/api/v1/sla/calendar").status_code == 401
    assert client.get("/api/v1/sla/calendar", headers=login(resident())).status_code == 403
    assert client.get("/api/v1/sla/calendar", headers=login(staff("editor", "32.73"))).status_code == 403


def test_list_shows_days_affecting_my_area(client):
    province = day_off("32", "2026-08-18", "Cuti tambahan provinsi")
    mine = [day_off("32.73", "2026-09-25"), day_off("32.73.01.1001", "2026-10-01"), day_off("32.73", "2027-09-25")]
    day_off("32.04", "2026-09-25")  # another kabupaten
    headers = login(staff("admin", "32.73"))
    first = client.get("/api/v1/sla/holidays?limit=2", headers=headers).get_json()
    rest = client.get(f"/api/v1/sla/holidays?limit=2&cursor={first['next_cursor']}", headers=headers).get_json()
    assert [h["id"] for h in first["items"] + rest["items"]] == [province.id, *(h.id for h in mine)]
    assert rest["next_cursor"] is None
    in_2027 = client.get("/api/v1/sla/holidays?year=2027", headers=headers).get_json()["items"]
    assert [h["id"] for h in in_2027] == [mine[2].id]
    desa = client.get("/api/v1/sla/holidays?area_code=32.73.01.1001&year=2026", headers=headers).get_json()["items"]
    assert [h["id"] for h in desa] == [province.id, mine[0].id, mine[1].id]


@pytest.mark.parametrize(
    "query", ["year=1999", "year=20.5", "area_code=x", "limit=0", "cursor=bad", "cursor=WyJ4IiwxXQ"]
)
def test_list_validation(client, query):
    assert client.get(f"/api/v1/sla/holidays?{query}", headers=login(staff("admin", "32.73"))).status_code == 422


def test_remove(client):
    h = day_off("32.73", "2026-09-25")
    province = day_off("32", "2026-08-18")
    other = day_off("32.04", "2026-09-25")
    headers = login(staff("admin", "32.73"))
    assert client.delete(f"/api/v1/sla/holidays/{other.id}", headers=headers).status_code == 404
    assert client.delete(f"/api/v1/sla/holidays/{province.id}", headers=headers).status_code == 403  # a wider area
    assert client.delete(f"/api/v1/sla/holidays/{h.id}", headers=headers).status_code == 204
    assert client.delete(f"/api/v1/sla/holidays/{h.id}", headers=headers).status_code == 404
    assert client.delete("/api/v1/sla/holidays/0", headers=headers).status_code == 404
    assert db.session.get(Holiday, province.id) is not None


def test_calendar_of_an_official_year(client):
    day_off("32.73", "2026-09-25", "Hari Jadi Kota Bandung")
    day_off("32.04", "2026-09-24", "Hari Jadi Kabupaten Bandung")
    resp = client.get(
        "/api/v1/sla/calendar?year=2026&area_code=32.73.01.1001", headers=login(staff("moderator", "32.73"))
    )
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert (body["year"], body["area_code"], body["status"]) == (2026, "32.73.01.1001", "official")
    assert body["decree"].startswith("SKB") and body["source"].startswith("https://")
    days = {(d["date"], d["kind"]) for d in body["days_off"]}
    assert ("2026-03-20", "cuti_bersama") in days and ("2026-03-21", "libur_nasional") in days
    assert ("2026-09-25", "admin") in days and ("2026-09-24", "admin") not in days
    assert body["working_days"] == lokal.count_working_days("2026-01-01", "2026-12-31") - 1  # minus the city's day
    years = {y["year"]: y for y in body["years"]}
    assert years[2026]["status"] == years[2027]["status"] == "official"
    assert years[2026]["admin_days"] == 1


def test_calendar_flags_a_year_without_official_data(client):
    day_off("32", "2028-01-03", "Cuti bersama (SKB 2028)")
    body = client.get("/api/v1/sla/calendar?year=2028", headers=login(staff("admin", "32.73"))).get_json()
    assert (body["area_code"], body["status"], body["decree"]) == ("32.73", "weekends_and_admin_days_only", None)
    assert [(d["date"], d["kind"], d["area_code"]) for d in body["days_off"]] == [("2028-01-03", "admin", "32")]
    years = {y["year"]: y for y in body["years"]}
    assert years[2028] == {
        "year": 2028,
        "status": "weekends_and_admin_days_only",
        "decree": None,
        "source": None,
        "admin_days": 1,
    }


def test_calendar_defaults_to_this_year_and_my_area(client):
    body = client.get("/api/v1/sla/calendar", headers=login(staff("office_handler", "32.73.01"))).get_json()
    this_year = dt.datetime.now(dt.UTC).year
    assert body["area_code"] == "32.73.01" and body["year"] in (this_year, this_year + 1)
    assert {this_year, this_year + 1} <= {y["year"] for y in body["years"]}


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("year=1999", 422),
        ("area_code=3", 422),
        ("area_code=32.99", 422),
        ("year=x", 422),
        ("area_code=32.04", 403),
        ("area_code=32", 403),
    ],
)
def test_calendar_validation_and_scope(client, query, status):
    assert client.get(f"/api/v1/sla/calendar?{query}", headers=login(staff("admin", "32.73"))).status_code == status
