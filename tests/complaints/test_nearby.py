"""The feed's radius searches from tiles (``complaints.intake.nearby``) and from SQL (tiles not kept): the same answer
as measuring every listed complaint, page after page; a kept search runs no statement; this process's writes show at
once, another process's when the tiles expire."""

from __future__ import annotations

import math
import random

import pytest
from sqlalchemy import update

from app.core.pagination import page_of
from app.extensions import db
from complaints.geo import haversine_m
from complaints.intake import nearby
from complaints.intake.models import Complaint
from complaints.intake.schemas import ComplaintItemSchema
from tests.complaints.helpers import BANDUNG, make_complaint, offset
from tests.complaints.test_responses import same_as_schema

URL = "/api/v1/complaints"
#: Bandung's test point is about 60 m from the corner of four grid cells: circles cross tiles in every direction.
CENTRE = BANDUNG
STATUSES = ["verified", "in_progress", "resolved", "submitted", "withdrawn"]


@pytest.fixture
def scattered():
    """40 complaints within 2.5 km of the centre (some unlisted, some private), a few at the same distance."""
    rnd = random.Random(15)
    made = []
    for i in range(40):
        distance, bearing = rnd.uniform(0, 2500), rnd.uniform(0, 2 * math.pi)
        if i % 10 == 9:  # ties: the same distance as the one before, another direction
            distance = made[-1][1]
        point = offset(CENTRE, north_m=distance * math.cos(bearing), east_m=distance * math.sin(bearing))
        c = make_complaint(
            status=rnd.choice(STATUSES), point=point, category_id=rnd.choice((1, 2)), is_public=rnd.random() < 0.9
        )
        made.append((c, distance))
    return [c for c, _ in made]


def expected(complaints, *, radius, sort, category=None, status=None):
    rows = []
    for c in complaints:
        if not c.is_listed or (category and c.category_id != category) or (status and c.status != status):
            continue
        d = haversine_m(*CENTRE, c.latitude, c.longitude)
        if d <= radius:
            rows.append((d, c.id))
    rows.sort(key=(lambda r: r) if sort == "nearest" else (lambda r: -r[1]))
    return [cid for _, cid in rows]


