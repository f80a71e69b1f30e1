"""A lost database connection: reads are retried once on a fresh connection, writes answer 503 and keep nothing.

Injected at the driver boundary (SQLite and PostgreSQL alike); ``test_postgres.py`` terminates real connections.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from tests.core.outages.faults import lose_connection
from tests.core.test_app import assert_error
from tests.factories import login, resident


def test_a_read_that_loses_its_connection_is_answered_from_a_fresh_one(client, caplog):
    with caplog.at_level(logging.WARNING, "app.core.db"), lose_connection("areas") as hits:
        resp = client.get("/api/v1/areas/32.73")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.get_json()["code"] == "32.73"
    assert len(hits) == 1
    assert "retrying once" in caplog.text


def test_a_read_is_retried_only_once_then_answers_503_with_retry_after(client):
    with lose_connection("areas", times=5) as hits:
        resp = client.get("/api/v1/areas/32.73")
    body = assert_error(resp, 503)
    assert body["error"] == "database_unavailable"
    assert resp.headers["Retry-After"] == "5"
    assert len(hits) == 2  # the first attempt and the one retry


def test_a_signed_in_read_survives_a_lost_connection(client):
    user = resident()
    headers = login(user)
    with lose_connection("FROM users") as hits:
        resp = client.get("/api/v1/me", headers=headers)
    assert resp.status_code == 200 and resp.get_json()["id"] == user.id
    assert hits


def test_a_write_that_loses_its_connection_answers_503_and_changes_nothing(client):
    user = resident(name="Siti Aminah")
    headers = login(user)
    with lose_connection("UPDATE users") as hits:
        resp = client.patch("/api/v1/me", json={"name": "Nama Baru"}, headers=headers)
    body = assert_error(resp, 503)
    assert body["error"] == "database_unavailable" and resp.headers["Retry-After"] == "5"
    assert len(hits) == 1  # a write is never repeated by the server
    db.session.expire_all()
    assert db.session.scalar(select(User.name).where(User.id == user.id)) == "Siti Aminah"
    # The client's retry, once the database is back, goes through.
    assert client.patch("/api/v1/me", json={"name": "Nama Baru"}, headers=headers).status_code == 200


def test_the_503_is_translated(client):
    with lose_connection("areas", times=2):
        resp = client.get("/api/v1/areas/32.73", headers={"Accept-Language": "id"})
    assert resp.status_code == 503
    assert resp.get_json()["message"] == "Basis data sedang tidak dapat dihubungi. Coba lagi sebentar lagi."
