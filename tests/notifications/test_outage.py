"""Push through an outage, with the real firebase-admin client: OAuth token endpoint failing or unreachable, FCM
unreachable or answering 503, malformed rows. Every exception is an outcome for the rows it concerns (counted
attempt, backoff, ``failed`` after ``PUSH_MAX_ATTEMPTS``) and never stops the rest of the round."""

from __future__ import annotations

import datetime as dt
import json
import socket
from collections.abc import Iterator

import pytest
from sqlalchemy import insert, select, update

from app.core.db import utcnow
from app.extensions import db
from notifications.api import COMPLAINT_UPDATE, NEWS, broadcast_to_area, notify_users
from notifications.models import Device, Notification
from notifications.sender import FcmSender, set_sender
from notifications.tasks import send_due
from tests import fake_fcm as fcm
from tests.fake_fcm import FakeFCM, service_account
from tests.notifications.conftest import DESA, make_devices, make_due_now, make_residents

BASE, CAP = 30, 3600  # PUSH_RETRY_BASE_SECONDS, PUSH_RETRY_MAX_SECONDS of the test configuration


def _closed_port() -> int:
    """A local port nobody listens on (connections are refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cold_sender(app, fake_server: FakeFCM, tmp_path) -> Iterator[callable]:
    """A real firebase-admin client that has no access token yet, so its first send asks the token endpoint.

    ``cold_sender(token_uri=..., endpoint=...)`` installs one (default: both at the shared fake)."""
    made: list[FcmSender] = []
    fake_server.reset()
    previous = set_sender(app, None)

    def make(*, token_uri: str | None = None, endpoint: str | None = None) -> FcmSender:
        account = service_account(fake_server.base_url)
        if token_uri:
            account["token_uri"] = token_uri
        path = tmp_path / f"sa-{len(made)}.json"
        path.write_text(json.dumps(account))
        sender = FcmSender(credentials_path=str(path), endpoint=endpoint or fake_server.base_url)
        made.append(sender)
        set_sender(app, sender)
        return sender

    yield make
    set_sender(app, previous)
    for sender in made:
        sender.close()
    fake_server.reset()


def _round(queued) -> dict[str, int]:
    """What the worker does: the ``send_due`` job, queued after the commit, run once."""
    return send_due.call_local()


def _audience(n_users: int = 2) -> tuple[list[int], list[str]]:
    users = make_residents(n_users)
    tokens = make_devices(users, prefix="ok")
    db.session.commit()
    return users, tokens


def _rows(ids: list[int]) -> list[Notification]:
    db.session.expire_all()
    return db.session.scalars(select(Notification).where(Notification.id.in_(ids)).order_by(Notification.id)).all()


def _create_round(users: list[int]) -> list[int]:
    """One broadcast and one personal notification per user, all due in the same round (no worker ran yet)."""
    bid = broadcast_to_area(area_code=DESA, kind=NEWS, title="Pemadaman listrik", body="Besok 08.00-12.00")
    notify_users(user_ids=users, kind=COMPLAINT_UPDATE, title="Aduan diproses", body="B")
    db.session.commit()
    personal = db.session.scalars(select(Notification.id).where(Notification.user_id.in_(users))).all()
    return [bid, *personal]


def _assert_retry(rows: list[Notification], attempt: int, error: str, before: dt.datetime) -> None:
    """Pending, the attempt counted, due again after the backoff of that attempt (with jitter)."""
    low = min(CAP, BASE * 2 ** (attempt - 1) * 0.5)
    high = min(CAP, BASE * 2 ** (attempt - 1) * 1.5)
    for n in rows:
        assert (n.push_status, n.push_attempts, n.sent_count) == ("pending", attempt, 0), n.id
        assert error in (n.push_error or ""), (n.id, n.push_error)
        wait = (n.push_due_at - before).total_seconds()
        assert low - 1 <= wait <= high + 5, (n.id, wait)


@pytest.mark.parametrize(
    ("outage", "error"),
    [
        ("token_refused", "TransportError"),  # the OAuth token endpoint is unreachable, FCM is fine
        ("token_rejects", "RefreshError"),  # the token endpoint answers an error
        ("everything_refused", "TransportError"),  # the port is closed: neither OAuth nor FCM answers
    ],
)
def test_oauth_outage_is_retried_with_backoff_then_delivered(fake_fcm, cold_sender, queued, outage, error):
    users, tokens = _audience()
    ids = _create_round(users)
    if outage == "token_refused":
        cold_sender(token_uri=f"http://127.0.0.1:{_closed_port()}/token")
    elif outage == "token_rejects":
        cold_sender()
        fake_fcm.token_outcome = fcm.TOKEN_INVALID_GRANT
    else:
        cold_sender(endpoint=f"http://127.0.0.1:{_closed_port()}", token_uri=f"http://127.0.0.1:{_closed_port()}/t")
    before = utcnow()
    stats = _round(queued)  # today: the broadcast's send() raises out of the job
    assert stats["claimed"] == 3 and stats["retry"] == 3
    _assert_retry(_rows(ids), 1, error, before)
    assert fake_fcm.messages() == []
    if outage == "token_rejects":
        # One token request for the round (not one per call, nor one per message thread of the batch).
        assert fake_fcm.token_requests == 1
    # The outage ends: the next round delivers everything, once.
    fake_fcm.token_outcome = None
    cold_sender()
    make_due_now()
    _round(queued)
    rows = _rows(ids)
    assert [(n.push_status, n.push_attempts, n.sent_count) for n in rows] == [("sent", 2, 1)] * 3
    assert sorted(m.get("fid") or m.get("topic") for m in fake_fcm.messages()) == sorted([*tokens, f"news-{DESA}"])


def test_token_endpoint_503_is_an_outcome_too(fake_fcm, cold_sender, queued):
    """The deliberate slow one: google-auth retries a 503 from the token endpoint itself (~3 s) before it raises."""
    users, _ = _audience(1)
    ids = _create_round(users)
    cold_sender()
    fake_fcm.token_outcome = fcm.TOKEN_UNAVAILABLE
    before = utcnow()
    _round(queued)
    _assert_retry(_rows(ids), 1, "RefreshError", before)
    # google-auth's three tries for the broadcast; the batch after it fails at once on the remembered error.
    assert fake_fcm.token_requests == 3


def test_outage_counts_attempts_and_ends_failed(app, fake_fcm, cold_sender, queued):
    app.config["PUSH_MAX_ATTEMPTS"] = 3
    try:
        users, _ = _audience()
        ids = _create_round(users)
        cold_sender(token_uri=f"http://127.0.0.1:{_closed_port()}/token")
        for attempt in (1, 2):
            before = utcnow()
            _round(queued)
            _assert_retry(_rows(ids), attempt, "TransportError", before)
            make_due_now()
        _round(queued)
    finally:
        app.config["PUSH_MAX_ATTEMPTS"] = 8
    rows = _rows(ids)
    assert [(n.push_status, n.push_attempts, n.failed_count, n.push_due_at) for n in rows] == [
        ("failed", 3, 1, None)
    ] * 3
    assert all("TransportError" in n.push_error for n in rows)
    assert _round(queued) == {}  # nothing left due


def test_fcm_503_for_a_broadcast_and_a_batch(fake_fcm, queued):
    """FCM itself down (warm token): every row retried with backoff, then delivered."""
    users, _ = _audience(3)
    ids = _create_round(users)
    fake_fcm.down = True
    before = utcnow()
    _round(queued)
    _assert_retry(_rows(ids), 1, "UnavailableError", before)
    fake_fcm.down = False
    fake_fcm.requests.clear()
    make_due_now()
    _round(queued)
    assert {n.push_status for n in _rows(ids)} == {"sent"}
    assert len(fake_fcm.messages()) == 4


def test_one_bad_row_does_not_stall_the_others(fake_fcm, queued):
    """Rows the client refuses before sending (a malformed topic, an empty token, unusable data) fail on their
    own; a device FCM answers 503 is retried; everything else in the same round is delivered."""
    users, tokens = _audience(4)
    ok_user, empty_token_user, flaky_user, bad_data_user = users
    db.session.execute(update(Device).where(Device.user_id == empty_token_user).values(token=""))
    [flaky] = make_devices([flaky_user], prefix="flaky")
    db.session.commit()
    fake_fcm.script("flaky-", fcm.UNAVAILABLE)
    good_b = broadcast_to_area(area_code=DESA, kind=NEWS, title="T", body="B")
    now = utcnow()
    [bad_b] = db.session.execute(
        insert(Notification).returning(Notification.id),
        [{"kind": NEWS, "title": "T", "body": "B", "area_key": "32.73 01", "push_due_at": now, "created_at": now}],
    ).scalars()
    notify_users(user_ids=users, kind=COMPLAINT_UPDATE, title="Aduan diproses", body="B")
    db.session.execute(
        update(Notification).where(Notification.user_id == bad_data_user).values(data=["not", "a", "map"])
    )
    db.session.commit()
    personal = dict(
        db.session.execute(select(Notification.user_id, Notification.id).where(Notification.user_id.in_(users))).all()
    )
    _round(queued)
    got = {n.id: n for n in _rows([good_b, bad_b, *personal.values()])}
    assert got[good_b].push_status == "sent"
    assert (got[bad_b].push_status, got[bad_b].push_due_at) == ("failed", None) and "ValueError" in got[
        bad_b
    ].push_error
    assert (got[personal[ok_user]].push_status, got[personal[ok_user]].sent_count) == ("sent", 1)
    assert got[personal[empty_token_user]].push_status == "failed"
    assert "ValueError" in got[personal[empty_token_user]].push_error
    assert got[personal[bad_data_user]].push_status == "failed"
    flaky_row = got[personal[flaky_user]]  # one device got it, the other is retried
    assert (flaky_row.push_status, flaky_row.sent_count, flaky_row.push_attempts) == ("pending", 1, 1)
    assert flaky_row.push_due_at > utcnow()
    delivered = sorted(m.get("fid") or m.get("topic") for m in fake_fcm.messages())
    assert delivered == sorted(
        [f"news-{DESA}", tokens[0], tokens[2], flaky]
    )  # the ok user's, the flaky user's good device and the flaky attempt


class Boom(Exception):
    pass


def test_a_sender_that_raises_anything_is_an_outcome(app, fake_fcm, queued):
    """Whatever the client raises (a bug, a library change) is counted and retried, not a crashed job."""

    class Raising:
        def send_each(self, messages):
            raise Boom("send_each")

        def send(self, message):
            raise Boom("send")

    users, _ = _audience()
    ids = _create_round(users)
    set_sender(app, Raising())
    before = utcnow()
    _round(queued)
    _assert_retry(_rows(ids), 1, "Boom", before)


@pytest.mark.parametrize("how", ["logged_out", "unregistered_on_retry"])
def test_devices_gone_before_the_retry_is_no_devices(fake_fcm, queued, how):
    [uid] = make_residents(1)
    [token] = make_devices([uid], prefix="gone")
    db.session.commit()
    fake_fcm.script("gone-", fcm.UNAVAILABLE, times=1)
    notify_users(user_ids=[uid], kind=COMPLAINT_UPDATE, title="T", body="B")
    db.session.commit()
    _round(queued)
    [n] = db.session.scalars(select(Notification).where(Notification.user_id == uid)).all()
    assert (n.push_status, n.push_attempts) == ("pending", 1)
    if how == "logged_out":
        db.session.execute(Device.__table__.delete().where(Device.token == token))
        db.session.commit()
    else:
        fake_fcm.script("gone-", fcm.UNREGISTERED)
    make_due_now()
    _round(queued)
    db.session.refresh(n)
    assert (n.push_status, n.sent_count, n.failed_count, n.push_due_at) == ("no_devices", 0, 0, None)


def test_every_device_unregistered_on_the_first_try_is_no_devices(fake_fcm, queued):
    [uid] = make_residents(1)
    make_devices([uid], prefix="dead", per_user=2)
    db.session.commit()
    fake_fcm.script("dead-", fcm.UNREGISTERED)
    notify_users(user_ids=[uid], kind=NEWS, title="T", body="B")
    db.session.commit()
    _round(queued)
    [n] = db.session.scalars(select(Notification).where(Notification.user_id == uid)).all()
    assert (n.push_status, n.sent_count, n.pruned_count) == ("no_devices", 0, 2)
    assert db.session.scalars(select(Device).where(Device.user_id == uid)).all() == []


def test_topic_sync_during_an_oauth_outage_is_retried(fake_fcm, cold_sender, queued):
    from notifications.topics import sync_due_topics

    [uid] = make_residents(1)
    make_devices([uid])
    db.session.execute(update(Device).where(Device.user_id == uid).values(topics_due_at=utcnow()))
    db.session.commit()
    cold_sender(token_uri=f"http://127.0.0.1:{_closed_port()}/token")
    stats = sync_due_topics()
    assert stats["retry"] == 1 and fake_fcm.topic_requests() == []
    device = db.session.scalars(select(Device).where(Device.user_id == uid)).one()
    db.session.refresh(device)
    assert (device.topics, device.topics_attempts) == ("", 1) and device.topics_due_at > utcnow()
