"""Every GET endpoint through the production read path, on committed data.

The rest of the suite runs each test inside one rolled-back transaction, which a second connection cannot see, so
it turns the read connection off. Here the data is committed first, the read path is on as in production
(PostgreSQL: a read-only autocommit connection per thread; SQLite: a ``query_only`` transaction), every GET route
of the API is called as each kind of user, and the committed rows are deleted afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, event, func, insert, select, text
from sqlalchemy.exc import DBAPIError

from app.accounts.models import User
from app.accounts.privacy import audit
from app.accounts.privacy.models import AccessLog
from app.core.db import Base
from app.extensions import db, limiter
from notifications.models import Notification
from tests.complaints.handling_helpers import handled, handler
from tests.complaints.office_factories import office
from tests.factories import login, resident, staff


@pytest.fixture(autouse=True)
def _transaction(app: Flask) -> Iterator[None]:
    """Overrides the suite's rolled-back transaction: this module commits, and cleans up in ``world``."""
    limiter.reset()
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture(scope="module")
def world(app: Flask) -> Iterator[dict[str, Any]]:
    """Committed rows for every kind of caller; deleted again when the module ends."""
    tables = list(Base.metadata.sorted_tables)
    with app.app_context():
        before = {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in tables}
        db.session.remove()
    with app.app_context():
        reporter = resident()
        lead = office(area="32.73")
        worker = handler(lead)
        complaint = handled(lead, status="in_progress", reporter=reporter)
        db.session.execute(
            insert(Notification).values(user_id=reporter.id, kind="complaint_update", title="Halo", body="Isi")
        )
        people = {
            "resident": reporter,
            "moderator": staff("moderator", "32.73"),
            "admin": staff("admin", "32.73"),
            "office_handler": worker,
            "village_official": staff("village_official", "32.73.01.1001"),
        }
        db.session.commit()
        ids = {"complaint": complaint.id, "office": lead.id, "user": reporter.id}
        headers = {role: login(user) for role, user in people.items()}
        db.session.remove()
    try:
        yield {"ids": ids, "headers": headers, "reporter": reporter.id, "moderator": people["moderator"].id}
    finally:
        with app.app_context():
            audit.flush_pending()  # the access-log rows of the reads, written off the request path
            for t in reversed(tables):
                if before[t.name] == 0:
                    db.session.execute(delete(t))
            db.session.commit()
            db.session.remove()


def _get_routes(app: Flask) -> list[str]:
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.rule.startswith("/api/v1")]
    return sorted({r.rule for r in rules})


def _fill(rule: str, ids: dict[str, Any]) -> str:
    """A real value for every path parameter: the committed complaint, office or user, else something plausible."""

    def value(m: re.Match[str]) -> str:
        name = m.group(2)
        for key in ("complaint", "office", "user"):
            if name.startswith(key):
                return str(ids[key])
        if "code" in name or name == "area":
            return "32.73"
        return "1"

    return re.sub(r"<(?:(\w+):)?(\w+)>", value, rule)


def test_every_get_endpoint_answers_on_the_read_path(app, world):
    """No GET writes (the read path refuses it), none fails on it, and on PostgreSQL they really use it."""
    client = app.test_client()
    reads: list[int] = []
    read_engine = db.read_engine

    def count(*_a: Any) -> None:
        reads.append(1)

    if read_engine is not None:
        event.listen(read_engine, "before_cursor_execute", count)
    failures = []
    try:
        for rule in _get_routes(app):
            path = _fill(rule, world["ids"])
            for role, headers in [("anonymous", {}), *world["headers"].items()]:
                resp = client.get(path, headers=headers)
                if resp.status_code >= 500:
                    failures.append((role, path, resp.status_code, resp.get_json()))
    finally:
        if read_engine is not None:
            event.remove(read_engine, "before_cursor_execute", count)
    assert failures == []
    if read_engine is not None:
        assert len(reads) > 100  # the token checks and the hot lists ran on the read connection


def test_a_write_on_the_read_path_is_an_error(app, world):
    with app.test_request_context("/api/v1/me", method="GET"):
        conn = db.connection()
        with pytest.raises(DBAPIError, match=r"read-only|readonly"):
            conn.execute(text("UPDATE users SET name = name WHERE id = :id"), {"id": world["ids"]["user"]})
        db.session.remove()
    with app.app_context():
        assert db.session.get(User, world["ids"]["user"]) is not None


def test_a_staff_read_on_the_read_path_is_logged_off_the_request_path(app, world):
    """The read connection cannot write: the row waits in the process's buffer and is written in a batch."""
    audit.flush_pending()
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(AccessLog))
        db.session.remove()
    path = f"/api/v1/complaints/{world['ids']['complaint']}"
    resp = app.test_client().get(path, headers=world["headers"]["moderator"])
    assert resp.status_code == 200 and resp.get_json()["reporter"]["id"] == world["reporter"]
    audit.flush_pending()
    with app.app_context():
        rows = db.session.scalars(select(AccessLog).order_by(AccessLog.id.desc()).limit(1)).all()
        count = db.session.scalar(select(func.count()).select_from(AccessLog))
        db.session.remove()
    assert count == before + 1
    assert (rows[0].actor_id, rows[0].subject_id, rows[0].kind) == (
        world["moderator"],
        world["reporter"],
        "reporter_identity",
    )
