"""Operator and admin account operations: flask users list|deactivate|reset-password|revoke-sessions, and the
same for admins through the API inside their scope."""

from __future__ import annotations

from app.accounts.models import User
from app.extensions import db
from tests.factories import login, resident, staff


def _cli(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["users", *args], input=input)


def test_users_list_shows_staff_by_default(app):
    moderator = staff("moderator", "32.73", name="Dewi Moderator")
    resident(name="Warga Biasa")
    db.session.commit()
    out = _cli(app, "list").output
    assert f"{moderator.id}\tmoderator\t32.73\tactive" in out and "Warga Biasa" not in out
    assert "Warga Biasa" in _cli(app, "list", "--role", "resident", "--area", "32.73.01").output
    assert _cli(app, "list", "--role", "nobody").exit_code == 2


def test_cli_deactivate_reset_and_revoke(app, client):
    moderator = staff("moderator", "32.73")
    auth = login(moderator)
    result = _cli(app, "revoke-sessions", moderator.phone)
    assert result.exit_code == 0 and "1 session(s)" in result.output
    assert client.get("/api/v1/me", headers=auth).status_code == 401
    auth = login(moderator)
    result = _cli(app, "reset-password", str(moderator.id), "--password", "baru-sekali-1")
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/me", headers=auth).status_code == 401
    ok = client.post("/api/v1/auth/login", json={"login": moderator.phone, "password": "baru-sekali-1"})
    assert ok.status_code == 200
    assert _cli(app, "reset-password", str(moderator.id), "--password", "short").exit_code == 2
    assert _cli(app, "deactivate", str(moderator.id)).exit_code == 0
    db.session.expire_all()
    assert db.session.get(User, moderator.id).is_active is False
    denied = client.post("/api/v1/auth/login", json={"login": moderator.phone, "password": "baru-sekali-1"})
    assert denied.status_code == 401
    assert _cli(app, "deactivate", "nobody@example.id").exit_code == 1


def test_admins_reset_and_revoke_inside_their_scope(client):
    admin = login(staff("admin", "32.73"))
    moderator = staff("moderator", "32.73.01")
    target_auth = login(moderator)
    revoked = client.post(f"/api/v1/users/{moderator.id}/revoke-sessions", headers=admin)
    assert revoked.status_code == 200 and revoked.get_json() == {"revoked": 1}
    assert client.get("/api/v1/me", headers=target_auth).status_code == 401
    reset = client.post(f"/api/v1/users/{moderator.id}/password", json={"new_password": "baru-sekali-2"}, headers=admin)
    assert reset.status_code == 204
    login_ok = client.post("/api/v1/auth/login", json={"login": moderator.phone, "password": "baru-sekali-2"})
    assert login_ok.status_code == 200
    bad = client.post(f"/api/v1/users/{moderator.id}/password", json={"new_password": "short"}, headers=admin)
    assert bad.status_code == 422


def test_others_cannot_reset_or_revoke(client):
    outside = staff("moderator", "32.04")
    admin = login(staff("admin", "32.73"))
    assert client.post(f"/api/v1/users/{outside.id}/revoke-sessions", headers=admin).status_code == 404
    body = {"new_password": "baru-sekali-3"}
    assert client.post(f"/api/v1/users/{outside.id}/password", json=body, headers=admin).status_code == 404
    peer = login(staff("moderator", "32.04"))
    assert client.post(f"/api/v1/users/{outside.id}/revoke-sessions", headers=peer).status_code == 403
    assert client.post(f"/api/v1/users/{outside.id}/revoke-sessions").status_code == 401
    someone = resident()
    assert client.post(f"/api/v1/users/{someone.id}/revoke-sessions", headers=admin).status_code == 404
