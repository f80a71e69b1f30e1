"""The signed-in user's own profile."""

from __future__ import annotations

import pytest

from app.accounts.service import HOME_AREA_CHANGED
from app.core import events
from app.extensions import db
from tests.factories import login, resident, staff


def test_get_me(client):
    user = resident(email="me@example.id")
    body = client.get("/api/v1/me", headers=login(user)).get_json()
    assert body["phone"] == user.phone and body["email"] == "me@example.id"
    assert body["home_area_code"] == "32.73.01.1001" and body["home_rw"] == 5


def test_update_me_changes_only_allowed_fields(client):
    user = resident()
    resp = client.patch(
        "/api/v1/me",
        json={"name": "  Nama Baru ", "email": "BARU@example.id", "home_area_code": "32.73.01.1002", "home_rw": 9},
        headers=login(user),
    )
    assert resp.status_code == 200
    body = resp.get_json()
    assert (body["name"], body["email"], body["home_area_code"], body["home_rw"]) == (
        "Nama Baru",
        "baru@example.id",
        "32.73.01.1002",
        9,
    )
    db.session.refresh(user)
    assert user.home_area_code == "32.73.01.1002"


@pytest.mark.parametrize(
    "body",
    [
        {"role": "admin"},
        {"scope_area_code": "32"},
        {"phone": "081299999999"},
        {"is_active": True},
        {"password_hash": "x"},
        {"id": 1},
    ],
)
def test_update_me_rejects_other_fields(client, body):
    user = resident()
    resp = client.patch("/api/v1/me", json=body, headers=login(user))
    assert resp.status_code == 422
    db.session.refresh(user)
    assert user.role == "resident" and user.scope_area_code is None


@pytest.mark.parametrize(
    ("body", "field"),
    [({"home_area_code": "32.73.01"}, "home_area_code"), ({"home_area_code": "32.73.01.9999"}, "home_area_code"),
     ({"home_rw": 0}, "home_rw"), ({"name": ""}, "name"), ({"email": "x"}, "email")],
)  # fmt: skip
def test_update_me_validation(client, body, field):
    resp = client.patch("/api/v1/me", json=body, headers=login(resident()))
    assert resp.status_code == 422 and field in resp.get_json()["errors"]


def test_update_me_email_taken_is_409(client):
    resident(email="taken@example.id")
    resp = client.patch("/api/v1/me", json={"email": "taken@example.id"}, headers=login(resident()))
    assert resp.status_code == 409


def test_staff_without_phone_must_keep_email(client):
    admin = staff("admin", "32.73", phone=None, email="a@kota.id")
    resp = client.patch("/api/v1/me", json={"email": None}, headers=login(admin))
    assert resp.status_code == 422


def test_home_change_emits_event(client, monkeypatch):
    seen = []
    monkeypatch.setitem(events._listeners, HOME_AREA_CHANGED, [lambda **kw: seen.append(kw)])
    user = resident()
    client.patch("/api/v1/me", json={"home_rw": 6}, headers=login(user))
    client.patch("/api/v1/me", json={"name": "Same Home"}, headers=login(user))
    assert seen == [{"user_id": user.id, "old": "32.73.01.1001.005", "new": "32.73.01.1001.006"}]


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "field"),
    [
        ("patch", "/api/v1/me", {"json": {"name": "Budi\x00"}}, "name"),
        ("patch", "/api/v1/me", {"json": {"email": None, "name": "j\u00c83\x00\u00b6"}}, "name"),
        ("get", "/api/v1/me/complaints?status=submitted%00", {}, "status"),
    ],
)
def test_a_nul_character_anywhere_is_422_not_a_database_error(client, method, url, kwargs, field):
    """Found by schemathesis on PostgreSQL, which cannot store NUL: refused while parsing, for every endpoint."""
    user = resident(name="Budi Santoso")
    resp = getattr(client, method)(url, headers=login(user), **kwargs)
    assert resp.status_code == 422
    assert resp.get_json()["errors"][field] == ["Text must not contain NUL (U+0000) characters."]
    db.session.refresh(user)
    assert user.name == "Budi Santoso"
