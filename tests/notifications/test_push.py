"""Sending through the real firebase-admin client to the fake FCM server: payloads, batches, error classes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.core.db import utcnow
from app.extensions import db
from notifications.api import ANNOUNCEMENT, COMPLAINT_UPDATE, NEWS, broadcast_to_area, notify_users
from notifications.delivery import deliver_due
from notifications.models import Device, Notification
from notifications.sender import set_sender
from notifications.tasks import sync_topics
from tests import fake_fcm as fcm
from tests.factories import login, staff
from tests.notifications.conftest import DESA, SpySender, make_devices, make_due_now, make_residents


def _notification(user_id: int) -> Notification:
    return db.session.scalars(select(Notification).where(Notification.user_id == user_id)).one()


def test_personal_payload(fake_fcm):
    [uid] = make_residents(1)
    [fid] = make_devices([uid], prefix="fid", kind="installation_id")
    [token] = make_devices([uid], prefix="reg", kind="registration_token")
    db.session.commit()
    notify_users(
        user_ids=[uid],
        kind=COMPLAINT_UPDATE,
        title="Aduan Anda diverifikasi",
        body="x" * 600,
        link={"type": "complaint", "id": 123},
        data={"tracking_number": "ADU-2026-000123"},
    )
    db.session.commit()
    messages = {m.get("fid") or m.get("token"): m for m in fake_fcm.messages()}
    assert set(messages) == {fid, token}
    assert "token" not in messages[fid] and messages[token]["token"] == token and "fid" not in messages[token]
    m = messages[fid]
    assert m["notification"]["title"] == "Aduan Anda diverifikasi"
    assert len(m["notification"]["body"]) == 240 and m["notification"]["body"].endswith("…")
    nid = _notification(uid).id
    assert m["data"] == {
        "notification_id": str(nid),
        "kind": "complaint_update",
        "link_type": "complaint",
        "link_id": "123",
        "tracking_number": "ADU-2026-000123",
    }
    assert m["android"]["priority"] == "high" and m["android"]["ttl"] == "259200s"
    assert m["android"]["notification"] == {"channel_id": "complaint_update", "tag": f"balai-{nid}"}
    assert m["apns"]["headers"]["apns-priority"] == "10"
    assert m["apns"]["headers"]["apns-push-type"] == "alert"
    assert m["apns"]["payload"]["aps"] == {"sound": "default", "thread-id": "complaint_update"}
    assert _notification(uid).sent_count == 2


def test_broadcast_goes_to_the_area_topic_in_one_request(fake_fcm):
    nid = broadcast_to_area(
        area_code=DESA,
        rw=5,
        kind=ANNOUNCEMENT,
        title="Kerja bakti",
        body="Minggu 07.00",
        link={"type": "news", "id": 7},
    )
    db.session.commit()
    [m] = fake_fcm.messages()
    assert m["topic"] == "announcement-32.73.01.1001.005"
    assert m["android"]["priority"] == "normal" and m["apns"]["headers"]["apns-priority"] == "5"
    assert m["data"]["link_type"] == "news" and m["data"]["notification_id"] == str(nid)
    n = db.session.get(Notification, nid)
    assert (n.push_status, n.sent_count, n.push_attempts) == ("sent", 1, 1)


def test_personal_pushes_are_batched_at_500(app, fake_fcm, _fcm_sender):
    users = make_residents(1100)
    make_devices(users)
    db.session.commit()
    spy = SpySender(_fcm_sender)
    set_sender(app, spy)
    notify_users(user_ids=users, kind=NEWS, title="T", body="B")
    db.session.commit()
    assert [c[1] for c in spy.calls] == [500, 500, 100]
    assert len(fake_fcm.messages()) == 1100


@pytest.mark.parametrize(
    ("outcome", "status", "counts", "device_kept"),
    [
        (fcm.UNREGISTERED, "sent", (1, 0, 1), False),
        (fcm.SENDER_ID_MISMATCH, "sent", (1, 0, 1), False),
        (fcm.INVALID_TOKEN, "sent", (1, 0, 1), False),
        (fcm.INVALID_PAYLOAD, "partial", (1, 1, 0), True),
        ((401, fcm.fcm_error(401, "THIRD_PARTY_AUTH_ERROR", "APNs auth")), "partial", (1, 1, 0), True),
        (fcm.QUOTA_EXCEEDED, "pending", (1, 0, 0), True),
        (fcm.UNAVAILABLE, "pending", (1, 0, 0), True),
        (fcm.INTERNAL, "pending", (1, 0, 0), True),
    ],
)
def test_each_error_class(fake_fcm, outcome, status, counts, device_kept):
    [uid] = make_residents(1)
    make_devices([uid], prefix="good")
    [bad] = make_devices([uid], prefix="bad")
    db.session.commit()
    fake_fcm.script("bad-", outcome)
    notify_users(user_ids=[uid], kind=COMPLAINT_UPDATE, title="T", body="B")
    db.session.commit()
    n = _notification(uid)
    assert (n.sent_count, n.failed_count, n.pruned_count) == counts
    assert n.push_status == status
    kept = db.session.scalar(select(Device.id).where(Device.token == bad))
    assert (kept is not None) == device_kept
    if status == "pending":  # retried later, only the failed device
        bad_id = kept
        assert n.push_retry_devices == [bad_id] and n.push_due_at > utcnow()
        # the notification is no longer marked failed-free for admins: its error is recorded
        assert n.push_error


def test_retry_with_backoff_honours_retry_after_then_succeeds(fake_fcm):
    [uid] = make_residents(1)
    make_devices([uid], prefix="ok")
    [flaky] = make_devices([uid], prefix="flaky")
    db.session.commit()
    fake_fcm.script("flaky-", fcm.UNAVAILABLE, headers={"Retry-After": "42"}, times=1)
    notify_users(user_ids=[uid], kind=COMPLAINT_UPDATE, title="T", body="B")
    db.session.commit()
    n = _notification(uid)
    wait = (n.push_due_at - utcnow()).total_seconds()
    assert 40 < wait <= 42 and n.push_status == "pending" and n.push_attempts == 1
    assert deliver_due() == {}  # not due yet: nothing is sent again
    make_due_now()
    deliver_due()
    db.session.refresh(n)
    assert (n.push_status, n.sent_count, n.failed_count, n.push_attempts) == ("sent", 2, 0, 2)
    targets = [m["fid"] for m in fake_fcm.messages()]
    assert targets.count(flaky) == 2 and len(targets) == 3  # the device that got it is not sent it twice


def test_backoff_grows_with_jitter_and_is_capped(app):
    from notifications.topics import backoff_seconds

    cfg = {"PUSH_RETRY_BASE_SECONDS": 30, "PUSH_RETRY_MAX_SECONDS": 3600}
    first = [backoff_seconds(1, None, cfg) for _ in range(50)]
    assert all(15 <= d <= 45 for d in first) and len(set(first)) > 1  # jitter
    assert all(120 <= backoff_seconds(4, None, cfg) <= 360 for _ in range(20))
    assert backoff_seconds(20, None, cfg) <= 3600
    assert backoff_seconds(2, 7200, cfg) == 3600  # Retry-After honoured up to the cap


def test_retries_give_up_and_admins_see_the_failure(app, client, fake_fcm):
    app.config["PUSH_MAX_ATTEMPTS"] = 3
    try:
        [uid] = make_residents(1)
        make_devices([uid], prefix="down")
        db.session.commit()
        fake_fcm.script("down-", fcm.UNAVAILABLE)
        notify_users(user_ids=[uid], kind=COMPLAINT_UPDATE, title="Aduan diproses", body="B")
        db.session.commit()
        for _ in range(2):
            make_due_now()
            deliver_due()
    finally:
        app.config["PUSH_MAX_ATTEMPTS"] = 8
    n = _notification(uid)
    assert (n.push_status, n.push_attempts, n.failed_count, n.push_due_at) == ("failed", 3, 1, None)
    assert n.push_error == "UnavailableError"
    admin = login(staff("admin", "32.73"))
    items = client.get("/api/v1/admin/notifications", headers=admin).get_json()["items"]
    mine = [i for i in items if i["id"] == n.id]
    assert mine and mine[0]["push_status"] == "failed" and mine[0]["failed_count"] == 1
    assert "body" not in mine[0]
    other = login(staff("admin", "31"))  # DKI Jakarta's admin does not see Bandung's residents
    assert n.id not in [i["id"] for i in client.get("/api/v1/admin/notifications", headers=other).get_json()["items"]]
    assert client.get("/api/v1/admin/notifications", headers=login(staff("moderator", "32.73"))).status_code == 403
    assert client.get("/api/v1/admin/notifications?push_status=bogus", headers=admin).status_code == 422


def test_outage_then_recovery_loses_nothing(fake_fcm):
    users = make_residents(30)
    tokens = make_devices(users)
    db.session.commit()
    fake_fcm.down = True
    notify_users(user_ids=users, kind=NEWS, title="T", body="B")
    nid = broadcast_to_area(area_code="32.73", kind=NEWS, title="T", body="B")
    db.session.commit()
    rows = db.session.scalars(select(Notification).where(Notification.push_status == "pending")).all()
    assert len(rows) == 31 and all(r.push_attempts == 1 for r in rows)
    fake_fcm.down = False
    fake_fcm.requests.clear()
    make_due_now()
    deliver_due()
    delivered = [m.get("fid") or m.get("topic") for m in fake_fcm.messages()]
    assert sorted(delivered) == sorted([*tokens, "news-32.73"])
    statuses = {
        r.push_status
        for r in db.session.scalars(select(Notification).where(Notification.id >= min(r.id for r in rows)))
    }
    assert statuses == {"sent"} and db.session.get(Notification, nid).sent_count == 1


class Killed(BaseException):
    """The worker process dies (not an Exception: nothing may catch it)."""


def test_worker_killed_mid_batch_resends_only_the_batch_in_flight(app, fake_fcm, _fcm_sender, queued):
    users = make_residents(700)
    tokens = make_devices(users)
    db.session.commit()
    notify_users(user_ids=users, kind=NEWS, title="T", body="B")
    db.session.commit()

    class DiesAfterSecondCall(SpySender):
        def send_each(self, messages):
            result = super().send_each(messages)
            if len(self.calls) == 2:
                raise Killed  # FCM accepted the second batch, the worker dies before recording it
            return result

    set_sender(app, DiesAfterSecondCall(_fcm_sender))
    with pytest.raises(Killed):
        deliver_due(limit=300)
    db.session.rollback()
    # Batch 1 (300) is recorded; batch 2 (300) was sent but not recorded; 100 were never sent.
    sent_once = [m["fid"] for m in fake_fcm.messages()]
    assert len(sent_once) == 600
    recorded = db.session.scalars(select(Notification).where(Notification.push_status == "sent")).all()
    assert len(recorded) == 300
    set_sender(app, _fcm_sender)
    assert deliver_due()["sent"] == 100  # the rows never sent are due at once
    # the lease of the batch in flight runs out; only that batch is sent again
    db.session.execute(
        Notification.__table__.update()
        .where(Notification.push_status == "pending")
        .values(push_due_at=utcnow() - dt.timedelta(seconds=1))
    )
    db.session.commit()
    assert deliver_due()["sent"] == 300
    counts: dict[str, int] = {}
    for m in fake_fcm.messages():
        counts[m["fid"]] = counts.get(m["fid"], 0) + 1
    assert sorted(counts) == sorted(tokens)
    assert sorted(counts.values()).count(2) == 300  # the in-flight batch, and nothing else, went twice


def test_muted_kind_is_not_pushed_but_kept_in_the_inbox(client, fake_fcm):
    [uid] = make_residents(1)
    make_devices([uid])
    db.session.commit()
    from notifications.devices import update_preferences

    update_preferences(user_id=uid, changes={"complaint_update": False})
    db.session.commit()
    notify_users(user_ids=[uid], kind=COMPLAINT_UPDATE, title="T", body="B")
    notify_users(user_ids=[uid], kind=NEWS, title="N", body="B")
    db.session.commit()
    kinds = [m["data"]["kind"] for m in fake_fcm.messages()]
    assert kinds == ["news"]
    statuses = dict(
        db.session.execute(select(Notification.kind, Notification.push_status).where(Notification.user_id == uid)).all()
    )
    assert statuses == {"complaint_update": "muted", "news": "sent"}


def test_resident_without_devices(fake_fcm):
    [uid] = make_residents(1)
    db.session.commit()
    notify_users(user_ids=[uid], kind=NEWS, title="T", body="B")
    db.session.commit()
    assert _notification(uid).push_status == "no_devices" and fake_fcm.messages() == []


def test_sender_comes_from_the_configuration(fake_server, tmp_path, monkeypatch):
    """No credentials: the log-only sender. GOOGLE_APPLICATION_CREDENTIALS: the real client (ADC), which sends."""
    import json

    from notifications.sender import FcmSender, LogSender, sender_from_config
    from tests.fake_fcm import service_account

    assert isinstance(sender_from_config({}), LogSender)
    path = tmp_path / "adc.json"
    path.write_text(json.dumps(service_account(fake_server.base_url, project_id="balai-adc")))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(path))
    fake_server.reset()
    sender = sender_from_config({"GOOGLE_APPLICATION_CREDENTIALS": str(path), "FCM_ENDPOINT": fake_server.base_url})
    try:
        assert isinstance(sender, FcmSender)
        from firebase_admin import messaging

        outcome = sender.send(messaging.Message(topic="news-32", notification=messaging.Notification(title="t")))
        assert outcome.ok
        [request] = [r for r in fake_server.requests if r["path"].endswith("messages:send")]
        assert request["path"] == "/v1/projects/balai-adc/messages:send"
    finally:
        sender.close()
        fake_server.reset()


def test_retry_of_a_device_that_is_gone_finishes(fake_fcm):
    [uid] = make_residents(1)
    make_devices([uid], prefix="ok")
    [flaky] = make_devices([uid], prefix="flaky")
    db.session.commit()
    fake_fcm.script("flaky-", fcm.INTERNAL)
    notify_users(user_ids=[uid], kind=COMPLAINT_UPDATE, title="T", body="B")
    db.session.commit()
    db.session.execute(Device.__table__.delete().where(Device.token == flaky))  # logged out meanwhile
    make_due_now()
    deliver_due()
    n = _notification(uid)
    assert (n.push_status, n.sent_count, n.push_due_at) == ("sent", 1, None)


def test_periodic_sweep_catches_up_on_pushes_and_topics(fake_fcm, queued):
    from notifications.tasks import sweep

    [uid] = make_residents(1)
    make_devices([uid])
    db.session.execute(Device.__table__.update().values(topics_due_at=utcnow()))
    db.session.commit()
    notify_users(user_ids=[uid], kind=NEWS, title="T", body="B")
    db.session.commit()
    assert fake_fcm.requests == []  # no worker ran the jobs
    sweep.call_local()
    assert len(fake_fcm.messages()) == 1 and len(fake_fcm.topic_requests()) == 15


def test_broadcasts_jump_the_personal_backlog(app, queued, spy):
    users = make_residents(6)
    make_devices(users)
    db.session.commit()
    notify_users(user_ids=users, kind=NEWS, title="Backlog", body="B")
    db.session.commit()
    broadcast_to_area(area_code="32.73", kind=ANNOUNCEMENT, title="Siaga", body="B")
    db.session.commit()
    deliver_due(limit=2)
    assert spy.calls[0] == ("send", 1, "announcement-32.73")
    assert [c[1] for c in spy.calls[1:]] == [2, 2, 2]


def test_no_transaction_is_open_while_fcm_is_called(app, queued, spy):
    """A worker waiting on FCM holds no transaction: on SQLite that would be the one write lock, keeping every
    request that writes waiting; on PostgreSQL an idle-in-transaction connection."""
    users = make_residents(5)
    make_devices(users)
    db.session.commit()
    notify_users(user_ids=users, kind=NEWS, title="T", body="B")
    broadcast_to_area(area_code="32.73", kind=ANNOUNCEMENT, title="Siaga", body="B")
    db.session.commit()
    deliver_due(limit=2)
    db.session.execute(
        Device.__table__.update().values(topics="", topics_due_at=db.session.scalar(select(Device.created_at)))
    )
    db.session.commit()
    make_due_now()
    sync_topics.call_local()
    kinds = {call for call, _, _ in spy.calls}
    assert kinds == {"send", "send_each", "subscribe"}
    assert spy.in_transaction == [False] * len(spy.calls)
