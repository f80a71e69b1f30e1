"""The public feed: filters (area at any level, category, status), the geo radius, sorts, stable pages, and a
number of queries that does not grow with the page size. Runs on SQLite and PostgreSQL like the whole suite."""

from __future__ import annotations

import pytest

from app.extensions import db
from complaints.categories.models import Category
from complaints.geo import haversine_m
from complaints.photos.models import ComplaintPhoto
from complaints.photos.service import add_photo
from tests.complaints.helpers import BANDUNG, jpeg_bytes, make_complaint, offset
from tests.factories import login, resident

URL = "/api/v1/complaints"
MONAS = (-6.1754, 106.8272)


def ids(resp) -> list[int]:
    assert resp.status_code == 200, resp.get_json()
    return [i["id"] for i in resp.get_json()["items"]]


@pytest.fixture
def places():
    """Listed complaints in nested areas, newest last."""
    return {
        "sukarasa": make_complaint(status="verified", desa_code="32.73.01.1001", rw=5),
        "gegerkalong": make_complaint(status="in_progress", desa_code="32.73.01.1002", rw=None),
        "cipaganti": make_complaint(status="resolved", desa_code="32.73.02.1001", rw=None),
        "cileunyi": make_complaint(status="verified", desa_code="32.04.05.2001", rw=None),
        "gambir": make_complaint(status="closed", desa_code="31.71.01.1001", rw=None, point=MONAS),
    }


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        (None, ["gambir", "cileunyi", "cipaganti", "gegerkalong", "sukarasa"]),
        ("32", ["cileunyi", "cipaganti", "gegerkalong", "sukarasa"]),  # Jawa Barat
        ("32.73", ["cipaganti", "gegerkalong", "sukarasa"]),  # Kota Bandung
        ("32.73.01", ["gegerkalong", "sukarasa"]),  # Kecamatan Sukasari
        ("32.73.01.1001", ["sukarasa"]),  # Kelurahan Sukarasa
        ("32.04", ["cileunyi"]),  # Kabupaten Bandung, a different kab/kota with a similar name
        ("31.71.01", ["gambir"]),
        ("35", []),
    ],
)
def test_area_filter_at_every_level(client, places, area, expected):
    query = f"?area={area}" if area else ""
    assert ids(client.get(URL + query)) == [places[name].id for name in expected]


@pytest.mark.parametrize("area", ["32.99", "32.73.01.9999", "abc", "32.73.01.1001.005", "3"])
def test_unknown_or_malformed_area_is_422(client, area):
    resp = client.get(f"{URL}?area={area}")
    assert resp.status_code == 422 and "area" in resp.get_json()["errors"]


def test_status_filter(client, places):
    assert ids(client.get(f"{URL}?status=verified")) == [places["cileunyi"].id, places["sukarasa"].id]
    assert ids(client.get(f"{URL}?status=verified&area=32.73")) == [places["sukarasa"].id]
    for hidden in ("submitted", "withdrawn", "rejected", "needs_info", "anything"):
        assert client.get(f"{URL}?status={hidden}").status_code == 422


def test_category_filter_includes_sub_categories(client):
    child = Category(slug="pohon-tumbang", name="Pohon tumbang", parent_id=3)
    db.session.add(child)
    db.session.flush()
    flood = make_complaint(status="verified", category_id=3)
    tree = make_complaint(status="verified", category_id=child.id)
    make_complaint(status="verified", category_id=2)
    assert ids(client.get(f"{URL}?category=3")) == [tree.id, flood.id]
    assert ids(client.get(f"{URL}?category={child.id}")) == [tree.id]
    assert ids(client.get(f"{URL}?category=9999")) == []
    assert client.get(f"{URL}?category=abc").status_code == 422


def test_only_public_verified_complaints_are_listed(client):
    shown = [make_complaint(status=s) for s in ("verified", "accepted", "in_progress", "resolved", "closed")]
    for status in ("submitted", "needs_info", "rejected", "duplicate", "withdrawn"):
        make_complaint(status=status)
    make_complaint(status="verified", is_public=False)
    assert ids(client.get(f"{URL}?limit=100")) == [c.id for c in reversed(shown)]


DISTANCES = [50, 300, 950, 1050, 2500, 4900, 5100]


@pytest.fixture
def ring():
    """Listed complaints at known distances from Bandung's point, in shuffled directions."""
    directions = [(1, 0), (0, 1), (-1, 0), (0, -1), (0.6, 0.8), (-0.8, 0.6), (0.6, -0.8)]
    out = {}
    for d, (n, e) in zip(DISTANCES, directions, strict=True):
        out[d] = make_complaint(status="verified", point=offset(BANDUNG, north_m=d * n, east_m=d * e))
    return out


