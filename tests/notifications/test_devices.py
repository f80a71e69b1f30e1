"""Devices, area topics and preferences: registration, moving between accounts, log-out, topic calls."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from notifications.api import COMPLAINT_UPDATE, notify_users
from notifications.devices import MAX_DEVICES_PER_USER
from notifications.models import Device
from notifications.tasks import sync_topics
from notifications.topics import desired_topics
from tests import fake_fcm as fcm
from tests.factories import login, resident
from tests.notifications.conftest import DESA, OTHER_DESA, make_devices, make_due_now, make_residents

DEVICES = "/api/v1/devices"
TOKEN = "fGx1Yk3sQ0e7m2Pz9aQW1c:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx"
FID = "cAbCdEfGhIjKlMnOpQrStU"
LEVELS = ["32", "32.73", "32.73.01", DESA, DESA + ".005"]


def _register(client, headers, token=TOKEN, **extra):
    body = {"token": token, "platform": "android", "app_version": "1.4.0", "locale": "id-ID", **extra}
    return client.post(DEVICES, json=body, headers=headers)


def _device(token=TOKEN) -> Device | None:
    return db.session.scalars(select(Device).where(Device.token == token)).one_or_none()


def _topic_calls(fake, method):
    return sorted(topic for m, _token, topic in fake.topic_requests() if m == method)


def test_register_subscribes_to_every_level_of_home(client, fake_fcm):
    me = login(resident(home_area_code=DESA, home_rw=5))
    resp = _register(client, me)
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["token"] == TOKEN and body["token_kind"] == "registration_token" and body["platform"] == "android"
    expected = sorted(f"{kind}-{key}" for key in LEVELS for kind in ("announcement", "news", "survey"))
    assert _topic_calls(fake_fcm, "POST") == expected
    assert {token for _m, token, _t in fake_fcm.topic_requests()} == {TOKEN}
    device = _device()
    assert device.topics_due_at is None and sorted(device.topics.split()) == expected


def test_refresh_does_not_resubscribe(client, fake_fcm):
    me = login(resident())
    _register(client, me)
    fake_fcm.requests.clear()
    resp = _register(client, me, app_version="1.5.0", locale="en")
    assert resp.status_code == 200 and resp.get_json()["app_version"] == "1.5.0"
    assert fake_fcm.topic_requests() == []


def test_installation_id_is_sent_as_fid(client, fake_fcm):
    user = resident()
    assert _register(client, login(user), token=FID, token_kind="installation_id", platform="ios").status_code == 200
    notify_users(user_ids=[user.id], kind=COMPLAINT_UPDATE, title="T", body="B")
    db.session.commit()
    [m] = fake_fcm.messages()
    assert m["fid"] == FID and "token" not in m


def test_a_target_moves_with_the_account(client, fake_fcm):
    alice = resident(home_area_code=DESA, home_rw=5)
    bob = resident(home_area_code=OTHER_DESA, home_rw=2)
    _register(client, login(alice))
    fake_fcm.requests.clear()
    assert _register(client, login(bob)).status_code == 200  # Bob signs in on Alice's phone
    assert _device().user_id == bob.id
    # leaves Alice's kecamatan/desa/RW topics, joins Bob's; province and kota stay
    left = _topic_calls(fake_fcm, "DELETE")
    joined = _topic_calls(fake_fcm, "POST")
    assert "news-32.73.01.1001.005" in left and "news-32.73" not in left
    assert "news-32.73.02.1001.002" in joined and "news-32.73" not in joined
    fake_fcm.requests.clear()
    notify_users(user_ids=[alice.id], kind=COMPLAINT_UPDATE, title="For Alice", body="B")
    notify_users(user_ids=[bob.id], kind=COMPLAINT_UPDATE, title="For Bob", body="B")
    db.session.commit()
    assert [m["notification"]["title"] for m in fake_fcm.messages()] == ["For Bob"]
    # Alice can no longer unregister it; Bob can
    assert client.delete(f"{DEVICES}/{TOKEN}", headers=login(alice)).status_code == 404


def test_logout_unsubscribes_and_forgets(client, fake_fcm):
    user = resident()
    me = login(user)
    _register(client, me)
    fake_fcm.requests.clear()
    assert client.delete(f"{DEVICES}/{TOKEN}", headers=me).status_code == 204
    assert len(_topic_calls(fake_fcm, "DELETE")) == 15 and _device() is None
    notify_users(user_ids=[user.id], kind=COMPLAINT_UPDATE, title="T", body="B")
    db.session.commit()
    assert fake_fcm.messages() == []
    assert client.delete(f"{DEVICES}/{TOKEN}", headers=me).status_code == 404


def test_moving_home_resubscribes(client, fake_fcm):
    me = login(resident(home_area_code=DESA, home_rw=5))
    _register(client, me)
    fake_fcm.requests.clear()
    resp = client.patch("/api/v1/me", json={"home_area_code": DESA, "home_rw": 7}, headers=me)
    assert resp.status_code == 200
    assert _topic_calls(fake_fcm, "DELETE") == sorted(f"{k}-{DESA}.005" for k in ("announcement", "news", "survey"))
    assert _topic_calls(fake_fcm, "POST") == sorted(f"{k}-{DESA}.007" for k in ("announcement", "news", "survey"))


def test_preferences_mute_a_kind_and_its_topics(client, fake_fcm):
    me = login(resident())
    _register(client, me)
    fake_fcm.requests.clear()
    url = "/api/v1/me/notification-preferences"
    assert client.get(url, headers=me).get_json() == {
        "complaint_update": True,
        "announcement": True,
        "news": True,
        "survey": True,
    }
    resp = client.patch(url, json={"news": False}, headers=me)
    assert resp.status_code == 200 and resp.get_json()["news"] is False
    assert _topic_calls(fake_fcm, "DELETE") == sorted(f"news-{key}" for key in LEVELS)
    assert _topic_calls(fake_fcm, "POST") == []
    fake_fcm.requests.clear()
    assert client.patch(url, json={"complaint_update": False}, headers=me).status_code == 200
    assert fake_fcm.topic_requests() == []  # complaint updates are personal: no topic
    assert client.get(url, headers=me).get_json()["complaint_update"] is False
    assert client.patch(url, json={"news": "no"}, headers=me).status_code == 422
    assert client.patch(url, json={"sms": True}, headers=me).status_code == 422
    assert client.get(url).status_code == 401


def test_topic_errors_prune_or_retry(client, fake_fcm):
    me = login(resident())
    fake_fcm.script("dead", fcm.UNREGISTERED)
    fake_fcm.script("busy", fcm.UNAVAILABLE, times=15)
    _register(client, me, token="dead" + "x" * 20)
    assert _device("dead" + "x" * 20) is None  # FCM says it is gone: forgotten
    _register(client, me, token="busy" + "x" * 20)
    busy = _device("busy" + "x" * 20)
    assert busy.topics == "" and busy.topics_due_at is not None and busy.topics_attempts == 1
    make_due_now()
    sync_topics.call_local()
    db.session.refresh(busy)
    assert len(busy.topics.split()) == 15 and busy.topics_due_at is None


def test_topic_calls_are_batched_at_1000(spy):
    users = make_residents(1001)
    db.session.commit()
    make_devices(users)
    db.session.execute(Device.__table__.update().values(topics_due_at=db.session.scalar(select(Device.created_at))))
    db.session.commit()
    make_due_now()
    stats = sync_topics.call_local()
    assert stats["devices"] == 1001
    sizes = {}
    for call, size, topic in spy.calls:
        assert call == "subscribe"
        sizes.setdefault(topic, []).append(size)
    assert len(sizes) == 15 and all(batch == [1000, 1] for batch in sizes.values())


def test_device_limit_per_account(client, spy):
    me = login(resident())
    for i in range(MAX_DEVICES_PER_USER + 2):
        assert _register(client, me, token=f"device-{i:02d}-{'x' * 16}").status_code == 200
    owned = db.session.scalars(select(Device.token).where(Device.user_id.is_not(None))).all()
    assert len(owned) == MAX_DEVICES_PER_USER and f"device-00-{'x' * 16}" not in owned


@pytest.mark.parametrize(
    "body",
    [
        {"platform": "android"},
        {"token": "short", "platform": "android"},
        {"token": TOKEN, "platform": "symbian"},
        {"token": TOKEN, "platform": "android", "token_kind": "apns"},
        {"token": TOKEN + " ", "platform": "android"},
        {"token": TOKEN, "platform": "android", "locale": "x" * 40},
        {"token": TOKEN, "platform": "android", "user_id": 1},
    ],
)
def test_bad_registration_is_422(client, body):
    assert client.post(DEVICES, json=body, headers=login(resident())).status_code == 422


def test_devices_need_a_login(client):
    assert client.post(DEVICES, json={"token": TOKEN, "platform": "android"}).status_code == 401
    assert client.delete(f"{DEVICES}/{TOKEN}").status_code == 401


def test_desired_topics():
    assert desired_topics(None, ["news"]) == set()
    assert desired_topics("32.73", ["news", "complaint_update"]) == {"news-32", "news-32.73"}
    assert len(desired_topics(DESA + ".005", ["announcement", "news", "survey"])) == 15
