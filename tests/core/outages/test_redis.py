"""Redis unreachable (a closed port): log-ins and everything else keep working, limits count in memory, jobs that
cannot be enqueued wait in the outbox for the sweep."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from app.core.jobs import configure_queue, huey
from app.extensions import db
from notifications.api import COMPLAINT_UPDATE, notify_users
from notifications.models import Notification
from notifications.tasks import sweep
from tests.core.outages.faults import closed_port
from tests.notifications.conftest import make_devices, make_residents


def test_every_log_in_is_answered_while_redis_is_down(redis_down):
    assert redis_down["good"] == [200] * 20


def test_limits_still_hold_per_process_and_the_fallback_is_logged(redis_down):
    # RATELIMIT_LOGIN_ACCOUNT is 3 per minute in the child: counted in memory, not switched off.
    assert redis_down["bad"] == [401, 401, 401, 429, 429]
    assert "falling back to in-memory storage" in redis_down["log"]
    assert "Traceback" not in redis_down["log"].split("could not enqueue")[0]


def test_the_rest_of_the_api_keeps_serving(redis_down):
    assert redis_down["me"] == 200 and redis_down["areas"] == 200


def test_a_job_that_cannot_be_enqueued_is_logged_and_its_work_stays_for_the_sweep(redis_down):
    assert redis_down["device"] == 200
    assert redis_down["device_awaits_sync"] is True
    assert "could not enqueue" in redis_down["log"]


@pytest.fixture
def queue_down() -> Iterator[None]:
    configure_queue(huey, redis_url=f"redis://127.0.0.1:{closed_port()}/0", sqlite_path="", immediate=False)
    yield
    configure_queue(huey, redis_url="", sqlite_path="", immediate=True)


def test_pushes_enqueued_while_redis_is_down_go_out_with_the_sweep(queue_down, spy, caplog):
    users = make_residents(2)
    make_devices(users)
    db.session.commit()
    with caplog.at_level(logging.ERROR, "app.core.jobs"):
        notify_users(user_ids=users, kind=COMPLAINT_UPDATE, title="Saat Redis mati", body="B")
        db.session.commit()  # the enqueue after the commit fails: logged, not raised
    assert "could not enqueue" in caplog.text
    rows = db.session.scalars(select(Notification).where(Notification.user_id.in_(users))).all()
    assert {r.push_status for r in rows} == {"pending"} and _pushed(spy) == 0
    configure_queue(huey, redis_url="", sqlite_path="", immediate=True)  # Redis is back: the worker's sweep runs
    sweep.call_local()
    db.session.expire_all()
    rows = db.session.scalars(select(Notification).where(Notification.user_id.in_(users))).all()
    assert {r.push_status for r in rows} == {"sent"} and _pushed(spy) == 2


def _pushed(spy: Any) -> int:
    return sum(n for kind, n, _topic in spy.calls if kind in ("send_each", "send"))
