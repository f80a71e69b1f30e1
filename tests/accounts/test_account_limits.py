"""Accounts that cannot be locked out from elsewhere or probed cheaply (issue 10, point 5): log-in failures per
account and client, a looser per-account ceiling that spares clients the account signed in from, limits on
PATCH /me (hard ones on e-mail changes) and on registrations that hit an existing account."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from tests.factories import PASSWORD, login, resident

LOGIN = "/api/v1/auth/login"
OWNER = {"REMOTE_ADDR": "10.1.0.1"}
ATTACKER = {"REMOTE_ADDR": "10.66.0.1"}


def _login(client, user, password, environ):
    return client.post(LOGIN, json={"login": user.phone, "password": password}, environ_base=environ)


def _register(client, phone, environ=None, **extra):
    body = {"name": "Siti", "phone": phone, "password": "rahasia-123", "home_area_code": "32.73.01.1001", **extra}
    return client.post("/api/v1/auth/register", json=body, environ_base=environ or {})


# --- log-in lock-out ---------------------------------------------------------------------------------------------


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(client):
    """Today: 5 wrong passwords from anywhere refuse the right one for everyone (429) for up to an hour."""
    user = resident()
    codes = [_login(client, user, "wrong-password", ATTACKER).status_code for _ in range(25)]
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
    assert _login(client, user, PASSWORD, ATTACKER).status_code == 429  # the attacker's client stays refused
    owner = _login(client, user, PASSWORD, OWNER)
    assert owner.status_code == 200, owner.get_json()
    assert "Retry-After" not in owner.headers


def test_failures_count_per_account_and_client(client):
    user = resident()
    for _ in range(5):
        assert _login(client, user, "wrong-password", OWNER).status_code == 401
    limited = _login(client, user, PASSWORD, OWNER)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert set(limited.get_json()) == {"code", "status", "message", "errors", "error", "error_codes"}
    # another account from the same client is its own counter
    assert _login(client, resident(), PASSWORD, OWNER).status_code == 200


def test_the_per_account_ceiling_stops_guessing_from_many_addresses(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_ACCOUNT_TOTAL", "6 per hour")
    user = resident()
    assert _login(client, user, PASSWORD, OWNER).status_code == 200  # the owner's usual client
    for i in range(3):  # 3 addresses, 2 failures each: under the per-client limit, at the ceiling
        for _ in range(2):
            assert _login(client, user, "wrong-password", {"REMOTE_ADDR": f"10.66.1.{i}"}).status_code == 401
    fresh = _login(client, user, PASSWORD, {"REMOTE_ADDR": "10.66.2.1"})
    assert fresh.status_code == 429 and fresh.headers["X-RateLimit-Limit"] == "6"
    # the client the owner signed in from is spared, with the right password and after more failures too
    assert _login(client, user, "wrong-password", OWNER).status_code == 401
    assert _login(client, user, PASSWORD, OWNER).status_code == 200


def test_the_ceiling_does_not_count_the_known_clients_failures(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_ACCOUNT_TOTAL", "3 per hour")
    user = resident()
    assert _login(client, user, PASSWORD, OWNER).status_code == 200
    for _ in range(4):  # a typo-prone owner: limited per client (5), not by the ceiling (3)
        assert _login(client, user, "wrong-password", OWNER).status_code == 401
    assert _login(client, user, PASSWORD, {"REMOTE_ADDR": "10.1.0.2"}).status_code == 200


# --- PATCH /me -----------------------------------------------------------------------------------------------------


def test_email_changes_are_limited_per_account(client):
    """Today: 40 probes for registered e-mails, none refused."""
    for n in range(3):
        resident(email=f"taken{n}@example.id")
    headers = login(resident())
    codes = [
        client.patch("/api/v1/me", json={"email": f"taken{n}@example.id"}, headers=headers).status_code
        for n in range(3)
    ]
    assert codes == [409, 409, 409]
    limited = client.patch("/api/v1/me", json={"email": "free@example.id"}, headers=headers)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert limited.headers["X-RateLimit-Limit"] == "3"
    # the rest of the profile can still be changed
    assert client.patch("/api/v1/me", json={"name": "Nama Baru"}, headers=headers).status_code == 200


def test_email_changes_are_limited_per_ip(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_EMAIL_CHANGE_IP", "2 per hour")
    probes = [login(resident()) for _ in range(3)]  # a fresh account per probe does not help
    for n, headers in enumerate(probes[:2]):
        resp = client.patch("/api/v1/me", json={"email": f"probe{n}@example.id"}, headers=headers)
        assert resp.status_code == 200
    assert client.patch("/api/v1/me", json={"email": "p@example.id"}, headers=probes[2]).status_code == 429
    elsewhere = client.patch(
        "/api/v1/me", json={"email": "p@example.id"}, headers=probes[2], environ_base={"REMOTE_ADDR": "10.2.0.1"}
    )
    assert elsewhere.status_code == 200


def test_profile_updates_are_limited(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_PROFILE_ACCOUNT", "3 per minute")
    headers = login(resident())
    for n in range(3):
        assert client.patch("/api/v1/me", json={"name": f"Nama {n}"}, headers=headers).status_code == 200
    assert client.patch("/api/v1/me", json={"home_rw": 2}, headers=headers).status_code == 429
    monkeypatch.setitem(app.config, "RATELIMIT_PROFILE_IP", "1 per minute")
    assert client.patch("/api/v1/me", json={"name": "X"}, headers=login(resident())).status_code == 200
    assert client.patch("/api/v1/me", json={"name": "X"}, headers=login(resident())).status_code == 429  # same IP


def test_an_anonymous_profile_update_is_401_not_429(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_PROFILE_IP", "1 per minute")
    for _ in range(3):
        assert client.patch("/api/v1/me", json={"name": "X"}).status_code == 401


# --- registration ------------------------------------------------------------------------------------------------


def test_registration_says_already_registered_and_to_log_in(client):
    user = resident()
    resp = _register(client, user.phone)
    assert resp.status_code == 409
    assert "log in" in resp.get_json()["errors"]["phone"][0]


def test_registration_probes_for_registered_numbers_are_limited_per_ip(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_REGISTER_CONFLICT_IP", "3 per hour")
    taken = [resident() for _ in range(4)]
    assert _register(client, "081355550001").status_code == 201  # new accounts do not count
    for user in taken[:3]:
        assert _register(client, user.phone).status_code == 409
    limited = _register(client, taken[3].phone)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    # an unregistered number gets the same 429: the limit says nothing about the number
    assert _register(client, "081355550002").status_code == 429
    assert db.session.scalar(select(func.count()).select_from(User).where(User.phone == "+6281355550002")) == 0
    assert _register(client, "081355550003", {"REMOTE_ADDR": "10.3.0.1"}).status_code == 201
