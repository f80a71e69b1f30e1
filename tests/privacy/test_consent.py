"""Consent to the privacy notice: versions in two languages, registration, log-in's flag, accepting."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.privacy.models import PrivacyConsent
from app.extensions import db
from tests.factories import PASSWORD, REGISTER, login, resident, staff
from tests.privacy.conftest import publish

NOTICE = {
    "version": "2026-02",
    "title_id": "Pemberitahuan Privasi",
    "title_en": "Privacy Notice",
    "body_id": "Kami memproses data Anda.",
    "body_en": "We process your data.",
}


def _login(client, user):
    return client.post("/api/v1/auth/login", json={"login": user.phone, "password": PASSWORD})


def test_without_a_notice_nothing_is_asked(client):
    assert client.get("/api/v1/privacy/notice").get_json()["error"] == "privacy_notice_not_found"
    body = _login(client, resident()).get_json()
    assert body["privacy"] == {
        "current_version": None,
        "accepted_version": None,
        "accepted_at": None,
        "consent_required": False,
    }


def test_the_notice_is_served_in_both_languages(client):
    publish("2026-01")
    resp = client.get("/api/v1/privacy/notice")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["version"] == "2026-01"
    assert body["title"] == {"id": "Pemberitahuan Privasi 2026-01", "en": "Privacy Notice 2026-01"}
    assert set(body["body"]) == {"id", "en"}
    assert resp.headers["Cache-Control"] == "public, max-age=60"


def test_registration_records_the_accepted_version_and_time(client):
    publish("2026-01")
    resp = client.post("/api/v1/auth/register", json={**REGISTER, "privacy_notice_version": "2026-01"})
    assert resp.status_code == 201
    privacy = resp.get_json()["privacy"]
    assert privacy["accepted_version"] == "2026-01" and privacy["consent_required"] is False
    assert privacy["accepted_at"] is not None
    user = db.session.scalars(select(User).where(User.phone == "+6281234567890")).one()
    assert db.session.scalar(select(func.count()).where(PrivacyConsent.user_id == user.id)) == 1


def test_registration_with_an_outdated_version_stores_nothing(client):
    publish("2026-01")
    publish("2026-02")
    resp = client.post("/api/v1/auth/register", json={**REGISTER, "privacy_notice_version": "2026-01"})
    assert resp.status_code == 409 and resp.get_json()["error"] == "privacy_notice_outdated"
    assert db.session.scalar(select(User.id).where(User.phone == "+6281234567890")) is None


def test_login_flags_a_new_version_until_it_is_accepted(client):
    user = resident()
    publish("2026-01")
    body = _login(client, user).get_json()
    assert body["privacy"]["consent_required"] is True
    auth = {"Authorization": f"Bearer {body['access_token']}"}
    accepted = client.post("/api/v1/me/privacy-consent", json={"version": "2026-01"}, headers=auth)
    assert accepted.status_code == 200 and accepted.get_json()["consent_required"] is False
    again = client.post("/api/v1/me/privacy-consent", json={"version": "2026-01"}, headers=auth)
    assert again.status_code == 200  # idempotent
    assert _login(client, user).get_json()["privacy"]["consent_required"] is False
    publish("2026-02")
    state = _login(client, user).get_json()["privacy"]
    assert state["consent_required"] is True
    assert state["current_version"] == "2026-02" and state["accepted_version"] == "2026-01"
    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": body["refresh_token"]})
    assert refreshed.get_json()["privacy"]["consent_required"] is True
    old = client.post("/api/v1/me/privacy-consent", json={"version": "2026-01"}, headers=auth)
    assert old.status_code == 409 and old.get_json()["error"] == "privacy_notice_outdated"
    assert client.get("/api/v1/me/privacy-consent", headers=auth).get_json()["consent_required"] is True


def test_consent_endpoints_need_a_token_and_valid_input(client):
    assert client.get("/api/v1/me/privacy-consent").status_code == 401
    auth = login(resident())
    assert client.post("/api/v1/me/privacy-consent", json={}, headers=auth).status_code == 422
    assert client.post("/api/v1/me/privacy-consent", json={"version": "x" * 21}, headers=auth).status_code == 422


def test_province_admins_publish_notices(client):
    admin = staff("admin", "32")
    resp = client.post("/api/v1/privacy/notices", json=NOTICE, headers=login(admin))
    assert resp.status_code == 201 and resp.get_json()["version"] == "2026-02"
    assert client.get("/api/v1/privacy/notice").get_json()["version"] == "2026-02"
    dup = client.post("/api/v1/privacy/notices", json=NOTICE, headers=login(admin))
    assert dup.status_code == 409 and dup.get_json()["error"] == "privacy_notice_exists"


def test_others_cannot_publish(client):
    assert client.post("/api/v1/privacy/notices", json=NOTICE).status_code == 401
    for user in (staff("admin", "32.73"), staff("moderator", "32"), resident()):
        resp = client.post("/api/v1/privacy/notices", json=NOTICE, headers=login(user))
        assert resp.status_code == 403
    assert client.get("/api/v1/privacy/notice").status_code == 404


def test_bad_notices_are_refused(client):
    auth = login(staff("admin", "32"))
    for bad in ({**NOTICE, "version": "bad version"}, {**NOTICE, "title_en": ""}, {**NOTICE, "extra": 1}):
        assert client.post("/api/v1/privacy/notices", json=bad, headers=auth).status_code == 422
    assert client.get("/api/v1/privacy/notice").status_code == 404


def test_seed_demo_publishes_the_first_notice_once(app, client):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    notice = client.get("/api/v1/privacy/notice")
    assert notice.status_code == 200
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    from sqlalchemy import func, select

    from app.accounts.privacy.models import PrivacyNotice
    from app.extensions import db

    assert db.session.scalar(select(func.count()).select_from(PrivacyNotice)) == 1
