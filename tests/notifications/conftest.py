"""Fixtures: the fake FCM server, the real firebase-admin sender pointed at it, bulk residents and devices."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from huey.storage import MemoryStorage
from sqlalchemy import insert, update

from app.accounts.models import User
from app.core.db import utcnow
from app.core.jobs import configure_queue, huey
from app.extensions import db
from notifications.models import Device, Notification
from notifications.sender import FcmSender, LogSender, Outcome, set_sender
from tests.factories import _hash
from tests.fake_fcm import FakeFCM, service_account

DESA = "32.73.01.1001"  # Sukarasa, Sukasari, Kota Bandung, Jawa Barat
OTHER_DESA = "32.73.02.1001"  # another kecamatan of Kota Bandung
_phones = itertools.count(30_000_000)


@pytest.fixture(scope="session")
def fake_server() -> Iterator[FakeFCM]:
    server = FakeFCM().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _fcm_sender(fake_server: FakeFCM, tmp_path_factory) -> Iterator[FcmSender]:
    path = tmp_path_factory.mktemp("fcm") / "service-account.json"
    path.write_text(json.dumps(service_account(fake_server.base_url)))
    sender = FcmSender(credentials_path=str(path), endpoint=fake_server.base_url)
    yield sender
    sender.close()


@pytest.fixture
def fake_fcm(app, fake_server: FakeFCM, _fcm_sender: FcmSender) -> Iterator[FakeFCM]:
    """The real firebase-admin client sends to the fake server during this test."""
    fake_server.reset()
    previous = set_sender(app, _fcm_sender)
    yield fake_server
    set_sender(app, previous)
    fake_server.reset()


class SpySender:
    """Wraps a sender and records the size of every call (batch boundaries are invisible on the wire)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls: list[tuple[str, int, str | None]] = []
        #: Whether the job's session had a transaction open at each call (it must not, while it waits on FCM).
        self.in_transaction: list[bool] = []

    def _note(self, call: tuple[str, int, str | None]) -> None:
        self.calls.append(call)
        self.in_transaction.append(db.session().in_transaction())

    def send_each(self, messages: list[Any]) -> list[Outcome]:
        self._note(("send_each", len(messages), None))
        return self.inner.send_each(messages)

    def send(self, message: Any) -> Outcome:
        self._note(("send", 1, message.topic))
        return self.inner.send(message)

    def subscribe(self, tokens: list[str], topic: str) -> list[Outcome]:
        self._note(("subscribe", len(tokens), topic))
        return self.inner.subscribe(tokens, topic)

    def unsubscribe(self, tokens: list[str], topic: str) -> list[Outcome]:
        self._note(("unsubscribe", len(tokens), topic))
        return self.inner.unsubscribe(tokens, topic)


@pytest.fixture
def spy(app) -> Iterator[SpySender]:
    """A spy around the log-only sender (no network)."""
    s = SpySender(LogSender())
    previous = set_sender(app, s)
    yield s
    set_sender(app, previous)


@pytest.fixture
def queued(app) -> Iterator[Any]:
    """Jobs are queued (in memory) instead of running inline: as if no worker were running."""
    huey.immediate = False
    huey.storage = MemoryStorage("balai-test")
    yield huey
    configure_queue(huey, redis_url="", sqlite_path="", immediate=True)


def make_residents(n: int, *, desa: str = DESA, rw: int | None = 5) -> list[int]:
    """``n`` residents inserted in one statement (factories are too slow for hundreds)."""
    now = utcnow()
    rows = [
        {
            "name": f"Warga {i}",
            "phone": f"+62813{next(_phones):08d}",
            "password_hash": _hash("password-123"),
            "role": "resident",
            "home_area_code": desa,
            "home_rw": rw,
            "created_at": now,
            "updated_at": now,
            "password_changed_at": now,
            "is_active": True,
        }
        for i in range(n)
    ]
    return list(db.session.execute(insert(User).returning(User.id), rows).scalars())


def make_devices(user_ids: list[int], *, prefix: str = "tok", per_user: int = 1, kind: str = "installation_id"):
    """Devices already in sync with their topics (no topic job pending)."""
    now = utcnow()
    rows = [
        {
            "token": f"{prefix}-{uid}-{i}-{'x' * 16}",
            "token_kind": kind,
            "user_id": uid,
            "platform": "android",
            "created_at": now,
            "last_seen_at": now,
            "topics": "",
            "topics_version": 0,
            "topics_attempts": 0,
        }
        for uid in user_ids
        for i in range(per_user)
    ]
    db.session.execute(insert(Device), rows)
    db.session.flush()
    return [r["token"] for r in rows]


def make_due_now() -> None:
    """Pretend the retry times have come."""
    past = utcnow() - dt.timedelta(seconds=1)
    db.session.execute(update(Notification).where(Notification.push_due_at.is_not(None)).values(push_due_at=past))
    db.session.execute(update(Device).where(Device.topics_due_at.is_not(None)).values(topics_due_at=past))
    db.session.commit()
