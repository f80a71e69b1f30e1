"""Delta sync of ``GET /me/complaints`` (``updated_since``): changes since a server time, tombstones, paging, 422s,
and ``updated_at`` moving on every kind of change a reporter's phone must hear of."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest

from app.core import sync
from app.core.db import utcnow
from app.extensions import db
from complaints.intake.models import Complaint
from tests.complaints.helpers import make_complaint
from tests.factories import login, resident

MINE = "/api/v1/me/complaints"
LONG_AGO = utcnow() - dt.timedelta(days=3)


def _aged(*complaints: Complaint, at: dt.datetime = LONG_AGO) -> None:
    """Pretend the complaints last changed at ``at`` (SQL, so that ``onupdate`` does not move it again)."""
    for c in complaints:
        db.session.execute(Complaint.__table__.update().where(Complaint.id == c.id).values(updated_at=at))


def _since(client, user, since: dt.datetime | str, **query):
    value = since if isinstance(since, str) else since.isoformat()
    extra = "".join(f"&{k}={v}" for k, v in query.items())
    resp = client.get(f"{MINE}?updated_since={quote(value)}{extra}", headers=login(user))
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_updated_since_returns_what_changed_and_nothing_older(client):
    user = resident()
    old, changed = make_complaint(user), make_complaint(user)
    _aged(old, changed)
    since = utcnow() - dt.timedelta(hours=1)
    changed.title = "Judul yang diperbarui"
    db.session.flush()
    body = _since(client, user, since)
    assert [i["id"] for i in body["items"]] == [changed.id]
    assert body["items"][0]["title"] == "Judul yang diperbarui"
    assert body["deleted"] == [] and body["next_cursor"] is None


def test_full_listing_is_unchanged_and_hands_back_a_server_time_from_before_the_query(client):
    user = resident()
    a, b = make_complaint(user), make_complaint(user)
    before = utcnow()
    body = client.get(MINE, headers=login(user)).get_json()
    assert [i["id"] for i in body["items"]] == [b.id, a.id]  # newest first, as before
    assert body["deleted"] == []
    server_time = dt.datetime.fromisoformat(body["server_time"])
    assert server_time.tzinfo is not None and server_time <= before - sync.OVERLAP + dt.timedelta(seconds=1)


def test_tombstones_come_back_as_deleted(client):
    user, other = resident(), resident()
    since = utcnow() - dt.timedelta(minutes=5)
    sync.record_deletion(db.session, kind="complaint", item_id=4242, owner_id=user.id)
    sync.record_deletion(db.session, kind="complaint", item_id=4343, owner_id=other.id)
    assert _since(client, user, since)["deleted"] == [4242]
    assert _since(client, user, utcnow() + dt.timedelta(minutes=1))["deleted"] == []


def test_pages_of_changes_in_change_order_with_a_cursor(client):
    user = resident()
    complaints = [make_complaint(user) for _ in range(5)]
    base = utcnow() - dt.timedelta(hours=1)
    for minutes, c in zip((5, 1, 4, 2, 3), complaints, strict=True):
        _aged(c, at=base + dt.timedelta(minutes=minutes))
    expected = [complaints[i].id for i in (1, 3, 4, 2, 0)]
    seen, cursor = [], None
    while True:
        query = {"limit": 2} if cursor is None else {"limit": 2, "cursor": cursor}
        body = _since(client, user, base, **query)
        seen += [i["id"] for i in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == expected
    # a change made while paging moves the item behind the cursor: it comes again later in the round
    first = _since(client, user, base, limit=2)
    complaints[1].title = "Berubah saat sinkron"
    db.session.flush()
    rest = _since(client, user, base, limit=10, cursor=first["next_cursor"])
    assert rest["items"][-1]["id"] == complaints[1].id


@pytest.mark.parametrize(
    "value",
    ["kemarin", "2026-11-30T08:00:00", "2026-13-01T00:00:00+00:00", "", "1", "0001-01-01T00:00:00+05:00"],
    ids=repr,
)
def test_bad_updated_since_is_422(client, value):
    resp = client.get(f"{MINE}?updated_since={quote(value)}", headers=login(resident()))
    assert resp.status_code == 422
    assert "updated_since" in resp.get_json()["errors"]


def test_a_listing_cursor_is_not_a_delta_cursor(client):
    user = resident()
    for _ in range(3):
        make_complaint(user)
    cursor = client.get(f"{MINE}?limit=1", headers=login(user)).get_json()["next_cursor"]
    since = quote(LONG_AGO.isoformat())
    resp = client.get(f"{MINE}?updated_since={since}&cursor={cursor}", headers=login(user))
    assert resp.status_code == 422 and "cursor" in resp.get_json()["errors"]


def test_an_unchanged_delta_answers_304_although_its_server_time_moves(client):
    user = resident()
    make_complaint(user)
    url = f"{MINE}?updated_since={quote(LONG_AGO.isoformat())}"
    first = client.get(url, headers=login(user))
    again = client.get(url, headers={**login(user), "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


# --- updated_at moves on every change the reporter's phone must hear of ---------------------------------------------


def _changed_after(client, user, c, action) -> bool:
    _aged(c)
    since = utcnow() - dt.timedelta(seconds=1)
    resp = action()
    assert resp.status_code in (200, 201), resp.get_json()
    return c.id in [i["id"] for i in _since(client, user, since)["items"]]


def test_updated_at_moves_on_status_changes_support_messages_and_ratings(client, moderator):
    user = resident()
    c = make_complaint(user)
    reject = {"reason": "spam", "note": "Iklan."}
    assert _changed_after(
        client, user, c, lambda: client.post(f"/api/v1/complaints/{c.id}/reject", json=reject, headers=login(moderator))
    )

    listed = make_complaint(user, status="verified")
    supporter = resident()
    assert _changed_after(
        client, user, listed, lambda: client.put(f"/api/v1/complaints/{listed.id}/support", headers=login(supporter))
    )
    message = {"body": "Kapan diperbaiki?", "visibility": "shared"}
    assert _changed_after(
        client,
        user,
        listed,
        lambda: client.post(f"/api/v1/complaints/{listed.id}/messages", json=message, headers=login(user)),
    )

    closed = make_complaint(user, status="closed")
    closed.closed_at = utcnow()
    db.session.flush()
    assert _changed_after(
        client,
        user,
        closed,
        lambda: client.post(f"/api/v1/complaints/{closed.id}/rating", json={"score": 5}, headers=login(user)),
    )
