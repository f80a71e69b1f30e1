"""``/readyz`` names the dependency that is down (a closed port, a server that never answers, a read-only
directory) within its timeout; ``/healthz`` stays a liveness check that touches nothing."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from app.core.db import make_engine
from app.core.jobs import configure_queue, huey
from app.extensions import db
from app.health import CHECK_TIMEOUT_SECONDS
from tests.core.outages.faults import closed_port
from tests.core.outages.test_storage import read_only
from tests.core.test_app import assert_error


def expected_checks(config) -> set[str]:
    shared_limits = not config.RATELIMIT_STORAGE_URI.startswith("memory")
    return {"database", "storage"} | ({"ratelimit"} if shared_limits else set())


@pytest.fixture
def database_down() -> Iterator[None]:
    engine, db.engine = db.engine, make_engine(f"postgresql+psycopg://balai@127.0.0.1:{closed_port()}/balai")
    yield
    db.engine.dispose()
    db.engine = engine


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers (a hung Redis)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        yield s.getsockname()[1]


def test_ready_lists_every_check_it_ran(client, config):
    resp = client.get("/readyz")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["status"] == "ready" and set(body["checks"]) == expected_checks(config)
    assert set(body["checks"].values()) == {"ok"}


def test_database_on_a_closed_port_is_named(client, database_down):
    body = assert_error(client.get("/readyz"), 503)
    assert body["error"] == "not_ready" and set(body["errors"]) == {"database"}
    assert body["errors"]["database"] == ["The database is not reachable."]
    assert client.get("/healthz").status_code == 200  # liveness does not depend on it


def test_job_queue_on_a_closed_port_is_named(client):
    configure_queue(huey, redis_url=f"redis://127.0.0.1:{closed_port()}/0", sqlite_path="", immediate=False)
    try:
        body = assert_error(client.get("/readyz"), 503)
    finally:
        configure_queue(huey, redis_url="", sqlite_path="", immediate=True)
    assert set(body["errors"]) == {"queue"} and "queue" in body["message"]


def test_a_dependency_that_never_answers_costs_the_probe_its_timeout_only(client, silent_server):
    configure_queue(huey, redis_url=f"redis://127.0.0.1:{silent_server}/0", sqlite_path="", immediate=False)
    started = time.monotonic()
    try:
        body = assert_error(client.get("/readyz"), 503)
    finally:
        configure_queue(huey, redis_url="", sqlite_path="", immediate=True)
    assert set(body["errors"]) == {"queue"}
    assert time.monotonic() - started < CHECK_TIMEOUT_SECONDS + 1.5


def test_read_only_storage_is_named(client, storage):
    with read_only(storage.root):
        body = assert_error(client.get("/readyz"), 503)
    assert set(body["errors"]) == {"storage"}


def test_the_answer_is_translated(client, storage):
    with read_only(storage.root):
        body = client.get("/readyz", headers={"Accept-Language": "id"}).get_json()
    assert body["errors"]["storage"] == ["Penyimpanan foto tidak menerima berkas."]


def test_redis_down_is_named_for_limits_and_queue(redis_down):
    assert redis_down["ready"]["status"] == 503
    assert set(redis_down["ready"]["body"]["errors"]) == {"ratelimit", "queue"}
