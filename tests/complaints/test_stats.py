"""GET /stats/complaints: exact figures on a small set, the period and other filters, scopes, and 401/403/422."""

from __future__ import annotations

import datetime as dt

import pytest

from app.core.db import utcnow
from app.extensions import db
from complaints.follow_up import Rating
from complaints.stats import queries
from complaints.stats.schemas import ComplaintStatsSchema
from tests.complaints.helpers import SOREANG, make_complaint
from tests.complaints.office_factories import member, office
from tests.factories import login, resident, staff

URL = "/api/v1/stats/complaints"
JALAN, SAMPAH = 1, 2
KAB_BANDUNG_DESA = "32.04.05.2001"
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


def handled(status, *, category_id, to=None, verified=None, responded=None, resolved=None, response_due=None,
            resolution_due=None, created=None, rating=None, **fields):  # fmt: skip
    """A complaint in ``status`` with its handling columns set as the handling code would leave them."""
    c = make_complaint(status=status, category_id=category_id, created_at=created, **fields)
    c.office_id = to.id if to is not None else None
    c.verified_at, c.first_response_at, c.resolved_at = verified, responded, resolved
    c.response_due_at, c.resolution_due_at = response_due, resolution_due
    db.session.flush()
    if rating is not None:  # as the rating service stores it: the row and its copy on the complaint
        db.session.add(Rating(complaint_id=c.id, user_id=c.reporter_id, score=rating, office_id=c.office_id))
        c.rating = rating
        db.session.flush()
    return c


@pytest.fixture
def world():
    """Eight complaints in Kota Bandung (two offices), one in Kabupaten Bandung, all submitted 11 days ago or later.

    First responses after 2, 4, 6 and 8 hours (median of an even count: 5); resolutions after 10, 20 and 30 hours
    (odd count: 20). Response deadlines: met by c1, c2, c4; missed by c3 (late) and c6 (none, past due); c5 still
    has time. Resolution deadlines: met by c1, c2; missed by c3 (late) and c4 (open, past due); c6 still has time.
    Open past a deadline: c4 and c6.
    """
    now = utcnow()
    t0 = now - 10 * D
    created = now - 11 * D
    a, b = office("32.73"), office("32.73")
    far = office("32.04")
    common = {"verified": t0, "created": created}
    late = {"response_due": t0 + 3 * D, "resolution_due": t0 + 14 * D}
    w = {"now": now, "a": a, "b": b, "far": far}
    w["c1"] = handled("closed", category_id=JALAN, to=a, responded=t0 + 2 * H, resolved=t0 + 10 * H, rating=5,
                      **common, **late)  # fmt: skip
    w["c2"] = handled("closed", category_id=JALAN, to=a, responded=t0 + 4 * H, resolved=t0 + 20 * H, rating=3,
                      **common, **late)  # fmt: skip
    w["c3"] = handled("resolved", category_id=SAMPAH, to=b, responded=t0 + 6 * H, resolved=t0 + 30 * H,
                      response_due=t0 + 5 * H, resolution_due=t0 + 24 * H, **common)  # fmt: skip
    w["c4"] = handled("in_progress", category_id=SAMPAH, to=a, responded=t0 + 8 * H, response_due=t0 + 3 * D,
                      resolution_due=t0 + D, **common)  # fmt: skip
    w["c5"] = handled("verified", category_id=JALAN, to=b, verified=now - H, response_due=now + 2 * D,
                      resolution_due=now + 10 * D, created=now - 2 * H)  # fmt: skip
    w["c6"] = handled("accepted", category_id=JALAN, to=b, response_due=t0 + D, resolution_due=now + 4 * D, **common)
    w["c7"] = handled("submitted", category_id=SAMPAH, created=created)
    w["c8"] = handled("rejected", category_id=JALAN, created=created)
    w["outside"] = handled("closed", category_id=JALAN, to=far, responded=t0 + 100 * H, resolved=t0 + 200 * H,
                           rating=1, desa_code=KAB_BANDUNG_DESA, rw=None, point=SOREANG, **common, **late)  # fmt: skip
    return w


def statuses(body):
    return {s["status"]: s["count"] for s in body["by_status"] if s["count"]}


def get(client, headers, **params):
    return client.get(URL, query_string=params, headers=headers)


