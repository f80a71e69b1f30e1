"""The inbox endpoints: personal rows plus area broadcasts, read/hidden markers, privacy, pagination, queries."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select

from app.core.db import utcnow
from app.extensions import db
from notifications.api import ANNOUNCEMENT, COMPLAINT_UPDATE, NEWS, SURVEY, broadcast_to_area, notify_users
from notifications.models import InboxState, Notification, NotificationReceipt
from tests.factories import count_statements, login, resident, staff
from tests.notifications.conftest import DESA, OTHER_DESA

INBOX = "/api/v1/me/notifications"


def _ids(client, headers, query="") -> list[int]:
    resp = client.get(f"{INBOX}?limit=100{query}", headers=headers)
    assert resp.status_code == 200, resp.get_json()
    return [item["id"] for item in resp.get_json()["items"]]


@pytest.fixture
def world():
    """A resident of RW 5 in Sukarasa, a neighbour in RW 6, and someone in another kecamatan."""
    me, rw6, far = (
        resident(home_area_code=DESA, home_rw=5),
        resident(home_area_code=DESA, home_rw=6),
        resident(home_area_code=OTHER_DESA, home_rw=5),
    )
    n = {
        "province": broadcast_to_area(area_code="32", kind=NEWS, title="Jabar", body="B"),
        "kota": broadcast_to_area(area_code="32.73", kind=ANNOUNCEMENT, title="Bandung", body="B"),
        "kecamatan": broadcast_to_area(area_code="32.73.01", kind=SURVEY, title="Sukasari", body="B"),
        "desa": broadcast_to_area(area_code=DESA, kind=ANNOUNCEMENT, title="Sukarasa", body="B"),
        "rw5": broadcast_to_area(area_code=DESA, rw=5, kind=ANNOUNCEMENT, title="RW 05", body="B"),
        "rw6": broadcast_to_area(area_code=DESA, rw=6, kind=ANNOUNCEMENT, title="RW 06", body="B"),
        "other_kec": broadcast_to_area(area_code="32.73.02", kind=NEWS, title="Sukajadi", body="B"),
        "other_prov": broadcast_to_area(area_code="31", kind=NEWS, title="DKI", body="B"),
    }
    notify_users(user_ids=[me.id], kind=COMPLAINT_UPDATE, title="Mine", body="B", link={"type": "complaint", "id": 9})
    notify_users(user_ids=[rw6.id], kind=COMPLAINT_UPDATE, title="Neighbour's", body="B")
    db.session.commit()
    mine = db.session.scalar(select(Notification.id).where(Notification.user_id == me.id))
    theirs = db.session.scalar(select(Notification.id).where(Notification.user_id == rw6.id))
    return {"me": me, "rw6": rw6, "far": far, "n": n, "mine": mine, "theirs": theirs}


def test_inbox_shows_every_level_of_my_home_and_my_personal_rows_newest_first(client, world):
    n = world["n"]
    ids = _ids(client, login(world["me"]))
    expected = [world["mine"], n["rw5"], n["desa"], n["kecamatan"], n["kota"], n["province"]]
    assert ids == sorted(expected, reverse=True)


def test_privacy_between_residents(client, world):
    n = world["n"]
    neighbour = _ids(client, login(world["rw6"]))
    assert world["mine"] not in neighbour and n["rw5"] not in neighbour and n["rw6"] in neighbour
    far = _ids(client, login(world["far"]))
    assert set(far) == {n["province"], n["kota"], n["other_kec"]}
    staff_ids = _ids(client, login(staff("moderator", "32.73")))  # no home: personal rows only
    assert staff_ids == []


def test_item_shape_and_deep_link(client, world):
    items = client.get(f"{INBOX}?limit=100", headers=login(world["me"])).get_json()["items"]
    mine = next(i for i in items if i["id"] == world["mine"])
    assert mine["link"] == {"type": "complaint", "id": 9} and mine["audience"] == "personal"
    assert mine["read"] is False and mine["area_key"] is None and mine["data"] == {}
    rw5 = next(i for i in items if i["id"] == world["n"]["rw5"])
    assert rw5["audience"] == "area" and rw5["area_key"] == "32.73.01.1001.005" and rw5["link"] is None


def test_read_one_unread_filter_and_count(client, world):
    me = login(world["me"])
    assert client.get(f"{INBOX}/unread-count", headers=me).get_json() == {"unread": 6, "capped": False}
    assert client.post(f"{INBOX}/{world['n']['kota']}/read", headers=me).status_code == 204
    assert client.post(f"{INBOX}/{world['n']['kota']}/read", headers=me).status_code == 204  # idempotent
    assert client.post(f"{INBOX}/{world['mine']}/read", headers=me).status_code == 204
    assert client.get(f"{INBOX}/unread-count", headers=me).get_json()["unread"] == 4
    unread = _ids(client, me, "&unread=true")
    assert world["n"]["kota"] not in unread and world["mine"] not in unread and len(unread) == 4
    # the neighbour still has the city broadcast unread: markers are per user
    assert world["n"]["kota"] in _ids(client, login(world["rw6"]), "&unread=true")


def test_mark_all_read_writes_one_row(client, world):
    me = login(world["me"])
    before = db.session.scalar(select(func.count()).select_from(NotificationReceipt))
    assert client.post(f"{INBOX}/read-all", headers=me).status_code == 204
    assert db.session.scalar(select(func.count()).select_from(NotificationReceipt)) == before
    assert db.session.get(InboxState, world["me"].id).read_upto_id >= world["n"]["other_prov"]
    assert client.get(f"{INBOX}/unread-count", headers=me).get_json() == {"unread": 0, "capped": False}
    later = broadcast_to_area(area_code=DESA, kind=NEWS, title="Baru", body="B")
    db.session.commit()
    assert _ids(client, me, "&unread=true") == [later]
    items = client.get(f"{INBOX}?limit=100", headers=me).get_json()["items"]
    assert {i["id"]: i["read"] for i in items}[world["n"]["rw5"]] is True


def test_hide_only_for_me(client, world):
    me = login(world["me"])
    assert client.delete(f"{INBOX}/{world['n']['desa']}", headers=me).status_code == 204
    assert world["n"]["desa"] not in _ids(client, me)
    assert world["n"]["desa"] in _ids(client, login(world["rw6"]))


def test_other_peoples_ids_are_404(client, world):
    me = login(world["me"])
    for nid in (world["theirs"], world["n"]["rw6"], world["n"]["other_kec"], world["n"]["other_prov"], 999_999_999):
        assert client.post(f"{INBOX}/{nid}/read", headers=me).status_code == 404
        assert client.delete(f"{INBOX}/{nid}", headers=me).status_code == 404
    assert client.post(f"{INBOX}/0/read", headers=me).status_code == 404


def test_anonymous_is_401(client):
    assert client.get(INBOX).status_code == 401
    assert client.get(f"{INBOX}/unread-count").status_code == 401
    assert client.post(f"{INBOX}/read-all").status_code == 401
    assert client.post(f"{INBOX}/1/read").status_code == 401
    assert client.delete(f"{INBOX}/1").status_code == 401


def test_bad_query_is_422(client):
    me = login(resident())
    assert client.get(f"{INBOX}?limit=0", headers=me).status_code == 422
    assert client.get(f"{INBOX}?unread=maybe", headers=me).status_code == 422
    assert client.get(f"{INBOX}?cursor=not-a-cursor", headers=me).status_code == 422


def _bulk_broadcasts(n: int, area_key: str) -> None:
    now = utcnow()
    row = {
        "kind": NEWS,
        "title": "T",
        "body": "B",
        "area_key": area_key,
        "created_at": now,
        "push_status": "sent",
        "push_attempts": 1,
        "sent_count": 1,
        "failed_count": 0,
        "pruned_count": 0,
    }
    db.session.execute(insert(Notification), [row] * n)


def test_cursor_pagination_is_stable_while_rows_arrive(client):
    user = resident()
    _bulk_broadcasts(25, DESA)
    db.session.commit()
    me = login(user)
    first = client.get(f"{INBOX}?limit=10", headers=me).get_json()
    broadcast_to_area(area_code=DESA, kind=NEWS, title="Baru", body="B")  # arrives between pages
    db.session.commit()
    seen = [i["id"] for i in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = client.get(f"{INBOX}?limit=10&cursor={cursor}", headers=me).get_json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
    assert len(seen) == 25 == len(set(seen)) and seen == sorted(seen, reverse=True)


def test_unread_count_is_capped(client):
    user = resident()
    _bulk_broadcasts(120, "32.73")
    db.session.commit()
    assert client.get(f"{INBOX}/unread-count", headers=login(user)).get_json() == {"unread": 99, "capped": True}


def test_query_count_does_not_grow_with_the_page(client):
    user = resident()
    _bulk_broadcasts(30, DESA)
    _bulk_broadcasts(30, "32")
    notify_users(user_ids=[user.id], kind=COMPLAINT_UPDATE, title="T", body="B")
    db.session.commit()
    me = login(user)
    client.get(f"{INBOX}?limit=1", headers=me)  # warm-up (first request of the session opens its savepoint)
    counts = []
    for limit in (2, 20, 80):
        with count_statements() as statements:
            resp = client.get(f"{INBOX}?limit={limit}&unread=true", headers=me)
        assert resp.status_code == 200 and len(resp.get_json()["items"]) == min(limit, 61)
        counts.append(len(statements))
    # the token check and the page, plus the savepoint and its release that a test request commits into
    assert counts[0] == counts[1] == counts[2] <= 4
