"""The request transaction, after-commit hooks and the read path of ``Database``."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.core.db import Database
from app.core.events import after_commit, emit, on
from app.extensions import db


def test_after_commit_runs_only_when_the_transaction_commits():
    ran: list[str] = []
    session = db.session()
    session.execute(text("SELECT 1"))
    after_commit(session, lambda: ran.append("first"))
    session.rollback()
    assert ran == []  # rolled back: forgotten
    session.execute(text("SELECT 1"))
    after_commit(session, lambda: ran.append("second"))
    assert ran == []
    session.commit()
    assert ran == ["second"]
    session.commit()
    assert ran == ["second"]  # runs once


def test_events_reach_listeners():
    got = []
    on("test.event")(lambda **kw: got.append(kw))
    emit("test.event", x=1)
    assert got == [{"x": 1}]


def test_error_response_leaves_nothing_behind(app, client):
    """A rejected request stores nothing: no account, no session."""
    from sqlalchemy import select

    from app.accounts.models import AuthSession, User

    body = {"name": "A", "phone": "081355550000", "password": "password-1", "home_area_code": "32.73.01.1001"}
    assert client.post("/api/v1/auth/register", json=body).status_code == 201
    sessions_before = db.session.query(AuthSession).count()
    # the same e-mail twice in one request cannot happen, so force a failure after the insert: a duplicate phone
    clash = client.post("/api/v1/auth/register", json={**body, "email": "new@example.id"})
    assert clash.status_code == 409
    assert db.session.scalar(select(User).where(User.email == "new@example.id")) is None
    assert db.session.query(AuthSession).count() == sessions_before


def test_read_requests_use_an_autocommit_connection_on_postgresql(config):
    app = Flask("dbtest")
    app.config.update(DATABASE_URL=config.DATABASE_URL, DB_POOL_SIZE=2, DB_MAX_OVERFLOW=0, DB_ECHO=False)
    database = Database()
    database.init_app(app)
    try:
        if database.dialect == "sqlite":
            assert database.read_engine is None  # SQLite: every request in one plain transaction
            with app.test_request_context("/", method="GET"):
                assert database.is_read_request() is False
            return
        with app.test_request_context("/", method="GET"):
            first = database.read_connection()
            assert first.connection.dbapi_connection.autocommit is True
            assert database.session().bind is first
            assert database.session().execute(text("SELECT 1")).scalar() == 1
            database.session.remove()
        with app.test_request_context("/", method="GET"):
            assert database.read_connection() is first  # kept by the thread between requests
            first.invalidate()  # e.g. the server restarted
            again = database.read_connection()
            assert again is not first and again.execute(text("SELECT 1")).scalar() == 1
        with app.test_request_context("/", method="POST"):
            session = database.session()
            assert session.bind is database.engine
            assert session.connection().connection.dbapi_connection.autocommit is False
            database.session.remove()
    finally:
        database.dispose()


def test_read_requests_go_to_the_read_url_when_one_is_set(config):
    """DATABASE_READ_URL (a replica in production; here another database of the same server) serves the GETs."""
    url = make_url(config.DATABASE_URL)
    if url.get_backend_name() != "postgresql":
        pytest.skip("a read replica is a PostgreSQL setting")
    replica = url.set(database="postgres").render_as_string(hide_password=False)
    app = Flask("dbtest")
    app.config.update(
        DATABASE_URL=config.DATABASE_URL, DATABASE_READ_URL=replica, DB_POOL_SIZE=1, DB_MAX_OVERFLOW=0, DB_ECHO=False
    )
    database = Database()
    database.init_app(app)
    try:
        with app.test_request_context("/", method="GET"):
            assert database.connection().execute(text("SELECT current_database()")).scalar() == "postgres"
            database.session.remove()
        with app.test_request_context("/", method="POST"):
            assert database.connection().execute(text("SELECT current_database()")).scalar() == url.database
            database.session.remove()
    finally:
        database.dispose()
