"""The job queue: enqueue after commit only, one job per commit, periodic jobs, and a real queue + consumer.

The PostgreSQL run exercises the Redis queue (local Redis, database 13); the SQLite run the SQLite file queue.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from app.core.jobs import configure_queue, enqueue_after_commit, huey, job
from app.extensions import db
from notifications.tasks import sweep

REDIS_TEST_URL = "redis://127.0.0.1:6379/13"
ran: list[str] = []
done = threading.Event()


@job()
def record(tag: str) -> None:
    ran.append(tag)
    done.set()


@pytest.fixture(autouse=True)
def _clear():
    ran.clear()
    done.clear()
    yield
    ran.clear()


def test_enqueued_only_after_commit_and_once_per_commit():
    db.session.execute(select(1))
    enqueue_after_commit(record, "a")
    enqueue_after_commit(record, "a")  # the same job twice in one transaction: once
    enqueue_after_commit(record, "b")
    assert ran == []
    db.session.commit()
    assert ran == ["a", "b"]
    db.session.execute(select(1))
    enqueue_after_commit(record, "c")
    db.session.rollback()
    db.session.commit()
    assert ran == ["a", "b"]


def test_a_request_enqueues_when_it_commits(client):
    """A successful request commits (into the test's savepoint here), and its after-commit jobs run."""
    from tests.factories import login, resident

    headers = login(resident())
    resp = client.post("/api/v1/devices", json={"token": "t" * 30, "platform": "web"}, headers=headers)
    assert resp.status_code == 200
    from notifications.models import Device

    assert db.session.scalars(select(Device)).one().topics_due_at is None  # the topic job ran


def test_periodic_sweep_is_registered_every_minute():
    import datetime as dt

    due = huey.read_periodic(dt.datetime(2026, 1, 1, 8, 17))
    assert sweep.name in {t.name for t in due}


def test_worker_command_refuses_immediate_mode(app):
    result = CliRunner().invoke(app.cli, ["jobs", "worker"], obj=None, standalone_mode=False, catch_exceptions=True)
    assert "JOBS_IMMEDIATE" in str(result.exception or result.output)


@pytest.fixture
def real_queue(dialect, tmp_path) -> Iterator[str]:
    """The production queue for this backend: Redis (db 13) with PostgreSQL, the SQLite file queue otherwise."""
    if dialect == "postgresql":
        configure_queue(huey, redis_url=REDIS_TEST_URL, sqlite_path="", immediate=False)
        kind = "redis"
    else:
        configure_queue(huey, redis_url="", sqlite_path=str(tmp_path / "jobs.sqlite3"), immediate=False)
        kind = "sqlite"
    huey.flush()
    yield kind
    huey.flush()
    configure_queue(huey, redis_url="", sqlite_path="", immediate=True)


def test_queue_backend_matches_the_configuration(real_queue):
    from huey.storage import RedisStorage, SqliteStorage

    expected = RedisStorage if real_queue == "redis" else SqliteStorage
    assert isinstance(huey.storage, expected) and not huey.immediate


def test_consumer_threads_run_queued_jobs(real_queue):
    """The consumer ``flask jobs worker`` runs, with its worker thread, on this queue."""
    enqueue_after_commit(record, "via-consumer")
    db.session.execute(select(1))
    db.session.commit()
    assert ran == [] and huey.pending_count() == 1
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = huey.create_consumer(workers=1, periodic=False, initial_delay=0.01, max_delay=0.05)
    consumer.start()
    try:
        done.wait(10)
    finally:
        consumer.stop(graceful=True)
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    assert ran == ["via-consumer"]
