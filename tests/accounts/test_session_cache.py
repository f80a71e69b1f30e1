"""The token check's per-process cache (``AUTH_SESSION_CACHE_SECONDS``): reads reuse a checked session for a few
seconds, and every change made in this process (logout, password change, deactivation, role or home change,
refresh-token reuse, account deletion) ends or updates the cached session at once; writes always check the
database; a change this process did not make is seen after the documented window."""

from __future__ import annotations

import pytest
from sqlalchemy import event, update

from app.accounts import principal_cache
from app.accounts.models import AuthSession, User
from app.config import ConfigError, TestConfig
from app.core.cache import setting_ttl_cache
from app.core.db import utcnow
from app.extensions import db
from tests.factories import PASSWORD, login, resident, staff, tokens_for
from tests.news.test_announcements_helpers import DESA, OTHER_DESA, lurah, posted

READ = "/api/v1/announcements"  # a signed-in read whose answer depends on the caller's home
WINDOW = 5


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(app, monkeypatch) -> Clock:
    """The cache on (5 s) with a clock the test moves."""
    clock = Clock()
    monkeypatch.setitem(app.config, "AUTH_SESSION_CACHE_SECONDS", WINDOW)
    monkeypatch.setattr(
        principal_cache, "_principals", setting_ttl_cache("AUTH_SESSION_CACHE_SECONDS", maxsize=100, timer=clock)
    )
    return clock