@pytest.mark.parametrize(
    ("radius", "expected"),
    [(1000, [50, 300, 950]), (100, [50]), (3000, [50, 300, 950, 1050, 2500]), (5000, DISTANCES[:-1])],
)
def test_near_radius_nearest_first(client, ring, radius, expected):
    resp = client.get(f"{URL}?near={BANDUNG[0]},{BANDUNG[1]}&radius={radius}&limit=100")
    assert ids(resp) == [ring[d].id for d in expected]
    for item, d in zip(resp.get_json()["items"], expected, strict=True):
        assert item["distance_m"] == pytest.approx(d, abs=1.0)
        assert item["distance_m"] == pytest.approx(haversine_m(*BANDUNG, item["latitude"], item["longitude"]), abs=0.1)


def test_near_pages_by_distance(client, ring):
    base = f"{URL}?near={BANDUNG[0]},{BANDUNG[1]}&radius=5000&limit=2"
    seen, cursor = [], None
    while True:
        resp = client.get(base + (f"&cursor={cursor}" if cursor else ""))
        seen += ids(resp)
        cursor = resp.get_json()["next_cursor"]
        if cursor is None:
            break
    assert seen == [ring[d].id for d in DISTANCES[:-1]]


def test_near_combines_with_other_filters(client, ring):
    make_complaint(status="in_progress", point=offset(BANDUNG, north_m=10), category_id=2)
    resp = client.get(f"{URL}?near={BANDUNG[0]},{BANDUNG[1]}&radius=1000&status=verified&category=1&sort=newest")
    assert ids(resp) == [ring[950].id, ring[300].id, ring[50].id]


@pytest.mark.parametrize(
    "query",
    [
        "near=-6.87,107.59&radius=5001",
        "near=-6.87,107.59&radius=0",
        "near=-6.87,107.59&radius=1.5",
        "near=51.5,-0.12",  # London
        "near=-6.87",
        "near=abc,def",
        "near=-6.87;107.59",
        "sort=nearest",
        "sort=oldest",
        "limit=0",
        "limit=101",
        "cursor=not-a-cursor",
    ],
)
def test_invalid_queries_are_422(client, query):
    resp = client.get(f"{URL}?{query}")
    assert resp.status_code == 422, resp.get_json()
    assert set(resp.get_json()) == {"code", "status", "message", "errors", "error", "error_codes"}


def test_sort_by_support(client):
    few = make_complaint(status="verified", support_count=2)
    many = make_complaint(status="verified", support_count=9)
    tie_old = make_complaint(status="verified", support_count=2)
    none = make_complaint(status="verified")
    assert ids(client.get(f"{URL}?sort=supported")) == [many.id, tie_old.id, few.id, none.id]
    first = client.get(f"{URL}?sort=supported&limit=2").get_json()
    rest = client.get(f"{URL}?sort=supported&limit=2&cursor={first['next_cursor']}")
    assert [i["id"] for i in first["items"]] + ids(rest) == [many.id, tie_old.id, few.id, none.id]


def test_pages_are_stable_while_complaints_arrive(client):
    older = [make_complaint(status="verified") for _ in range(5)]
    first = client.get(f"{URL}?limit=2").get_json()
    newer = make_complaint(status="verified")  # arrives between two page loads
    second = client.get(f"{URL}?limit=2&cursor={first['next_cursor']}").get_json()
    third = client.get(f"{URL}?limit=2&cursor={second['next_cursor']}").get_json()
    seen = [i["id"] for i in first["items"] + second["items"] + third["items"]]
    assert seen == [c.id for c in reversed(older)]
    assert newer.id not in seen and third["next_cursor"] is None
    assert "total" not in first and "count" not in first


def _with_photos(complaint, n=2):
    for _ in range(n):
        add_photo(complaint=complaint, data=jpeg_bytes(), uploader_id=complaint.reporter_id)
    return complaint


def test_feed_items_carry_the_photo_count_and_the_first_thumbnail(client):
    c = _with_photos(make_complaint(status="verified"))
    bare = make_complaint(status="verified")
    first = db.session.query(ComplaintPhoto).filter_by(complaint_id=c.id).order_by(ComplaintPhoto.position).first()
    items = {i["id"]: i for i in client.get(URL).get_json()["items"]}
    assert items[c.id]["photo_count"] == 2
    assert items[c.id]["thumbnail_url"] == f"/api/v1/complaints/{c.id}/photos/{first.id}/thumbnail"
    assert (items[bare.id]["photo_count"], items[bare.id]["thumbnail_url"]) == (0, None)
    assert "photos" not in items[c.id]
    detail = client.get(f"/api/v1/complaints/{c.id}").get_json()
    assert detail["photos"][0]["id"] == first.id and len(detail["photos"]) == 2


