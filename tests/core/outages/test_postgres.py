"""PostgreSQL connections terminated for real (``pg_terminate_backend``, what a restart or failover does), on the
production read path (committed data, the per-thread read-only autocommit connection, the write pool)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, event, func, select, text

from app.accounts.models import User
from app.core.db import Base, make_engine
from app.extensions import db, limiter
from tests.core.test_app import assert_error
from tests.factories import login, resident


@pytest.fixture(autouse=True)
def _transaction(app: Flask) -> Iterator[None]:
    """Overrides the suite's rolled-back transaction: this module commits, and cleans up in ``world``."""
    if db.dialect != "postgresql":
        pytest.skip("terminates PostgreSQL backends")
    limiter.reset()
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture(scope="module")
def world(app: Flask) -> Iterator[dict[str, Any]]:
    if db.dialect != "postgresql":
        pytest.skip("terminates PostgreSQL backends")
    tables = list(Base.metadata.sorted_tables)
    with app.app_context():
        before = {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in tables}
        user = resident(name="Siti Aminah")
        db.session.commit()
        world = {"user": user.id, "headers": login(user)}
        db.session.remove()
    try:
        yield world
    finally:
        with app.app_context():
            for t in reversed(tables):
                if before[t.name] == 0:
                    db.session.execute(delete(t))
            db.session.commit()
            db.session.remove()


@pytest.fixture(scope="module")
def admin(app: Flask) -> Iterator[Any]:
    engine = make_engine(app.config["DATABASE_URL"], pool_size=1)
    yield engine
    engine.dispose()


def terminate_all(admin: Any) -> int:
    """End every other client connection to the test database, as a server restart does."""
    with admin.connect() as conn:
        return conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
        ).scalar_one()


def test_reads_survive_terminated_connections(app, world, admin):
    client = app.test_client()
    assert client.get("/api/v1/me", headers=world["headers"]).status_code == 200  # the read connection is open
    assert db.read_engine is not None
    for _ in range(3):
        assert terminate_all(admin) >= 1
        resp = client.get("/api/v1/me", headers=world["headers"])
        assert resp.status_code == 200, resp.get_data(as_text=True)
        assert client.get("/api/v1/areas/32.73").status_code == 200


def test_a_write_after_terminated_connections_gets_a_fresh_one(app, world, admin):
    client = app.test_client()
    assert client.patch("/api/v1/me", json={"name": "Siti A."}, headers=world["headers"]).status_code == 200
    terminate_all(admin)  # the pooled connection it used is dead now: pre-ping replaces it at checkout
    resp = client.patch("/api/v1/me", json={"name": "Siti Aminah"}, headers=world["headers"])
    assert resp.status_code == 200, resp.get_data(as_text=True)


def test_a_write_whose_connection_is_terminated_mid_request_answers_503_and_writes_nothing(app, world, admin):
    client = app.test_client()

    def kill_own_backend(conn: Any, cursor: Any, statement: str, *_a: Any) -> None:
        if statement.startswith("UPDATE users"):
            pid = conn.connection.dbapi_connection.info.backend_pid
            with admin.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    assert db.engine is not None
    event.listen(db.engine, "before_cursor_execute", kill_own_backend)
    try:
        resp = client.patch("/api/v1/me", json={"name": "Setengah Tertulis"}, headers=world["headers"])
    finally:
        event.remove(db.engine, "before_cursor_execute", kill_own_backend)
    body = assert_error(resp, 503)
    assert body["error"] == "database_unavailable" and resp.headers["Retry-After"] == "5"
    with app.app_context():
        assert db.session.scalar(select(User.name).where(User.id == world["user"])) == "Siti Aminah"
        db.session.remove()
    assert client.patch("/api/v1/me", json={"name": "Siti B."}, headers=world["headers"]).status_code == 200
