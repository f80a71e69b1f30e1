"""Delta sync of the inbox (``GET /me/notifications?updated_since=``): new and newly read notifications, hidden
ones as tombstones, "mark all read" as a watermark, paging in change order, 422s."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from sqlalchemy import update

from app.core.db import utcnow
from app.extensions import db
from notifications.api import ANNOUNCEMENT, COMPLAINT_UPDATE, broadcast_to_area, notify_users
from notifications.models import Notification
from tests.factories import login, resident
from tests.notifications.conftest import DESA, OTHER_DESA

INBOX = "/api/v1/me/notifications"


def _aged(*ids: int, days: int = 3) -> None:
    db.session.execute(
        update(Notification).where(Notification.id.in_(ids)).values(created_at=utcnow() - dt.timedelta(days=days))
    )


def _changes(client, user, since: dt.datetime, query: str = ""):
    resp = client.get(f"{INBOX}?updated_since={quote(since.isoformat())}{query}", headers=login(user))
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def _personal(user, title: str) -> int:
    notify_users(user_ids=[user.id], kind=COMPLAINT_UPDATE, title=title, body="B")
    db.session.flush()
    return db.session.query(Notification.id).filter_by(user_id=user.id, title=title).scalar()


def test_changes_are_new_and_newly_read_notifications_and_hidden_ones_are_deleted(client):
    me = resident(home_area_code=DESA, home_rw=5)
    old_read, old_hidden, old_untouched = (_personal(me, t) for t in ("a", "b", "c"))
    far = broadcast_to_area(area_code=OTHER_DESA, kind=ANNOUNCEMENT, title="Elsewhere", body="B")
    _aged(old_read, old_hidden, old_untouched, far)
    since = utcnow() - dt.timedelta(minutes=1)
    new_desa = broadcast_to_area(area_code=DESA, kind=ANNOUNCEMENT, title="Kerja bakti", body="B")
    new_far = broadcast_to_area(area_code=OTHER_DESA, kind=ANNOUNCEMENT, title="Not mine", body="B")
    db.session.flush()
    auth = login(me)
    assert client.post(f"{INBOX}/{old_read}/read", headers=auth).status_code == 204
    assert client.delete(f"{INBOX}/{old_hidden}", headers=auth).status_code == 204

    body = _changes(client, me, since)
    by_id = {i["id"]: i for i in body["items"]}
    assert set(by_id) == {old_read, new_desa}  # nothing older, nothing of another area
    assert by_id[old_read]["read"] is True and by_id[new_desa]["read"] is False
    assert body["deleted"] == [old_hidden]
    assert new_far not in by_id and old_untouched not in by_id
    # the old-style listing still works and hands back a server time to start from
    listing = client.get(INBOX, headers=auth).get_json()
    assert (
        listing["deleted"] == [] and "server_time" in listing and old_hidden not in [i["id"] for i in listing["items"]]
    )


def test_mark_all_read_comes_as_a_watermark(client):
    me = resident(home_area_code=DESA, home_rw=5)
    first = _personal(me, "first")
    _aged(first)
    since = utcnow() - dt.timedelta(minutes=1)
    assert _changes(client, me, since)["read_upto_id"] == 0
    assert client.post(f"{INBOX}/read-all", headers=login(me)).status_code == 204
    assert _changes(client, me, since)["read_upto_id"] >= first


def test_changes_page_in_change_order(client):
    me = resident(home_area_code=DESA, home_rw=5)
    since = utcnow() - dt.timedelta(minutes=1)
    ids = [_personal(me, f"n{i}") for i in range(5)]
    seen, cursor = [], None
    while True:
        body = _changes(client, me, since, "&limit=2" + (f"&cursor={cursor}" if cursor else ""))
        seen += [i["id"] for i in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ids


def test_bad_updated_since_is_422(client):
    me = resident(home_area_code=DESA, home_rw=5)
    for value in ("yesterday", "2026-11-30T08:00:00", "2026-02-30T00:00:00Z"):
        resp = client.get(f"{INBOX}?updated_since={quote(value)}", headers=login(me))
        assert resp.status_code == 422 and "updated_since" in resp.get_json()["errors"], value
    resp = client.get(f"{INBOX}?unread=true&updated_since={quote(utcnow().isoformat())}", headers=login(me))
    assert resp.status_code == 422