@pytest.fixture
def checks():
    """The token checks (the users ⋈ auth_sessions query) the requests run."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        if "JOIN auth_sessions" in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def status(client, headers) -> int:
    return client.get(READ, headers=headers).status_code


def test_reads_reuse_a_checked_session_and_writes_always_check(client, clock, checks):
    headers = login(resident())
    assert [status(client, headers) for _ in range(3)] == [200, 200, 200]
    assert len(checks) == 1
    assert client.patch("/api/v1/me", json={"name": "Siti A."}, headers=headers).status_code == 200
    assert client.patch("/api/v1/me", json={"name": "Siti B."}, headers=headers).status_code == 200
    assert len(checks) == 3
    assert client.get("/api/v1/me", headers=headers).get_json()["name"] == "Siti B."  # GET /me reads fresh
    assert len(checks) == 4
    clock.now += WINDOW + 1  # expired: checked again
    assert status(client, headers) == 200
    assert len(checks) == 5


def test_the_cache_is_off_at_zero(client, clock, checks, app):
    app.config["AUTH_SESSION_CACHE_SECONDS"] = 0
    headers = login(resident())
    assert [status(client, headers) for _ in range(3)] == [200, 200, 200]
    assert len(checks) == 3


def test_logout_ends_the_cached_session_at_once(client, clock):
    user = resident()
    phone_a, phone_b = tokens_for(user), tokens_for(user)
    assert status(client, bearer(phone_a["access_token"])) == status(client, bearer(phone_b["access_token"])) == 200
    assert client.post("/api/v1/auth/logout", headers=bearer(phone_a["access_token"])).status_code == 204
    resp = client.get(READ, headers=bearer(phone_a["access_token"]))
    assert resp.status_code == 401 and resp.get_json()["errors"] == {"token": ["revoked"]}
    assert status(client, bearer(phone_b["access_token"])) == 200


def test_a_password_change_ends_the_other_cached_sessions_at_once(client, clock):
    user = resident()
    this, other = tokens_for(user), tokens_for(user)
    assert status(client, bearer(this["access_token"])) == status(client, bearer(other["access_token"])) == 200
    resp = client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "a-new-password"},
        headers=bearer(this["access_token"]),
    )
    assert resp.status_code == 204
    assert status(client, bearer(other["access_token"])) == 401
    assert status(client, bearer(this["access_token"])) == 200


@pytest.mark.parametrize(
    "changes",
    [{"is_active": False}, {"role": "rw_official", "scope_area_code": DESA, "scope_rw": 3}],
    ids=["deactivate", "role"],
)
def test_deactivation_or_a_role_change_by_an_admin_ends_the_cached_sessions(client, clock, changes):
    official = staff("village_official", DESA)
    headers = login(official)
    assert status(client, headers) == 200
    resp = client.patch(f"/api/v1/users/{official.id}", json=changes, headers=login(staff("admin", "32.73")))
    assert resp.status_code == 200, resp.get_json()
    assert status(client, headers) == 401


def test_an_admin_signing_an_account_out_ends_its_cached_sessions(client, clock):
    official = staff("village_official", DESA)
    headers = login(official)
    assert status(client, headers) == 200
    resp = client.post(f"/api/v1/users/{official.id}/revoke-sessions", headers=login(staff("admin", "32.73")))
    assert resp.status_code == 200 and resp.get_json()["revoked"] == 1
    assert status(client, headers) == 401


def test_reusing_a_refresh_token_ends_the_cached_session(client, clock):
    first = tokens_for(resident())
    second = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}).get_json()
    assert status(client, bearer(second["access_token"])) == 200
    reused = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401
    assert status(client, bearer(second["access_token"])) == 401


def test_deleting_the_account_ends_its_cached_sessions(client, clock):
    user = resident()
    other = login(user)
    assert status(client, other) == 200
    resp = client.delete("/api/v1/me", json={"password": PASSWORD}, headers=login(user))
    assert resp.status_code == 204, resp.get_json()
    assert status(client, other) == 401


def test_a_home_change_is_seen_by_the_next_read(client, clock):
    there = posted(client, lurah(OTHER_DESA), area_code=OTHER_DESA, rw=None)["id"]
    headers = login(resident(home_area_code=DESA, home_rw=5))
    assert [i["id"] for i in client.get(READ, headers=headers).get_json()["items"]] == []
    resp = client.patch("/api/v1/me", json={"home_area_code": OTHER_DESA, "home_rw": 1}, headers=headers)
    assert resp.status_code == 200
    assert [i["id"] for i in client.get(READ, headers=headers).get_json()["items"]] == [there]


def test_a_change_in_a_flushed_transaction_is_seen_at_once(client, clock):
    user = resident()
    headers = login(user)
    assert status(client, headers) == 200
    user.is_active = False  # e.g. a command or job of this process, not yet committed
    db.session.flush()
    assert status(client, headers) == 401


def test_another_process_s_revocation_is_seen_within_the_window(client, clock):
    """A change this process did not make (here: a Core statement the ORM hooks cannot see, as another worker's
    commit would be) still reads for at most the window; a write is refused at once."""
    user = resident()
    headers = login(user)
    assert status(client, headers) == 200
    db.session.connection().execute(
        update(AuthSession.__table__).where(AuthSession.user_id == user.id).values(revoked_at=utcnow())
    )
    assert status(client, headers) == 200  # the documented window
    assert client.patch("/api/v1/me", json={"name": "Siti C."}, headers=headers).status_code == 401
    clock.now += WINDOW - 0.5
    assert status(client, headers) == 200
    clock.now += 1
    assert status(client, headers) == 401


def test_a_check_that_overlaps_a_change_is_not_kept(client, clock, checks):
    """A load that read the session while this process was changing it must not outlive the change."""
    headers = login(resident())

    def change_meanwhile(_conn, _cursor, statement, *_args) -> None:
        if "JOIN auth_sessions" in statement:
            principal_cache.forget_principals(user_ids=[0])  # any change: a concurrent write's flush or commit

    event.listen(db.engine, "after_cursor_execute", change_meanwhile)
    try:
        assert status(client, headers) == 200
    finally:
        event.remove(db.engine, "after_cursor_execute", change_meanwhile)
    assert status(client, headers) == 200
    assert len(checks) == 2  # the first answer was not stored


def test_only_principal_fields_drop_an_entry(client, clock, checks):
    user = resident()
    headers = login(user)
    assert status(client, headers) == 200
    u = db.session.get(User, user.id)
    u.last_active_at = utcnow()  # bookkeeping of every log-in and refresh
    db.session.flush()
    assert status(client, headers) == 200
    assert len(checks) == 1


@pytest.mark.parametrize("seconds", [-1, 61])
def test_the_window_is_bounded(seconds):
    config = TestConfig.from_env()
    config.AUTH_SESSION_CACHE_SECONDS = seconds
    with pytest.raises(ConfigError):
        config.validate()
