"""The JSON the notification presenters write is what the documented schemas describe (and, where a schema
dumped the answer before, what marshmallow wrote from the same objects): the inbox and its delta, the unread
badge, push preferences, a device, the admins' deliveries."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from app.core.db import utcnow
from app.core.pagination import page_of
from app.extensions import db
from notifications import admin, devices, inbox, presenters
from notifications.api import ANNOUNCEMENT, COMPLAINT_UPDATE, broadcast_to_area, notify_users
from notifications.models import Device, Notification
from notifications.routes import INBOX_PAGE
from notifications.schemas import DeliverySchema, DeviceSchema, PreferencesSchema, UnreadCountSchema
from tests.factories import login, resident, staff
from tests.notifications.conftest import DESA
from tests.presenter_checks import same_as_dump, same_as_schema, written

TOKEN = "fGx1Yk3sQ0e7m2Pz9aQW1c:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx"


def _world(queued) -> tuple:
    me = resident(home_area_code=DESA, home_rw=5)
    notify_users(
        user_ids=[me.id],
        kind=COMPLAINT_UPDATE,
        title="Aduan diverifikasi",
        body="Diteruskan.",
        link={"type": "complaint", "id": 7},
        data={"tracking_number": "ADU-2026-000007"},
    )
    broadcast_to_area(area_code=DESA, rw=5, kind=ANNOUNCEMENT, title="Kerja bakti", body="Minggu pagi.")
    db.session.commit()
    return me, db.session.scalars(select(Notification).order_by(Notification.id)).all()


def test_inbox_pages_match_their_schema(client, queued):
    me, (personal, broadcast) = _world(queued)
    headers = login(me)
    assert client.post(f"/api/v1/me/notifications/{personal.id}/read", headers=headers).status_code == 204
    page = client.get("/api/v1/me/notifications", headers=headers).get_json()
    assert [(i["id"], i["read"], i["audience"]) for i in page["items"]] == [
        (broadcast.id, False, "area"),
        (personal.id, True, "personal"),
    ]
    assert page["items"][0]["link"] is None and page["items"][1]["link"] == {"type": "complaint", "id": 7}
    same_as_schema(page, INBOX_PAGE())
    since = (utcnow() - dt.timedelta(hours=1)).isoformat()
    delta = client.get("/api/v1/me/notifications", query_string={"updated_since": since}, headers=headers).get_json()
    assert len(delta["items"]) == 2 and "read_upto_id" in delta
    same_as_schema(delta, INBOX_PAGE())
    direct = inbox.list_inbox(user=me, unread=False, cursor=None, limit=1)
    assert direct["next_cursor"] is not None
    same_as_schema(direct, INBOX_PAGE())


def test_unread_count_matches_its_schema(client, queued):
    me, _ = _world(queued)
    resp = client.get("/api/v1/me/notifications/unread-count", headers=login(me))
    assert resp.get_json() == {"unread": 2, "capped": False}
    same_as_schema(resp.get_json(), UnreadCountSchema())
    capped = presenters.unread_count(inbox.UNREAD_CAP + 1, cap=inbox.UNREAD_CAP)
    assert capped == {"unread": inbox.UNREAD_CAP, "capped": True}
    same_as_schema(capped, UnreadCountSchema())


def test_preferences_match_their_schema(client):
    me = resident()
    headers = login(me)
    got = client.get("/api/v1/me/notification-preferences", headers=headers).get_json()
    same_as_dump(got, PreferencesSchema(), devices.get_preferences(user_id=me.id))
    changed = client.patch("/api/v1/me/notification-preferences", json={"news": False}, headers=headers).get_json()
    assert changed == {"complaint_update": True, "announcement": True, "news": False, "survey": True}
    same_as_dump(changed, PreferencesSchema(), devices.get_preferences(user_id=me.id))


def test_device_matches_its_schema(client):
    me = resident()
    body = {"token": TOKEN, "platform": "android", "app_version": None, "locale": "id-ID"}
    resp = client.post("/api/v1/devices", json=body, headers=login(me))
    assert resp.status_code == 200 and resp.get_json()["app_version"] is None
    db.session.expire_all()
    same_as_dump(resp.get_json(), DeviceSchema(), db.session.scalars(select(Device).where(Device.token == TOKEN)).one())


def test_deliveries_match_their_schema(client, queued):
    me, (personal, broadcast) = _world(queued)
    pushed = utcnow()
    db.session.execute(
        update(Notification)
        .where(Notification.id == personal.id)
        .values(push_status="failed", push_attempts=8, push_error="UnavailableError", failed_count=1)
    )
    db.session.execute(
        update(Notification).where(Notification.id == broadcast.id).values(push_status="failed", pushed_at=pushed)
    )
    db.session.commit()
    boss = staff("admin", "32.73")
    body = client.get("/api/v1/admin/notifications", headers=login(boss)).get_json()
    assert [(i["id"], i["audience"], i["user_id"]) for i in body["items"]] == [
        (broadcast.id, "area", None),
        (personal.id, "personal", me.id),
    ]
    result = admin.list_deliveries(admin=boss, push_status="failed", cursor=None, limit=20)
    assert written(presenters.delivery_page(result)) == body
    # What the view handed to the schema before the presenter: the rows with their audience.
    before = [{**r._asdict(), "audience": "area" if r.area_key else "personal"} for r in result["items"]]
    same_as_dump(body, page_of(DeliverySchema)(), {"items": before, "next_cursor": None})