def test_city_moderator_gets_exact_figures(client, world):
    resp = get(client, login(staff("moderator", "32.73")))
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert ComplaintStatsSchema().validate(body) == {}
    a, b = world["a"], world["b"]
    assert body["total"] == 8
    assert [s["status"] for s in body["by_status"]][:3] == ["submitted", "needs_info", "verified"]
    assert len(body["by_status"]) == 10 and sum(s["count"] for s in body["by_status"]) == 8
    assert statuses(body) == {
        "submitted": 1, "verified": 1, "accepted": 1, "in_progress": 1, "resolved": 1, "closed": 2, "rejected": 1
    }  # fmt: skip
    assert body["by_category"] == [
        {"category_id": JALAN, "name": "Jalan rusak", "count": 5},
        {"category_id": SAMPAH, "name": "Sampah", "count": 3},
    ]
    assert body["by_office"] == [
        {"office_id": a.id, "name": a.name, "count": 3},
        {"office_id": b.id, "name": b.name, "count": 3},
    ]
    assert body["first_response"] == {"median_hours": 5.0, "count": 4}
    assert body["resolution"] == {"median_hours": 20.0, "count": 3}
    assert body["sla"] == {
        "response_met": 3,
        "response_total": 5,
        "response_rate": 0.6,
        "resolution_met": 2,
        "resolution_total": 4,
        "resolution_rate": 0.5,
        "overdue_open": 2,
    }
    assert body["rating"] == {"average": 4.0, "count": 2}


def test_province_admin_counts_every_kabkota(client, world):
    body = get(client, login(staff("admin", "32"))).get_json()
    assert body["total"] == 9
    assert {o["office_id"] for o in body["by_office"]} == {world["a"].id, world["b"].id, world["far"].id}
    # five first responses (2, 4, 6, 8, 100 h): odd count; four resolutions (10, 20, 30, 200 h): even count
    assert body["first_response"] == {"median_hours": 6.0, "count": 5}
    assert body["resolution"] == {"median_hours": 25.0, "count": 4}
    assert body["rating"] == {"average": 3.0, "count": 3}


def test_area_filter_inside_the_scope(client, world):
    admin = login(staff("admin", "32"))
    assert get(client, admin, area="32.04").get_json()["total"] == 1
    assert get(client, admin, area="32.73.01").get_json()["total"] == 8
    assert get(client, admin, area="32.73.02").get_json()["total"] == 0


def test_moderator_of_another_kabkota_sees_only_their_own(client, world):
    body = get(client, login(staff("moderator", "32.04"))).get_json()
    assert body["total"] == 1
    assert [o["office_id"] for o in body["by_office"]] == [world["far"].id]
    assert body["first_response"] == {"median_hours": 100.0, "count": 1}


@pytest.mark.parametrize(("role", "area", "rw"), [("village_official", "32.73.01.1001", None),
                                                  ("rw_official", "32.73.01.1001", 5)])  # fmt: skip
def test_village_and_rw_officials(client, world, role, area, rw):
    assert get(client, login(staff(role, area, rw=rw))).get_json()["total"] == 8


def test_rw_official_of_another_rw_sees_nothing(client, world):
    assert get(client, login(staff("rw_official", "32.73.01.1001", rw=6))).get_json()["total"] == 0


def test_handler_counts_only_their_offices(client, world):
    handler = staff("office_handler", "32.73")
    member(world["a"], handler)
    headers = login(handler)
    body = get(client, headers).get_json()
    assert body["total"] == 3
    assert statuses(body) == {"closed": 2, "in_progress": 1}
    assert body["by_office"] == [{"office_id": world["a"].id, "name": world["a"].name, "count": 3}]
    assert body["first_response"] == {"median_hours": 4.0, "count": 3}
    assert body["sla"]["overdue_open"] == 1
    assert get(client, headers, office_id=world["a"].id).get_json()["total"] == 3
    assert get(client, headers, office_id=world["b"].id).status_code == 403
    assert get(client, headers, area="32.04").status_code == 403


def test_handler_of_two_offices_and_of_none(client, world):
    handler = staff("office_handler", "32.73")
    member(world["a"], handler)
    member(world["b"], handler)
    assert get(client, login(handler)).get_json()["total"] == 6
    nobody = get(client, login(staff("office_handler", "32.73"))).get_json()
    assert nobody["total"] == 0 and nobody["by_office"] == [] and nobody["rating"] == {"average": None, "count": 0}


def test_handler_whose_scope_no_longer_fits_the_office_counts_nothing(client, world):
    handler = staff("office_handler", "32.04")  # a Kabupaten Bandung handler cannot work for a Kota Bandung office
    member(world["a"], handler)
    assert get(client, login(handler)).get_json()["total"] == 0