def walk(client, query: str, limit: int) -> list[dict]:
    items, cursor = [], None
    while True:
        resp = client.get(
            f"{URL}?near={CENTRE[0]},{CENTRE[1]}&{query}&limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        )
        assert resp.status_code == 200, resp.get_json()
        body = resp.get_json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


@pytest.mark.parametrize("kept", [False, True], ids=["sql", "tiles"])
@pytest.mark.parametrize(
    ("query", "args"),
    [
        ("radius=1000", {"radius": 1000, "sort": "nearest"}),
        ("radius=1000&sort=newest", {"radius": 1000, "sort": "newest"}),
        ("radius=600", {"radius": 600, "sort": "nearest"}),
        ("radius=1000&status=verified", {"radius": 1000, "sort": "nearest", "status": "verified"}),
        ("radius=1000&sort=newest&category=2", {"radius": 1000, "sort": "newest", "category": 2}),
        # Wider than MAX_TILES: newest first from SQL; nearest first from tiles while the circles are small, then
        # from SQL (a page's cursor made by one is read by the other).
        ("radius=2500&sort=newest", {"radius": 2500, "sort": "newest"}),
        ("radius=2500&status=verified", {"radius": 2500, "sort": "nearest", "status": "verified"}),
    ],
)
def test_every_page_is_what_measuring_every_complaint_gives(app, client, scattered, kept, query, args):
    want = expected(scattered, **args)
    assert len(want) >= 3
    app.config["COMPLAINT_FEED_CACHE_SECONDS"] = 5 if kept else 0
    try:
        first = client.get(f"{URL}?near={CENTRE[0]},{CENTRE[1]}&{query}&limit=3").get_json()
        same_as_schema(first, page_of(ComplaintItemSchema)())
        for limit in (1, 4, 50):
            got = walk(client, query, limit)
            assert [i["id"] for i in got] == want, limit
            for item in got:
                assert item["distance_m"] == pytest.approx(
                    haversine_m(*CENTRE, item["latitude"], item["longitude"]), abs=0.06
                )
    finally:
        app.config["COMPLAINT_FEED_CACHE_SECONDS"] = 0
        nearby.forget()


def test_a_kept_search_runs_no_statement_and_writes_show(app, client, count_queries):
    first = make_complaint(status="verified", point=offset(CENTRE, north_m=40))
    path = f"{URL}?near={CENTRE[0]},{CENTRE[1]}&radius=1000"
    app.config["COMPLAINT_FEED_CACHE_SECONDS"] = 5
    try:
        with count_queries() as q:
            assert [i["id"] for i in client.get(path).get_json()["items"]] == [first.id]
        assert q.count == 2, q.statements  # the tiles of the first circle, then the items
        with count_queries() as q:
            again = client.get(path).get_json()
        assert q.count == 0, q.statements
        assert again["items"][0]["support_count"] == 0
        # This process's write empties the tiles at once.
        second = make_complaint(status="in_progress", point=offset(CENTRE, east_m=900))
        assert [i["id"] for i in client.get(path).get_json()["items"]] == [first.id, second.id]
        # Another process's write (a statement this process's session does not see) shows when the tiles expire.
        db.session.connection().execute(
            update(Complaint.__table__).where(Complaint.id == first.id).values(support_count=7, is_listed=False)
        )
        assert [i["id"] for i in client.get(path).get_json()["items"]] == [first.id, second.id]
        nearby.forget()  # (what expiry does)
        assert [i["id"] for i in client.get(path).get_json()["items"]] == [second.id]
    finally:
        app.config["COMPLAINT_FEED_CACHE_SECONDS"] = 0
        nearby.forget()


def test_a_complaint_unlisted_after_its_tile_was_read_is_left_out(app, client):
    """Tiles kept, items not: the page leaves out a complaint that is no longer listed instead of showing it."""
    shown = make_complaint(status="verified", point=offset(CENTRE, north_m=10))
    hidden = make_complaint(status="verified", point=offset(CENTRE, north_m=20))
    path = f"{URL}?near={CENTRE[0]},{CENTRE[1]}&radius=500&limit=1"
    app.config["COMPLAINT_FEED_CACHE_SECONDS"] = 5
    try:
        assert [i["id"] for i in client.get(path).get_json()["items"]] == [shown.id]
        db.session.connection().execute(
            update(Complaint.__table__).where(Complaint.id == hidden.id).values(is_listed=False)
        )
        body = client.get(path + "&cursor=" + client.get(path).get_json()["next_cursor"]).get_json()
        assert body["items"] == []  # the kept tile still names it; its item is read now, and refused
    finally:
        app.config["COMPLAINT_FEED_CACHE_SECONDS"] = 0
        nearby.forget()


def test_nearest_first_never_takes_a_corner_of_the_box_for_the_circle(client):
    """The first circle's box holds rows beyond the circle (its corners): they wait for the circle that holds them,
    so a nearer row outside that box comes first."""
    near = make_complaint(status="verified", point=offset(CENTRE, north_m=10))
    north = make_complaint(status="verified", point=offset(CENTRE, north_m=130))  # outside the 125 m box
    make_complaint(status="verified", point=offset(CENTRE, north_m=106, east_m=106))  # 150 m, inside it
    make_complaint(status="verified", point=offset(CENTRE, north_m=-113, east_m=-113))  # 160 m, inside it
    body = client.get(f"{URL}?near={CENTRE[0]},{CENTRE[1]}&radius=1000&limit=2").get_json()
    assert [i["id"] for i in body["items"]] == [near.id, north.id]


def test_distances_measured_here_are_the_sql_distances_to_the_last_bit(scattered):
    """A nearest-first walk may switch from tiles to SQL between two pages: the cursor's distance must compare
    equal to the one SQL computes for the same row, or that row would show twice or never."""
    from sqlalchemy import select

    from complaints import geo

    t = Complaint.__table__.c
    sql = db.session.execute(
        select(t.id, geo.distance_sql(t.latitude, t.longitude, *CENTRE)).where(t.id.in_([c.id for c in scattered]))
    ).all()
    point = nearby._Point(*CENTRE)
    for cid, distance in sql:
        c = db.session.get(Complaint, cid)
        phi = math.radians(c.latitude)
        row = (c.latitude, c.longitude, cid, c.category_id, c.status, phi, math.radians(c.longitude), math.cos(phi))
        assert point.distance(row) == distance


def test_growing_circles_read_each_tile_once(app, client, count_queries):
    """Kept tiles: up to 1 km the circles read the four tiles around the point in one statement; the wider ones
    (2, 4 and 5 km: more than ``MAX_TILES``) go on in SQL, one statement each."""
    for i in range(5):
        make_complaint(status="verified", point=offset(CENTRE, east_m=20 * i))
    far = make_complaint(status="verified", point=offset(CENTRE, north_m=4000))
    url = f"{URL}?near={CENTRE[0]},{CENTRE[1]}&radius=5000&limit="
    app.config["COMPLAINT_FEED_CACHE_SECONDS"] = 5
    try:
        with count_queries() as dense:
            assert len(client.get(url + "3").get_json()["items"]) == 3
        nearby.forget()
        with count_queries() as sparse:
            got = [i["id"] for i in client.get(url + "10").get_json()["items"]]
    finally:
        app.config["COMPLAINT_FEED_CACHE_SECONDS"] = 0
        nearby.forget()
    assert got[-1] == far.id and len(got) == 6
    assert dense.count == 2  # the tiles, then the items
    assert sparse.count == 4
