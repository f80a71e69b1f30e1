"""The moderation queue: scope, order, filters, pagination, identity, likely duplicates, constant query count."""

from __future__ import annotations

import datetime as dt

import pytest

from app.core.db import utcnow
from tests.complaints.helpers import BANDUNG, SOREANG, make_complaint, offset
from tests.factories import login, resident, staff

URL = "/api/v1/moderation/complaints"
JALAN, SAMPAH = 1, 2
KAB_BANDUNG_DESA = "32.04.05.2001"


def ids(resp) -> list[int]:
    assert resp.status_code == 200, resp.get_json()
    return [i["id"] for i in resp.get_json()["items"]]


def ago(days: float) -> dt.datetime:
    return utcnow() - dt.timedelta(days=days)


def test_queue_is_the_moderators_area_oldest_first(client, moderator):
    first = make_complaint(created_at=ago(3))
    second = make_complaint(point=offset(BANDUNG, north_m=2000), created_at=ago(1))
    soreang = make_complaint(point=SOREANG, desa_code=KAB_BANDUNG_DESA)  # Kabupaten Bandung: another moderator's
    make_complaint(status="verified")  # no longer waiting
    assert ids(client.get(URL, headers=login(moderator))) == [first.id, second.id]
    province_admin = staff("admin", "32")
    assert len(ids(client.get(URL, headers=login(province_admin)))) == 3
    assert ids(client.get(URL, headers=login(staff("moderator", "32.04")))) == [soreang.id]


def test_item_shows_original_texts_screening_and_the_anonymous_reporter(client, moderator):
    reporter = resident()
    c = make_complaint(
        reporter, is_anonymous=True, description="Lubang besar, hubungi saya di 081234567890 untuk lokasi."
    )
    [item] = client.get(URL, headers=login(moderator)).get_json()["items"]
    assert item["id"] == c.id and item["tracking_number"] == c.tracking_number
    assert "081234567890" in item["excerpt"]  # staff read the text as written
    assert item["is_flagged"] is True and item["screening"]["flags"] == ["personal_data"]
    assert item["screening"]["pii_types"] == ["PHONE"]
    assert item["reporter_name"] == reporter.name and item["reporter"] == {"id": reporter.id, "name": reporter.name}
    assert item["awaiting_route"] is False and item["likely_duplicates"] == []


def test_filters(client, moderator):
    flagged = make_complaint(description="Lubang besar, hubungi saya di 081234567890 untuk lokasi.")
    sampah = make_complaint(category_id=SAMPAH)
    elsewhere = make_complaint(desa_code="32.73.02.1001")
    info = make_complaint(status="needs_info")
    headers = login(moderator)
    assert ids(client.get(URL + "?flagged=true", headers=headers)) == [flagged.id]
    assert flagged.id not in ids(client.get(URL + "?flagged=false", headers=headers))
    assert ids(client.get(URL + f"?category={SAMPAH}", headers=headers)) == [sampah.id]
    assert ids(client.get(URL + "?status=needs_info", headers=headers)) == [info.id]
    assert elsewhere.id not in ids(client.get(URL + "?area=32.73.01", headers=headers))
    assert ids(client.get(URL + "?area=32.73.02", headers=headers)) == [elsewhere.id]


def test_area_outside_the_scope_is_403_and_bad_arguments_422(client, moderator):
    headers = login(moderator)
    resp = client.get(URL + "?area=32.04", headers=headers)
    assert resp.status_code == 403 and "area" in resp.get_json()["errors"]
    for query in ("area=32.99", "area=abc", "status=verified", "flagged=maybe", "category=0", "limit=0", "cursor=x"):
        resp = client.get(URL + "?" + query, headers=headers)
        assert resp.status_code == 422, query


def test_pagination_by_cursor(client, moderator):
    made = [make_complaint(created_at=ago(5 - i)).id for i in range(5)]
    headers = login(moderator)
    seen, cursor = [], None
    while True:
        got = client.get(URL + "?limit=2" + (f"&cursor={cursor}" if cursor else ""), headers=headers).get_json()
        seen += [i["id"] for i in got["items"]]
        cursor = got["next_cursor"]
        if cursor is None:
            break
    assert seen == made