@pytest.mark.parametrize(
    "path",
    [
        URL + "?limit={n}",
        URL + "?limit={n}&area=32.73&status=verified",
        URL + "?limit={n}&near=-6.8706,107.5905&radius=5000",
        URL + "?limit={n}&sort=supported&category=1",
        URL + "/similar?lat=-6.8706&lon=107.5905&category=1&limit={n}",
        "/api/v1/me/complaints?limit={n}",
    ],
)
def test_query_count_does_not_grow_with_page_size(client, count_queries, path):
    reporter = resident()
    for i in range(14):  # more than the larger page, all within the first circle of a radius search
        _with_photos(make_complaint(reporter, status="verified", point=offset(BANDUNG, north_m=10 * i)))
    headers = login(reporter)
    counts = []
    for n in (2, 12):
        with count_queries() as q:
            resp = client.get(path.format(n=n), headers=headers)
        assert resp.status_code == 200 and len(resp.get_json()["items"]) == n
        counts.append(q.count)
    assert counts[0] == counts[1], counts
    assert counts[1] <= 3


def test_nearest_first_reads_growing_circles_only_as_far_as_needed(client, count_queries):
    """Dense: the first circle (125 m) fills the page in one query. Sparse: the circles grow until the radius.
    (Tiles are not kept here, so this is the SQL search; ``test_nearby`` counts the tiles' statements.)"""
    for i in range(5):
        make_complaint(status="verified", point=offset(BANDUNG, east_m=20 * i))
    far = make_complaint(status="verified", point=offset(BANDUNG, north_m=4000))
    url = f"{URL}?near={BANDUNG[0]},{BANDUNG[1]}&radius=5000&limit="
    with count_queries() as dense:
        assert len(ids(client.get(url + "3"))) == 3
    with count_queries() as sparse:
        got = ids(client.get(url + "10"))
    assert got[-1] == far.id and len(got) == 6
    assert dense.count == 1
    assert sparse.count - dense.count == 6  # six more circles: 250, 500, 1000, 2000, 4000 and 5000 m


@pytest.mark.parametrize(
    "query",
    [
        "lon=107.59&category=1",  # lat missing
        "lat=-6.87&category=1",
        "lat=-6.87&lon=107.59",  # category missing
        "lat=20&lon=107.59&category=1",  # outside Indonesia
        "lat=-6.87&lon=200&category=1",
        "lat=nan&lon=107.59&category=1",
        "lat=-6.87&lon=107.59&category=0",
        "lat=-6.87&lon=107.59&category=1&limit=500",
    ],
)
def test_similar_validation(client, query):
    resp = client.get(f"{URL}/similar?{query}")
    assert resp.status_code == 422, resp.get_json()


def test_similar_unknown_category_is_empty(client):
    make_complaint(status="verified")
    got = client.get(f"{URL}/similar?lat={BANDUNG[0]}&lon={BANDUNG[1]}&category=9999").get_json()
    assert got == {"items": [], "next_cursor": None}


def test_my_complaints_filter_and_validation(client):
    reporter = resident()
    submitted = make_complaint(reporter)
    make_complaint(reporter, status="verified")
    headers = login(reporter)
    assert ids(client.get("/api/v1/me/complaints?status=submitted", headers=headers)) == [submitted.id]
    for query in ("status=unknown", "limit=0", "cursor=%%%"):
        assert client.get(f"/api/v1/me/complaints?{query}", headers=headers).status_code == 422


def test_a_feed_page_is_shared_for_a_few_seconds_and_this_process_s_writes_show_at_once(app, client, count_queries):
    from sqlalchemy import update

    from complaints.intake import queries
    from complaints.intake.models import Complaint

    first = make_complaint(status="verified", desa_code="32.73.01.1001")
    path = f"{URL}?area=32.73&status=verified"
    headers = login(resident())  # (a commit: also runs the forget that the write above left for it)
    unshared = client.get(path)
    app.config["COMPLAINT_FEED_CACHE_SECONDS"] = 5
    try:
        shared = client.get(path)
        with count_queries() as q:
            again = client.get(path, headers=headers)  # a token changes nothing in a public page
        assert q.count == 0, q.statements
        assert again.get_data() == shared.get_data() == unshared.get_data()
        assert again.headers["ETag"] == unshared.headers["ETag"]
        assert client.get(path, headers={"If-None-Match": unshared.headers["ETag"]}).status_code == 304
        # Another process's write (a statement this process's session does not see) shows when the page expires.
        db.session.connection().execute(
            update(Complaint.__table__).where(Complaint.id == first.id).values(support_count=7)
        )
        assert client.get(path).get_json()["items"][0]["support_count"] == 0
        second = make_complaint(status="verified", desa_code="32.73.01.1002")  # this process: at once
        assert ids(client.get(path)) == [second.id, first.id]
        assert client.get(path).get_json()["items"][1]["support_count"] == 7
    finally:
        app.config["COMPLAINT_FEED_CACHE_SECONDS"] = 0
        queries.forget_public_pages()
