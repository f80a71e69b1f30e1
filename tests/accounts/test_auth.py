"""Registration, log-in, token refresh and rotation, logout, password change, rate limits."""

from __future__ import annotations

import datetime as dt

import jwt as pyjwt
import pytest
from flask_jwt_extended import create_access_token
from sqlalchemy import select

from app.accounts.models import AuthSession, User
from app.extensions import db
from tests.factories import PASSWORD, REGISTER, login, resident, staff, tokens_for


def register(client, **overrides):
    return client.post("/api/v1/auth/register", json={**REGISTER, **overrides})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_register_normalises_phone_and_signs_in(client):
    resp = register(client, email="Siti@Example.ID")
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 15 * 60
    assert body["user"]["phone"] == "+6281234567890"
    assert body["user"]["email"] == "siti@example.id"
    assert body["user"]["role"] == "resident"
    assert "password" not in body["user"] and "password_hash" not in body["user"]
    user = db.session.scalars(select(User).where(User.phone == "+6281234567890")).one()
    assert user.password_hash.startswith("$argon2id$")
    assert (user.home_area_code, user.home_rw) == ("32.73.01.1001", 5)
    me = client.get("/api/v1/me", headers=bearer(body["access_token"]))
    assert me.get_json()["id"] == user.id


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"phone": "(022) 555-1234"}, "phone"),  # landline
        ({"phone": "12345"}, "phone"),
        ({"phone": "0812"}, "phone"),
        ({"password": "short"}, "password"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"email": "not-an-email"}, "email"),
        ({"home_area_code": "32.73"}, "home_area_code"),  # a kota, not a desa
        ({"home_area_code": "32.73.01.9999"}, "home_area_code"),  # does not exist
        ({"home_rw": 0}, "home_rw"),
        ({"home_rw": 1000}, "home_rw"),
        ({"home_rw": 2.5}, "home_rw"),
        ({"role": "admin"}, "role"),  # no mass assignment
    ],
)
def test_register_validation(client, overrides, field):
    resp = register(client, **overrides)
    assert resp.status_code == 422
    assert field in resp.get_json()["errors"]
    assert db.session.scalar(select(User).where(User.phone == "+6281234567890")) is None


def test_landline_message_is_clear(client):
    body = register(client, phone="022-5551234").get_json()
    assert body["errors"]["phone"] == ["Use a mobile number, not a home or office landline."]
    assert body["error"] == "mobile_required" and body["error_codes"]["phone"] == ["mobile_required"]


def test_phone_reasons_follow_the_language(client):
    """lokal-id's reasons are Indonesian only; Balai answers in the caller's language, naming the rule."""
    english = register(client, phone="08123").get_json()["errors"]["phone"]
    assert english == ["A mobile number has 10-13 digits (including the leading 0)."]
    indonesian = client.post(
        "/api/v1/auth/register", json={**REGISTER, "phone": "123"}, headers={"Accept-Language": "id"}
    ).get_json()
    assert indonesian["errors"]["phone"] == ["Nomor harus diawali 0, 62, atau +62."]
    assert indonesian["message"] == "Nomor telepon tidak valid."


def test_duplicate_phone_or_email_is_409(client):
    assert register(client, email="a@b.id").status_code == 201
    dup_phone = register(client, phone="+62 812 3456 7890", email="other@b.id")
    assert dup_phone.status_code == 409 and "phone" in dup_phone.get_json()["errors"]
    dup_email = register(client, phone="081299990000", email="A@B.ID")
    assert dup_email.status_code == 409 and "email" in dup_email.get_json()["errors"]
    assert db.session.scalar(select(User).where(User.phone == "+6281299990000")) is None


def test_login_with_phone_or_email(client):
    user = resident(email="warga@example.id")
    for ident in (user.phone, "0" + user.phone[3:], "WARGA@example.id"):
        resp = client.post("/api/v1/auth/login", json={"login": ident, "password": PASSWORD})
        assert resp.status_code == 200, ident
        assert resp.get_json()["user"]["id"] == user.id


@pytest.mark.parametrize("ident", ["+6281999999999", "nobody@example.id", "garbage"])
def test_login_failures_look_the_same(client, ident):
    user = resident()
    wrong_pw = client.post("/api/v1/auth/login", json={"login": user.phone, "password": "wrong-password"})
    unknown = client.post("/api/v1/auth/login", json={"login": ident, "password": "wrong-password"})
    assert wrong_pw.status_code == unknown.status_code == 401
    assert wrong_pw.get_json()["message"] == unknown.get_json()["message"]


