"""The JSON the accounts presenters write is what the documented schemas describe, and what marshmallow wrote
from the same objects: the token answers, the own profile, staff accounts."""

from __future__ import annotations

from app.accounts import presenters, service, sessions
from app.accounts.models import User
from app.accounts.privacy import consent
from app.accounts.schemas import MeSchema, SessionsRevokedSchema, StaffSchema, TokenSchema
from app.core.pagination import page_of
from app.extensions import db
from tests.factories import REGISTER, login, resident, staff
from tests.presenter_checks import same_as_dump, same_as_schema, written


def _publish(version: str) -> None:
    notice = {"title_id": "Pemberitahuan", "title_en": "Notice", "body_id": "Isi.", "body_en": "Text."}
    consent.publish(actor_id=None, data={"version": version, **notice})
    db.session.commit()


def _fresh(user_id: int) -> User:
    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert user is not None
    return user


def _as_dumped_before(body: dict, user: User) -> dict:
    """The token answer's source as the views handed it to ``TokenSchema`` before the presenter."""
    tokens = {k: body[k] for k in ("access_token", "refresh_token", "token_type", "expires_in")}
    return {**tokens, "user": user, "privacy": consent.state(user.id)}


def test_token_answers_match_their_schema(client):
    _publish("2026-01")
    registered = client.post("/api/v1/auth/register", json={**REGISTER, "privacy_notice_version": "2026-01"})
    assert registered.status_code == 201
    body = registered.get_json()
    user = _fresh(body["user"]["id"])
    assert body["privacy"]["accepted_at"] is not None and body["user"]["phone"] == "+6281234567890"
    same_as_dump(body, TokenSchema(), _as_dumped_before(body, user))

    _publish("2026-02")  # now the consent is required again
    logged_in = client.post("/api/v1/auth/login", json={"login": user.phone, "password": "rahasia-123"})
    assert logged_in.status_code == 200 and logged_in.get_json()["privacy"]["consent_required"] is True
    same_as_dump(logged_in.get_json(), TokenSchema(), _as_dumped_before(logged_in.get_json(), _fresh(user.id)))

    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": logged_in.get_json()["refresh_token"]})
    assert refreshed.status_code == 200
    same_as_dump(refreshed.get_json(), TokenSchema(), _as_dumped_before(refreshed.get_json(), _fresh(user.id)))


def test_token_presenter_without_a_notice():
    user = resident(email="siti@example.org")
    issued = sessions.start_session(user, user_agent="pytest")
    state = consent.state(user.id)
    data = presenters.tokens(issued, consent=state)
    assert data["token_type"] == "Bearer" and data["privacy"]["accepted_at"] is None
    same_as_dump(data, TokenSchema(), {**issued, "token_type": "Bearer", "privacy": state})


def test_profile_answers_match_their_schema(client):
    for user in (resident(email="siti@example.org"), staff("rw_official", "32.73.01.1001", rw=5)):
        headers = login(user)
        got = client.get("/api/v1/me", headers=headers)
        assert got.status_code == 200
        same_as_dump(got.get_json(), MeSchema(), _fresh(user.id))
        same_as_dump(presenters.me(user), MeSchema(), user)
        changed = client.patch("/api/v1/me", json={"name": "Nama Baru", "email": None}, headers=headers)
        assert changed.status_code == 200 and changed.get_json()["email"] is None
        same_as_dump(changed.get_json(), MeSchema(), _fresh(user.id))


def test_staff_answers_match_their_schema(client):
    admin = staff("admin", "32.73")
    headers = login(admin)
    new = {"name": "Budi", "email": "budi@example.org", "password": "initial-pass-1", "role": "moderator"}
    created = client.post("/api/v1/users", json={**new, "scope_area_code": "32.73"}, headers=headers)
    assert created.status_code == 201
    made = _fresh(created.get_json()["id"])
    assert made.created_by_id == admin.id and made.last_login_at is None and made.phone is None
    same_as_dump(created.get_json(), StaffSchema(), made)

    client.post("/api/v1/auth/login", json={"login": "budi@example.org", "password": "initial-pass-1"})
    staff("editor", "32.73.01")  # made by the operator: no creator
    listed = client.get("/api/v1/users?limit=1", headers=headers).get_json()
    assert listed["next_cursor"] is not None
    result = service.list_staff(actor=_fresh(admin.id), role=None, area_code=None, cursor=None, limit=20)
    assert {u.created_by_id for u in result["items"]} == {None, admin.id}
    assert any(u.last_login_at is not None for u in result["items"])
    same_as_dump(presenters.staff_page(result), page_of(StaffSchema)(), result)
    assert written(presenters.staff_page(result))["items"][:1] == listed["items"]

    got = client.get(f"/api/v1/users/{made.id}", headers=headers)
    same_as_dump(got.get_json(), StaffSchema(), _fresh(made.id))
    patched = client.patch(f"/api/v1/users/{made.id}", json={"is_active": False}, headers=headers)
    assert patched.status_code == 200 and patched.get_json()["is_active"] is False
    same_as_dump(patched.get_json(), StaffSchema(), _fresh(made.id))


def test_revoked_sessions_answer_matches_its_schema(client):
    admin, target = staff("admin", "32.73"), staff("moderator", "32.73")
    for _ in range(2):
        login(target)
    resp = client.post(f"/api/v1/users/{target.id}/revoke-sessions", headers=login(admin))
    assert resp.status_code == 200 and resp.get_json() == {"revoked": 2}
    same_as_dump(resp.get_json(), SessionsRevokedSchema(), {"revoked": 2})
    same_as_schema(presenters.sessions_revoked(0), SessionsRevokedSchema())