def test_likely_duplicates(client, moderator):
    queued = make_complaint(created_at=ago(0))
    near = make_complaint(status="verified", point=offset(BANDUNG, north_m=80), created_at=ago(2))
    nearer = make_complaint(point=offset(BANDUNG, east_m=30), created_at=ago(1), description="Ada di 081234567890.")
    make_complaint(status="verified", point=offset(BANDUNG, north_m=60), created_at=ago(2), category_id=SAMPAH)
    make_complaint(status="verified", point=offset(BANDUNG, north_m=400), created_at=ago(2))  # too far
    make_complaint(status="verified", point=offset(BANDUNG, north_m=50), created_at=ago(40))  # too old
    make_complaint(status="rejected", point=offset(BANDUNG, north_m=50), created_at=ago(2))  # not open
    items = {i["id"]: i for i in client.get(URL, headers=login(moderator)).get_json()["items"]}
    dups = items[queued.id]["likely_duplicates"]
    assert [d["id"] for d in dups] == [nearer.id, near.id]
    assert 25 < dups[0]["distance_m"] < 35 and 75 < dups[1]["distance_m"] < 85
    assert dups[1] == {
        "id": near.id,
        "tracking_number": near.tracking_number,
        "title": near.title,
        "status": "verified",
        "distance_m": dups[1]["distance_m"],
    }
    # the queued "nearer" one sees the older "near" one, not the newer "queued" one
    assert [d["id"] for d in items[nearer.id]["likely_duplicates"]] == [near.id]


def test_at_most_three_duplicates_nearest_first(client, moderator):
    others = [make_complaint(status="verified", point=offset(BANDUNG, north_m=20 * (i + 1)), created_at=ago(1))
              for i in range(5)]  # fmt: skip
    queued = make_complaint(created_at=ago(0))
    [item] = [i for i in client.get(URL, headers=login(moderator)).get_json()["items"] if i["id"] == queued.id]
    assert [d["id"] for d in item["likely_duplicates"]] == [o.id for o in others[:3]]


def test_duplicates_outside_the_scope_show_only_when_public(client):
    border = offset(BANDUNG, north_m=50)
    hidden = make_complaint(point=border, desa_code=KAB_BANDUNG_DESA, created_at=ago(1))  # submitted: not listed
    listed = make_complaint(status="verified", point=border, desa_code=KAB_BANDUNG_DESA, created_at=ago(1))
    queued = make_complaint(created_at=ago(0))
    [item] = client.get(URL, headers=login(staff("moderator", "32.73"))).get_json()["items"]
    assert item["id"] == queued.id
    assert [d["id"] for d in item["likely_duplicates"]] == [listed.id]
    assert hidden.id not in [d["id"] for d in item["likely_duplicates"]]


def test_query_count_does_not_grow_with_the_page(client, moderator, count_queries):
    for i in range(20):
        point = offset(BANDUNG, north_m=10 * i)
        make_complaint(point=point, created_at=ago(20 - i), category_id=SAMPAH if i % 3 == 0 else JALAN)
    headers = login(moderator)
    counts = {}
    for limit in (1, 20):
        with count_queries() as q:
            resp = client.get(URL + f"?limit={limit}&category={JALAN}", headers=headers)
        assert resp.status_code == 200
        assert len(resp.get_json()["items"]) == min(limit, 13)
        counts[limit] = q.count
    # token check, category tree, the page, its duplicates, and the access log's one INSERT for the reporters shown
    assert counts[1] == counts[20] == 5, counts
    assert any(i["likely_duplicates"] for i in resp.get_json()["items"])


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (lambda: None, 401),
        (lambda: resident(), 403),
        (lambda: staff("village_official", "32.73.01.1001"), 403),
        (lambda: staff("rw_official", "32.73.01.1001", rw=5), 403),
        (lambda: staff("office_handler", "32.73"), 403),
        (lambda: staff("editor", "32.73"), 403),
    ],
)
def test_queue_is_for_moderators_and_admins(client, who, expected):
    make_complaint()
    user = who()
    assert client.get(URL, headers=login(user) if user else {}).status_code == expected