def test_deactivated_account_cannot_log_in_or_refresh(client):
    user = resident()
    tokens = tokens_for(user)
    user.is_active = False
    db.session.commit()
    resp = client.post("/api/v1/auth/login", json={"login": user.phone, "password": PASSWORD})
    assert resp.status_code == 401
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(tokens["access_token"])).status_code == 401


def test_refresh_rotates_and_reuse_revokes_the_session(client):
    user = resident()
    first = tokens_for(user)
    resp = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert resp.status_code == 200
    second = resp.get_json()
    assert second["refresh_token"] != first["refresh_token"]
    assert client.get("/api/v1/me", headers=bearer(second["access_token"])).status_code == 200
    # the first refresh token was rotated away: presenting it again means it was copied
    reused = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401
    assert reused.get_json()["errors"] == {"refresh_token": ["reused"]}
    session = db.session.scalars(select(AuthSession).where(AuthSession.user_id == user.id)).one()
    db.session.refresh(session)
    assert session.revoked_reason == "refresh_reuse"
    # the whole session is gone, including the legitimate newer tokens
    assert client.get("/api/v1/me", headers=bearer(second["access_token"])).status_code == 401
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]}).status_code == 401


def test_refresh_rejects_access_tokens_and_garbage(client):
    tokens = tokens_for(resident())
    for bad in (tokens["access_token"], "not.a.jwt.token", tokens["refresh_token"][:-4] + "AAAA"):
        resp = client.post("/api/v1/auth/refresh", json={"refresh_token": bad})
        assert resp.status_code == 401


def test_refresh_token_cannot_be_used_as_access_token(client):
    tokens = tokens_for(resident())
    resp = client.get("/api/v1/me", headers=bearer(tokens["refresh_token"]))
    assert resp.status_code == 401


def test_expired_access_token(client, app):
    user = resident()
    tokens = tokens_for(user)
    sid = pyjwt.decode(tokens["access_token"], options={"verify_signature": False})["sid"]
    expired = create_access_token(str(user.id), additional_claims={"sid": sid}, expires_delta=dt.timedelta(seconds=-1))
    resp = client.get("/api/v1/me", headers=bearer(expired))
    assert resp.status_code == 401
    assert resp.get_json()["errors"] == {"token": ["expired"]}


def test_expired_refresh_token(client):
    user = resident()
    tokens = tokens_for(user)
    claims = pyjwt.decode(tokens["refresh_token"], options={"verify_signature": False})
    from flask_jwt_extended import create_refresh_token

    old = create_refresh_token(
        str(user.id), additional_claims={"sid": claims["sid"], "jti": claims["jti"]}, expires_delta=dt.timedelta(-1)
    )
    resp = client.post("/api/v1/auth/refresh", json={"refresh_token": old})
    assert resp.status_code == 401 and resp.get_json()["errors"] == {"refresh_token": ["expired"]}


def test_tampered_tokens_are_rejected(client, app):
    user = resident()
    other = resident()
    tokens = tokens_for(user)
    claims = pyjwt.decode(tokens["access_token"], options={"verify_signature": False})
    # same claims but a different subject, signed with the wrong key
    forged = pyjwt.encode({**claims, "sub": str(other.id)}, "wrong-key-wrong-key-wrong-key-123", algorithm="HS256")
    resp = client.get("/api/v1/me", headers=bearer(forged))
    assert resp.status_code == 401 and resp.get_json()["errors"] == {"token": ["invalid"]}
    # "alg": "none"
    unsigned = pyjwt.encode({**claims, "sub": str(other.id)}, None, algorithm="none")
    assert client.get("/api/v1/me", headers=bearer(unsigned)).status_code == 401
    # a flipped character in the signature
    head, body, sig = tokens["access_token"].split(".")
    flipped = f"{head}.{body}.{('A' if sig[0] != 'A' else 'B')}{sig[1:]}"
    assert client.get("/api/v1/me", headers=bearer(flipped)).status_code == 401


def test_missing_token_is_401_before_validation(client):
    resp = client.patch("/api/v1/me", json={"home_rw": "nope"})
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"] == "Bearer"
    assert resp.get_json()["errors"] == {"token": ["missing"]}


def test_logout_revokes_only_that_session(client):
    user = resident()
    phone_a, phone_b = tokens_for(user), tokens_for(user)
    assert client.post("/api/v1/auth/logout", headers=bearer(phone_a["access_token"])).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(phone_a["access_token"])).status_code == 401
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": phone_a["refresh_token"]}).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(phone_b["access_token"])).status_code == 200


