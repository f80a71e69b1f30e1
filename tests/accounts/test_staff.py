"""Staff accounts: who may create and manage whom, API and CLI."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from tests.factories import PASSWORD, login, resident, staff


def new_staff(role: str, area: str, rw: int | None = None, **extra) -> dict:
    body = {"name": "Petugas Baru", "phone": extra.pop("phone", "081377770000"), "password": "initial-pass-1"}
    body.update(role=role, scope_area_code=area, **extra)
    if rw is not None:
        body["scope_rw"] = rw
    return body


# (creator role, creator area, creator rw, new role, new area, new rw, expected status)
MATRIX = [
    # a kab/kota admin: anything inside the kab/kota, nothing wider
    ("admin", "32.73", None, "moderator", "32.73", None, 201),
    ("admin", "32.73", None, "admin", "32.73.01", None, 201),
    ("admin", "32.73", None, "rw_official", "32.73.01.1001", 3, 201),
    ("admin", "32.73", None, "moderator", "32", None, 403),  # province moderator: wider than the admin
    ("admin", "32.73", None, "moderator", "32.04", None, 403),  # Kabupaten Bandung: another kab
    ("admin", "32", None, "admin", "32.73", None, 201),
    # a village official: village and RW officials of their own desa only
    ("village_official", "32.73.01.1001", None, "rw_official", "32.73.01.1001", 5, 201),
    ("village_official", "32.73.01.1001", None, "village_official", "32.73.01.1001", None, 201),
    ("village_official", "32.73.01.1001", None, "rw_official", "32.73.01.1002", 5, 403),
    ("village_official", "32.73.01.1001", None, "moderator", "32.73.01.1001", None, 403),
    ("village_official", "32.73.01.1001", None, "village_official", "32.73.01", None, 422),  # not a desa
    # an RW official creates no one
    ("rw_official", "32.73.01.1001", 5, "rw_official", "32.73.01.1001", 5, 403),
    # moderators, editors and handlers: their own kind, inside their scope
    ("moderator", "32.73", None, "moderator", "32.73.02", None, 201),
    ("moderator", "32.73", None, "admin", "32.73.02", None, 403),
    ("moderator", "32.73.02", None, "moderator", "32.73", None, 403),
    ("editor", "32.73", None, "editor", "32.73", None, 201),
    ("editor", "32.73", None, "moderator", "32.73", None, 403),
    ("office_handler", "32.73", None, "office_handler", "32.73", None, 201),
    ("office_handler", "32.73", None, "editor", "32.73", None, 403),
]


@pytest.mark.parametrize(("role", "area", "rw", "new_role", "new_area", "new_rw", "expected"), MATRIX)
def test_staff_creation_scope(client, role, area, rw, new_role, new_area, new_rw, expected):
    creator = staff(role, area, rw)
    resp = client.post("/api/v1/users", json=new_staff(new_role, new_area, new_rw), headers=login(creator))
    assert resp.status_code == expected, resp.get_json()
    created = db.session.scalar(select(User).where(User.phone == "+6281377770000"))
    if expected == 201:
        body = resp.get_json()
        assert (body["role"], body["scope_area_code"], body["scope_rw"]) == (new_role, new_area, new_rw)
        assert created.created_by_id == creator.id
        assert "password" not in body and "password_hash" not in body
    else:
        assert created is None


def test_residents_cannot_create_staff(client):
    resp = client.post("/api/v1/users", json=new_staff("moderator", "32.73"), headers=login(resident()))
    assert resp.status_code == 403


def test_anonymous_cannot_create_staff(client):
    assert client.post("/api/v1/users", json=new_staff("moderator", "32.73")).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "resident"}, "role"),
        ({"role": "superuser"}, "role"),
        ({"scope_area_code": "32.99"}, "scope_area_code"),
        ({"scope_area_code": "not-a-code"}, "scope_area_code"),
        ({"role": "rw_official", "scope_area_code": "32.73.01.1001"}, "scope_rw"),  # RW missing
        ({"scope_rw": 4}, "scope_rw"),  # RW for a moderator
        ({"phone": "021-555-1234"}, "phone"),
        ({"phone": None}, "phone"),  # neither phone nor e-mail
        ({"password": "short"}, "password"),
        ({"is_active": False}, "is_active"),  # unknown on create
    ],
)
def test_staff_creation_validation(client, body, field):
    admin = staff("admin", "32.73")
    resp = client.post("/api/v1/users", json={**new_staff("moderator", "32.73"), **body}, headers=login(admin))
    assert resp.status_code == 422, resp.get_json()
    assert field in resp.get_json()["errors"]


def test_duplicate_staff_phone_is_409(client):
    admin = staff("admin", "32.73")
    existing = resident()
    resp = client.post(
        "/api/v1/users", json=new_staff("moderator", "32.73", phone=existing.phone), headers=login(admin)
    )
    assert resp.status_code == 409


def test_new_staff_can_log_in(client):
    admin = staff("admin", "32.73")
    client.post("/api/v1/users", json=new_staff("moderator", "32.73.01"), headers=login(admin))
    resp = client.post("/api/v1/auth/login", json={"login": "081377770000", "password": "initial-pass-1"})
    assert resp.status_code == 200 and resp.get_json()["user"]["role"] == "moderator"


def test_list_only_managed_staff(client):
    admin = staff("admin", "32.73")
    inside = staff("moderator", "32.73.01")
    staff("moderator", "32.04")  # another kabupaten
    resident()
    body = client.get("/api/v1/users", headers=login(admin)).get_json()
    ids = {u["id"] for u in body["items"]}
    assert inside.id in ids and admin.id not in ids
    assert all(u["scope_area_code"].startswith("32.73") for u in body["items"])
    assert all(u["role"] != "resident" for u in body["items"])


def test_list_filters_and_paginates(client):
    admin = staff("admin", "32.73")
    for _ in range(3):
        staff("editor", "32.73.02")
    staff("moderator", "32.73.02")
    first = client.get("/api/v1/users?role=editor&limit=2", headers=login(admin)).get_json()
    second = client.get(f"/api/v1/users?role=editor&limit=2&cursor={first['next_cursor']}", headers=login(admin))
    items = first["items"] + second.get_json()["items"]
    assert len(items) == 3 and {u["role"] for u in items} == {"editor"}
    only_area = client.get("/api/v1/users?area_code=32.73.02", headers=login(admin)).get_json()["items"]
    assert len(only_area) == 4


def test_village_official_lists_only_their_desa(client):
    lurah = staff("village_official", "32.73.01.1001")
    mine = staff("rw_official", "32.73.01.1001", 2)
    staff("rw_official", "32.73.01.1002", 2)
    body = client.get("/api/v1/users", headers=login(lurah)).get_json()
    assert [u["id"] for u in body["items"]] == [mine.id]


def test_manage_outside_scope_is_404(client):
    admin = staff("admin", "32.73")
    outsider = staff("moderator", "32.04")
    assert client.get(f"/api/v1/users/{outsider.id}", headers=login(admin)).status_code == 404
    resp = client.patch(f"/api/v1/users/{outsider.id}", json={"is_active": False}, headers=login(admin))
    assert resp.status_code == 404
    db.session.refresh(outsider)
    assert outsider.is_active


def test_cannot_manage_self_or_residents_through_users(client):
    admin = staff("admin", "32.73")
    person = resident()
    assert client.get(f"/api/v1/users/{admin.id}", headers=login(admin)).status_code == 404
    assert client.get(f"/api/v1/users/{person.id}", headers=login(admin)).status_code == 404


def test_deactivating_staff_ends_their_sessions(client):
    admin = staff("admin", "32.73")
    mod = staff("moderator", "32.73")
    mod_headers = login(mod)
    resp = client.patch(f"/api/v1/users/{mod.id}", json={"is_active": False}, headers=login(admin))
    assert resp.status_code == 200 and resp.get_json()["is_active"] is False
    assert client.get("/api/v1/me", headers=mod_headers).status_code == 401
    assert client.post("/api/v1/auth/login", json={"login": mod.phone, "password": PASSWORD}).status_code == 401


def test_change_role_and_scope_within_grant(client):
    admin = staff("admin", "32.73")
    mod = staff("moderator", "32.73")
    ok = client.patch(f"/api/v1/users/{mod.id}", json={"scope_area_code": "32.73.01"}, headers=login(admin))
    assert ok.status_code == 200 and ok.get_json()["scope_area_code"] == "32.73.01"
    wider = client.patch(f"/api/v1/users/{mod.id}", json={"scope_area_code": "32"}, headers=login(admin))
    assert wider.status_code == 403
    db.session.refresh(mod)
    assert mod.scope_area_code == "32.73.01"


def test_moderator_cannot_promote_a_peer(client):
    mod = staff("moderator", "32.73")
    peer = staff("moderator", "32.73.01")
    resp = client.patch(f"/api/v1/users/{peer.id}", json={"role": "admin"}, headers=login(mod))
    assert resp.status_code == 403
    db.session.refresh(peer)
    assert peer.role == "moderator"


def test_cli_creates_staff(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users", "create", "--role", "rw_official", "--area", "32.73.01.1001", "--rw", "7",
            "--name", "Ketua RW 07", "--phone", "081388880000", "--password", "cli-password-1",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User).where(User.phone == "+6281388880000")).one()
    assert (user.role, user.scope, user.created_by_id) == ("rw_official", "32.73.01.1001.007", None)


def test_cli_rejects_bad_scope(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create", "--role", "village_official", "--area", "32.73", "--name", "X",
              "--phone", "081388880001", "--password", "cli-password-1"]
    )  # fmt: skip
    assert result.exit_code != 0 and "desa" in result.output
