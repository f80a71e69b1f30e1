"""Who sees which announcement: residents of the desa and of their own RW only, staff in and above their scope;
pinned first, keyset pages, expired and deleted ones gone, ETag 304 and ``updated_since``."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from app.accounts.roles import Role
from app.core.db import utcnow
from app.extensions import db
from news.announcements.models import Announcement
from tests.factories import login, resident, staff
from tests.news.test_announcements_helpers import (
    DESA,
    KOTA,
    OTHER_DESA,
    OTHER_KAB,
    URL,
    editor,
    feed_ids,
    iso,
    lurah,
    posted,
    rw_head,
)


def _world(client):
    official, city = lurah(), editor()
    ids = {
        "desa": posted(client, official, rw=None)["id"],
        "rw1": posted(client, official, rw=1)["id"],
        "rw2": posted(client, rw_head(2), rw=2)["id"],
        "kota": posted(client, city, area_code=KOTA, rw=None)["id"],
        "kecamatan": posted(client, city, area_code="32.73.01", rw=None)["id"],
        "other_desa": posted(client, lurah(OTHER_DESA), area_code=OTHER_DESA, rw=None)["id"],
        "other_kab": posted(client, editor(OTHER_KAB), area_code=OTHER_KAB, rw=None)["id"],
    }
    return ids


def test_a_resident_sees_their_desa_and_own_rw_never_another_rw(client):
    ids = _world(client)
    rw1 = resident(home_area_code=DESA, home_rw=1)
    rw2 = resident(home_area_code=DESA, home_rw=2)
    elsewhere = resident(home_area_code=OTHER_DESA, home_rw=1)
    homeless = resident(home_area_code=None, home_rw=None)
    above = {ids["desa"], ids["kota"], ids["kecamatan"]}
    assert set(feed_ids(client, rw1)) == above | {ids["rw1"]}
    assert set(feed_ids(client, rw2)) == above | {ids["rw2"]}
    assert set(feed_ids(client, elsewhere)) == {ids["other_desa"], ids["kota"], ids["kecamatan"]}
    assert feed_ids(client, homeless) == []
    for other in ("rw2", "other_desa", "other_kab"):
        assert client.get(f"{URL}/{ids[other]}", headers=login(rw1)).status_code == 404
    assert client.get(URL).status_code == 401


def test_staff_read_inside_and_above_their_scope(client):
    ids = _world(client)
    assert set(feed_ids(client, editor(KOTA))) == set(ids.values()) - {ids["other_kab"]}
    assert set(feed_ids(client, editor("32"))) == set(ids.values())
    assert set(feed_ids(client, lurah())) == {ids[k] for k in ("desa", "rw1", "rw2", "kota", "kecamatan")}
    # an RW head reads their RW and what is above it, not the neighbouring RW
    assert set(feed_ids(client, rw_head(1))) == {ids[k] for k in ("desa", "rw1", "kota", "kecamatan")}
    moderator = staff(Role.MODERATOR.value, "32.73.01")
    assert set(feed_ids(client, moderator)) == set(ids.values()) - {ids["other_kab"]}


def test_pinned_first_then_newest_in_keyset_pages(client):
    official = lurah()
    plain = [posted(client, official, rw=None, title=f"Biasa {i}")["id"] for i in range(5)]
    pinned = posted(client, official, rw=None, pinned=True)["id"]
    who = resident(home_area_code=DESA, home_rw=5)
    h = login(who)
    first = client.get(URL, query_string={"limit": 4}, headers=h).get_json()
    assert [i["id"] for i in first["items"]] == [pinned, *plain[::-1][:3]]
    second = client.get(URL, query_string={"limit": 4, "cursor": first["next_cursor"]}, headers=h).get_json()
    assert [i["id"] for i in second["items"]] == plain[::-1][3:]
    assert second["next_cursor"] is None
    assert client.get(URL, query_string={"cursor": "bm9wZQ"}, headers=h).status_code == 422


def test_expired_scheduled_and_deleted_ones_leave_the_resident_feed(client):
    official = lurah()
    expiring = posted(client, official, rw=None, valid_until=iso(dt.timedelta(hours=1)))["id"]
    later = posted(client, official, rw=None, publish_at=iso(dt.timedelta(hours=2)))
    gone = posted(client, official, rw=None)["id"]
    kept = posted(client, official, rw=None)["id"]
    assert later["status"] == "scheduled" and later["published_at"] is None
    client.delete(f"{URL}/{gone}", headers=login(official))
    who = resident(home_area_code=DESA, home_rw=5)
    assert feed_ids(client, who) == [kept, expiring]
    assert client.get(f"{URL}/{later['id']}", headers=login(who)).status_code == 404
    assert later["id"] in feed_ids(client, official)  # staff see what is scheduled in their scope
    db.session.execute(
        update(Announcement).where(Announcement.id == expiring).values(valid_until=utcnow() - dt.timedelta(seconds=1))
    )
    assert feed_ids(client, who) == [kept]


def test_etag_304_and_updated_since(client):
    official = lurah()
    old = posted(client, official, rw=None)["id"]
    who = resident(home_area_code=DESA, home_rw=5)
    h = login(who)
    first = client.get(URL, headers=h)
    tag = first.headers["ETag"]
    assert client.get(URL, headers={**h, "If-None-Match": tag}).status_code == 304
    since = first.get_json()["server_time"]
    # nothing older than the overlap changes; a new one, an edit and a deletion do
    db.session.execute(
        update(Announcement).where(Announcement.id == old).values(updated_at=utcnow() - dt.timedelta(hours=1))
    )
    since = (utcnow() - dt.timedelta(minutes=5)).isoformat()
    new = posted(client, official, rw=None)["id"]
    edited = posted(client, official, rw=5)["id"]
    removed = posted(client, official, rw=5)["id"]
    client.patch(f"{URL}/{edited}", json={"title": "Diubah"}, headers=login(official))
    client.delete(f"{URL}/{removed}", headers=login(official))
    assert client.get(URL, headers={**h, "If-None-Match": tag}).status_code == 200
    delta = client.get(URL, query_string={"updated_since": since}, headers=h).get_json()
    assert [i["id"] for i in delta["items"]] == [new, edited]
    assert delta["deleted"] == [removed]
    other_rw = resident(home_area_code=DESA, home_rw=6)
    assert client.get(URL, query_string={"updated_since": since}, headers=login(other_rw)).get_json()["deleted"] == []
    assert client.get(URL, query_string={"updated_since": "yesterday"}, headers=h).status_code == 422
    paged = client.get(URL, query_string={"updated_since": since, "limit": 1}, headers=h).get_json()
    rest = client.get(
        URL, query_string={"updated_since": since, "limit": 1, "cursor": paged["next_cursor"]}, headers=h
    ).get_json()
    assert [i["id"] for i in paged["items"] + rest["items"]] == [new, edited] and rest["deleted"] == []


def test_expired_ones_come_as_deleted_in_a_delta(client):
    official = lurah()
    a = posted(client, official, rw=None, valid_until=iso(dt.timedelta(hours=1)))["id"]
    since = (utcnow() - dt.timedelta(minutes=1)).isoformat()
    db.session.execute(
        update(Announcement).where(Announcement.id == a).values(valid_until=utcnow() - dt.timedelta(seconds=1))
    )
    who = resident(home_area_code=DESA, home_rw=5)
    delta = client.get(URL, query_string={"updated_since": since}, headers=login(who)).get_json()
    assert delta["items"] == [] and delta["deleted"] == [a]


def test_categories_have_translated_labels(client):
    h = login(resident())
    en = {c["slug"]: c for c in client.get(f"{URL}/categories", headers=h).get_json()}
    idn = {c["slug"]: c for c in client.get(f"{URL}/categories", headers={**h, "Accept-Language": "id"}).get_json()}
    assert en["bencana"] == {"slug": "bencana", "label": "Disaster", "urgent": True}
    assert idn["bencana"]["label"] == "Bencana" and idn["kerja_bakti"]["label"] == "Kerja bakti"
    assert en["kegiatan"]["urgent"] is False


def test_a_forged_cursor_is_a_422(client):
    from app.core.pagination import encode_cursor

    h = login(resident())
    for values in ([True, "9999-12-31T23:59:59-23:59", 1], [True, "2026-01-01T00:00:00", 1], [1, "x", 1], ["a"]):
        resp = client.get(URL, query_string={"cursor": encode_cursor(values)}, headers=h)
        assert resp.status_code == 422, values


@pytest.fixture
def shared_pages(app):
    """Feed pages shared for 5 s, as in production (``NEWS_FEED_CACHE_SECONDS``)."""
    from news.announcements import queries

    queries.forget_pages()
    app.config["NEWS_FEED_CACHE_SECONDS"] = 5
    yield
    app.config["NEWS_FEED_CACHE_SECONDS"] = 0
    queries.forget_pages()


def test_readers_of_the_same_keys_share_a_page_and_this_process_s_writes_show_at_once(client, shared_pages):
    official = lurah()
    desa_wide = posted(client, official, rw=None)["id"]
    own_rw = posted(client, official, rw=5)["id"]
    posted(client, rw_head(6), rw=6)
    neighbour, me, other_rw = (resident(home_area_code=DESA, home_rw=rw) for rw in (5, 5, 6))
    first = client.get(URL, headers=login(neighbour))
    assert [i["id"] for i in first.get_json()["items"]] == [own_rw, desa_wide]
    # the same page for a reader of the same RW: same body, same ETag, 304 with it, never another RW's page
    mine = client.get(URL, headers=login(me))
    assert mine.get_data() == first.get_data() and mine.headers["ETag"] == first.headers["ETag"]
    assert client.get(URL, headers={**login(me), "If-None-Match": mine.headers["ETag"]}).status_code == 304
    assert own_rw not in feed_ids(client, other_rw)
    # a post, an edit and a deletion by this process show in the next page at once
    new = posted(client, official, rw=None)["id"]
    assert feed_ids(client, me) == [new, own_rw, desa_wide]
    assert client.patch(f"{URL}/{new}", json={"title": "Diubah"}, headers=login(official)).status_code == 200
    assert client.get(URL, headers=login(me)).get_json()["items"][0]["title"] == "Diubah"
    assert client.delete(f"{URL}/{own_rw}", headers=login(official)).status_code == 204
    assert feed_ids(client, me) == [new, desa_wide]


def test_a_shared_page_is_the_page_an_unshared_one_would_be(client, app):
    from news.announcements import queries

    official = lurah()
    for rw in (None, 5, None):
        posted(client, official, rw=rw)
    h = login(resident(home_area_code=DESA, home_rw=5))
    unshared = client.get(URL, headers=h)
    app.config["NEWS_FEED_CACHE_SECONDS"] = 5
    try:
        shared = [client.get(URL, headers=h) for _ in range(2)]
    finally:
        app.config["NEWS_FEED_CACHE_SECONDS"] = 0
        queries.forget_pages()
    for one in shared:
        assert one.headers["ETag"] == unshared.headers["ETag"]
        assert {**one.get_json(), "server_time": None} == {**unshared.get_json(), "server_time": None}
    staff_page = client.get(URL, headers=login(official)).get_json()["items"]
    assert len(staff_page) == 3