def test_period_filter_on_submission_day(client, world):
    old = handled("closed", category_id=SAMPAH, created=world["now"] - 60 * D)
    moderator = login(staff("moderator", "32.73"))
    cut = (world["now"] - 30 * D).date().isoformat()
    assert get(client, moderator, **{"from": cut}).get_json()["total"] == 8
    body = get(client, moderator, to=cut).get_json()
    assert body["total"] == 1 and statuses(body) == {"closed": 1}
    day = old.created_at.astimezone(dt.timezone(dt.timedelta(hours=7))).date().isoformat()  # WIB
    assert get(client, moderator, **{"from": day, "to": day}).get_json()["total"] == 1
    recent = get(client, moderator, **{"from": (world["now"] - 2 * D).date().isoformat()}).get_json()
    assert recent["total"] == 1 and statuses(recent) == {"verified": 1}


def test_category_and_office_filters(client, world):
    moderator = login(staff("moderator", "32.73"))
    body = get(client, moderator, category=SAMPAH).get_json()
    assert body["total"] == 3 and [c["category_id"] for c in body["by_category"]] == [SAMPAH]
    body = get(client, moderator, office_id=world["b"].id).get_json()
    assert body["total"] == 3
    assert body["first_response"] == {"median_hours": 6.0, "count": 1}
    assert body["sla"]["overdue_open"] == 1


def test_nothing_matches(client, world):
    body = get(client, login(staff("moderator", "32.73")), category=5).get_json()
    assert body["total"] == 0
    assert all(s["count"] == 0 for s in body["by_status"])
    assert body["by_category"] == [] and body["by_office"] == []
    assert body["first_response"] == {"median_hours": None, "count": 0}
    assert body["sla"]["response_rate"] is None and body["rating"]["average"] is None


def test_anonymous_is_401(client):
    resp = client.get(URL)
    assert resp.status_code == 401
    assert resp.get_json()["code"] == 401


@pytest.mark.parametrize("role", ["resident", "editor"])
def test_residents_and_editors_are_403(client, role):
    user = resident() if role == "resident" else staff("editor", "32.73")
    assert client.get(URL, headers=login(user)).status_code == 403


def test_area_outside_the_scope_is_403(client, world):
    moderator = login(staff("moderator", "32.73"))
    assert get(client, moderator, area="32.04").status_code == 403
    assert get(client, moderator, area="32").status_code == 403


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-03-02", "to": "2026-03-01"}, "from"),
        ({"from": "2026-13-01"}, "from"),
        ({"to": "1900-01-01"}, "to"),
        ({"area": "32,73"}, "area"),
        ({"area": "32.99"}, "area"),
        ({"office_id": 0}, "office_id"),
        ({"office_id": 999_999}, "office_id"),
        ({"category": "x"}, "category"),
        ({"category": 999_999}, "category"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_validation_is_422(client, params, field):
    resp = get(client, login(staff("admin", "32")), **params)
    assert resp.status_code == 422, resp.get_json()
    assert field in resp.get_json()["errors"]


def test_subcategories_count_with_their_parent(client, world):
    from complaints.categories.models import Category

    child = Category(slug="jalan-berlubang", name="Jalan berlubang", parent_id=JALAN)
    db.session.add(child)
    db.session.flush()
    handled("submitted", category_id=child.id, created=world["now"] - D)
    body = get(client, login(staff("moderator", "32.73")), category=JALAN).get_json()
    assert body["total"] == 6
    assert {c["category_id"]: c["count"] for c in body["by_category"]} == {JALAN: 5, child.id: 1}


def test_one_statement_for_the_figures(client, world, count_queries):
    """Every figure comes from one SQL statement (plus the token check and loading the caller's offices)."""
    headers = login(staff("moderator", "32.73"))
    with count_queries() as q:
        assert get(client, headers).status_code == 200
    figures = [s for s in q.statements if "GROUP BY" in s.upper()]
    assert len(figures) == 1


def test_median_function_on_both_backends(app):
    """``queries.medians`` gives the same answers as ``statistics.median`` for odd, even and empty inputs."""
    import statistics

    from sqlalchemy import Float, cast, literal, null, select, union_all

    for data in ([3.0], [4.0, 1.0], [5.0, 1.0, 3.0, 2.0], [9.0, 7.0, None, 8.0, 1.0, 2.0], [None]):
        rows = union_all(
            *(select((literal(x, Float) if x is not None else cast(null(), Float)).label("x")) for x in data)
        )
        source = rows.subquery("v")
        m = queries.medians({"m": source.c.x}, source, [], db.dialect)
        expected = [x for x in data if x is not None]
        got = db.session.execute(select(m.c.m)).scalar_one()
        assert got == (pytest.approx(statistics.median(expected)) if expected else None)