def test_change_password_revokes_other_sessions(client):
    user = resident()
    this, other = tokens_for(user), tokens_for(user)
    resp = client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "a-new-password"},
        headers=bearer(this["access_token"]),
    )
    assert resp.status_code == 204
    assert client.get("/api/v1/me", headers=bearer(this["access_token"])).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(other["access_token"])).status_code == 401
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": other["refresh_token"]}).status_code == 401
    assert client.post("/api/v1/auth/login", json={"login": user.phone, "password": PASSWORD}).status_code == 401
    assert (
        client.post("/api/v1/auth/login", json={"login": user.phone, "password": "a-new-password"}).status_code == 200
    )


def test_change_password_needs_the_current_one(client):
    user = resident()
    headers = login(user)
    resp = client.post(
        "/api/v1/auth/password", json={"current_password": "wrong", "new_password": "a-new-password"}, headers=headers
    )
    assert resp.status_code == 422 and "current_password" in resp.get_json()["errors"]
    short = client.post(
        "/api/v1/auth/password", json={"current_password": PASSWORD, "new_password": "short"}, headers=headers
    )
    assert short.status_code == 422 and "new_password" in short.get_json()["errors"]


def test_password_is_rehashed_when_parameters_change(client, app, monkeypatch):
    user = resident()
    old_hash = user.password_hash
    assert "m=1024,t=1,p=1" in old_hash
    monkeypatch.setitem(app.config, "PASSWORD_TIME_COST", 2)
    resp = client.post("/api/v1/auth/login", json={"login": user.phone, "password": PASSWORD})
    assert resp.status_code == 200
    db.session.refresh(user)
    assert user.password_hash != old_hash and "t=2" in user.password_hash
    assert client.post("/api/v1/auth/login", json={"login": user.phone, "password": PASSWORD}).status_code == 200


def test_staff_can_log_in_with_email_only(client):
    admin = staff("admin", "32.73", phone=None, email="admin@kota.id")
    resp = client.post("/api/v1/auth/login", json={"login": "admin@kota.id", "password": PASSWORD})
    assert resp.status_code == 200 and resp.get_json()["user"]["scope_area_code"] == "32.73"
    assert resp.get_json()["user"]["id"] == admin.id


# --- rate limits -------------------------------------------------------------------------------------------------


def test_login_is_limited_per_account_on_failures(client):
    user = resident()
    for _ in range(5):
        assert client.post("/api/v1/auth/login", json={"login": user.phone, "password": "bad"}).status_code == 401
    resp = client.post("/api/v1/auth/login", json={"login": user.phone, "password": PASSWORD})
    assert resp.status_code == 429
    assert int(resp.headers["Retry-After"]) > 0
    assert set(resp.get_json()) == {"code", "status", "message", "errors", "error", "error_codes"}
    # the owner elsewhere is not locked out: tests/accounts/test_account_limits.py


def test_successful_logins_do_not_count_against_the_account(client):
    user = resident()
    for _ in range(8):
        assert client.post("/api/v1/auth/login", json={"login": user.phone, "password": PASSWORD}).status_code == 200


def test_login_is_limited_per_ip(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_IP", "3 per minute")
    for i in range(3):
        client.post("/api/v1/auth/login", json={"login": f"0812000000{i:02d}", "password": "x"})
    resp = client.post("/api/v1/auth/login", json={"login": "081200000099", "password": "x"})
    assert resp.status_code == 429
    elsewhere = client.post(
        "/api/v1/auth/login", json={"login": "081200000099", "password": "x"}, environ_base={"REMOTE_ADDR": "10.1.1.1"}
    )
    assert elsewhere.status_code == 401


def test_registration_is_limited_per_ip(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_REGISTER_IP", "2 per minute")
    assert register(client, phone="081311110001").status_code == 201
    assert register(client, phone="081311110002").status_code == 201
    resp = register(client, phone="081311110003")
    assert resp.status_code == 429
    assert db.session.scalar(select(User).where(User.phone == "+6281311110003")) is None


def test_password_change_is_limited_per_account(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_PASSWORD_ACCOUNT", "2 per hour")
    headers = login(resident())
    body = {"current_password": "wrong", "new_password": "another-one-1"}
    assert client.post("/api/v1/auth/password", json=body, headers=headers).status_code == 422
    assert client.post("/api/v1/auth/password", json=body, headers=headers).status_code == 422
    assert client.post("/api/v1/auth/password", json=body, headers=headers).status_code == 429


def test_rate_limit_storage_follows_configuration(app, config):
    """memory:// by default; CI's PostgreSQL run uses Redis so limits are shared between processes."""
    from app.extensions import limiter

    storage = type(limiter.storage).__name__
    expected = "RedisStorage" if config.RATELIMIT_STORAGE_URI.startswith("redis") else "MemoryStorage"
    assert storage == expected
