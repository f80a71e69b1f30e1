"""Area loading, containment and the area endpoints."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from app.areas.codes import ancestors_of, area_contains, rw_key, within_area
from app.areas.loader import load_areas, official_areas
from app.areas.models import Area
from app.extensions import db


def test_loaded_hierarchy_has_official_counts():
    rows = dict(db.session.execute(select(Area.level, func.count()).group_by(Area.level)).all())
    assert rows == {1: 38, 2: 514, 3: 7285, 4: 83762}
    sukarasa = db.session.get(Area, "32.73.01.1001")
    assert (sukarasa.name, sukarasa.type, sukarasa.postal_code, sukarasa.parent_code) == (
        "Sukarasa",
        "kelurahan",
        "40152",
        "32.73.01",
    )
    assert db.session.get(Area, "32.73").type == "kota"


def test_load_is_idempotent_and_updates_renamed_areas():
    db.session.execute(update(Area).where(Area.code == "32.73").values(name="Kota Lama", name_search="kota lama"))
    db.session.execute(update(Area).where(Area.code == "32.73.01.1001").values(postal_code="00000"))
    result = load_areas(db.session())
    assert (result.inserted, result.updated) == (0, 2)
    assert db.session.get(Area, "32.73").name == "Kota Bandung"
    assert db.session.get(Area, "32.73.01.1001").postal_code == "40152"
    again = load_areas(db.session())
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 91_599)


def test_load_inserts_new_areas_after_parents():
    deleted = db.session.execute(Area.__table__.delete().where(within_area(Area.code, "32.73.01"))).rowcount
    assert deleted == 5  # the kecamatan Sukasari and its four kelurahan
    result = load_areas(db.session())
    assert result.inserted == 5
    assert db.session.get(Area, "32.73.01.1001").parent_code == "32.73.01"


def test_official_source_is_parent_first():
    seen: set[str] = set()
    for row in official_areas():
        assert row["parent_code"] is None or row["parent_code"] in seen
        seen.add(row["code"])


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        ("32", "32.73.01.1001", True),
        ("32.73", "32.73", True),
        ("32.7", "32.73", False),  # not a textual prefix test
        ("32.73", "32.7", False),
        ("32.73.01.1001", rw_key("32.73.01.1001", 5), True),
        (rw_key("32.73.01.1001", 5), rw_key("32.73.01.1001", 6), False),
        (rw_key("32.73.01.1001", 5), "32.73.01.1001", False),
        ("31", "32.73", False),
        ("32.73.01.1001", "32.73.01.10012", False),
    ],
)
def test_area_contains(outer, inner, expected):
    assert area_contains(outer, inner) is expected


@pytest.mark.parametrize("outer", ["32", "32.73", "32.73.01", "32.73.01.1001", "36.04"])
def test_sql_containment_agrees_with_python(outer):
    codes = set(db.session.scalars(select(Area.code).where(within_area(Area.code, outer))))
    prefix = db.session.scalars(select(Area.code).where(Area.code.like(outer + "%"))).all()
    assert codes == {c for c in prefix if area_contains(outer, c)}
    assert codes


def test_ancestors_of():
    assert ancestors_of("32.73.01.1001") == ["32", "32.73", "32.73.01", "32.73.01.1001"]


def test_provinces_page_and_cursor(client):
    first = client.get("/api/v1/areas?limit=20").get_json()
    assert len(first["items"]) == 20 and first["items"][0]["code"] == "11"
    second = client.get(f"/api/v1/areas?limit=20&cursor={first['next_cursor']}").get_json()
    assert len(second["items"]) == 18 and second["next_cursor"] is None
    codes = [a["code"] for a in first["items"] + second["items"]]
    assert codes == sorted(codes) and len(set(codes)) == 38


def test_children(client):
    body = client.get("/api/v1/areas/32.73.01/children").get_json()
    assert [a["code"] for a in body["items"]][:2] == ["32.73.01.1001", "32.73.01.1002"]
    assert all(a["parent_code"] == "32.73.01" and a["level"] == 4 for a in body["items"])


def test_children_of_unknown_area_is_404(client):
    assert client.get("/api/v1/areas/32.99/children").status_code == 404


def test_one_area_with_ancestors(client):
    body = client.get("/api/v1/areas/32.73.01.1001").get_json()
    assert body["name"] == "Sukarasa" and body["postal_code"] == "40152"
    assert [a["code"] for a in body["ancestors"]] == ["32", "32.73", "32.73.01"]
    assert body["ancestors"][1]["name"] == "Kota Bandung"


def test_area_not_found_and_malformed_code(client):
    assert client.get("/api/v1/areas/32.99").status_code == 404
    assert client.get("/api/v1/areas/3273").status_code == 404
    assert client.get("/api/v1/areas/32.73.01.1001.005").status_code == 404


def test_search_is_case_insensitive_and_ranked(client):
    body = client.get("/api/v1/areas/search?q=KOTA%20bandung").get_json()
    assert body["items"][0]["code"] == "32.73"
    body = client.get("/api/v1/areas/search?q=sukarasa&level=4&within=32.73").get_json()
    assert [a["code"] for a in body["items"]] == ["32.73.01.1001"]


def test_search_paginates(client):
    first = client.get("/api/v1/areas/search?q=bandung&limit=5").get_json()
    assert len(first["items"]) == 5 and first["next_cursor"]
    second = client.get(f"/api/v1/areas/search?q=bandung&limit=5&cursor={first['next_cursor']}").get_json()
    assert {a["code"] for a in first["items"]}.isdisjoint(a["code"] for a in second["items"])


def test_search_treats_wildcards_literally(client):
    assert client.get("/api/v1/areas/search?q=%25%25").get_json()["items"] == []
    assert client.get("/api/v1/areas/search?q=__").get_json()["items"] == []


@pytest.mark.parametrize(
    "query",
    ["q=a", "q=bandung&level=5", "q=bandung&level=2.5", "q=bandung&within=32.7", "q=bandung&cursor=%21%21"],
)
def test_search_validation(client, query):
    resp = client.get(f"/api/v1/areas/search?{query}")
    assert resp.status_code == 422
    assert resp.get_json()["errors"]


def test_bad_cursor_is_422(client):
    assert client.get("/api/v1/areas?cursor=bm90LWpzb24").status_code == 422
    assert client.get("/api/v1/areas?limit=0").status_code == 422
    assert client.get("/api/v1/areas?limit=101").status_code == 422
