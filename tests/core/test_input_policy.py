"""The one input policy (``app.core.inputs``): bad input is a 4xx in the one error format, never a 500, and nothing
is stored. Each case below was a 500 on PostgreSQL (and most on SQLite) before the policy (issue 10, point 2)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.core.db import Base
from app.core.inputs import MAX_JSON_DEPTH, NUL_MESSAGE, SURROGATE_MESSAGE, nests_too_deep
from app.extensions import db
from notifications.models import Device
from tests.core.test_app import assert_error
from tests.factories import PASSWORD, login, resident, staff, tokens_for

DEEP = "[" * 1000 + "]" * 1000  # 2 KB


def table_counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def _json_operations(app) -> list[tuple[str, str]]:
    """(method, url) of every operation that reads a JSON body, with sample path parameters."""
    samples = {"id": "1", "area_code": "32", "default": "x", "string": "x", "path": "x"}
    out = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        view_class = getattr(view, "view_class", None)
        for method in sorted((rule.methods or set()) & {"POST", "PUT", "PATCH"}):
            fn = getattr(view_class, method.lower(), None) if view_class else None
            params = getattr(fn, "_apidoc", {}).get("arguments", {}).get("parameters", [])
            if any(p["in"] == "json" for p in params):
                converters = {name: type(c).__name__ for name, c in rule._converters.items()}
                values = {
                    name: samples["id"] if kind == "IdConverter" else "32" if kind == "AreaCodeConverter" else "x"
                    for name, kind in converters.items()
                }
                out.append((method, rule.build(values, append_unknown=False)[1]))
    return out


def test_json_nested_1000_deep_is_a_400_on_every_json_endpoint(app, client):
    """RecursionError inside the parser was a 500, before log-in (the rate-limit key reads the body too)."""
    operations = _json_operations(app)
    assert len(operations) > 30
    headers = login(staff("admin", "32"))
    before = table_counts()
    for method, url in operations:
        for auth in ({}, headers):
            resp = client.open(url, method=method, data=DEEP, content_type="application/json", headers=auth)
            assert resp.status_code in (400, 401, 403, 404, 409), (method, url, resp.get_json())
            assert_error(resp, resp.status_code)
    for url in ("/api/v1/auth/login", "/api/v1/auth/register", "/api/v1/auth/refresh"):
        body = assert_error(client.post(url, data=DEEP, content_type="application/json"), 400)
        assert body["errors"] == {"body": [f"JSON may not nest more than {MAX_JSON_DEPTH} levels deep."]}
    assert table_counts() == before


def test_depth_counts_brackets_outside_strings_only(client):
    deep, ok = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1), "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert nests_too_deep(deep) and not nests_too_deep(ok)
    assert not nests_too_deep('{"a": [[1]], "b": "' + "[" * 100 + '"}')
    inner = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)  # MAX_JSON_DEPTH levels inside the object
    assert not nests_too_deep('{"a": "\\"' + "[" * 100 + '", "b": ' + inner + "}")  # an escaped quote ends no text
    assert nests_too_deep('{"a": "' + "]" * 100 + '", "b": ' + ok + "}")
    resp = client.post("/api/v1/auth/login", json={"login": "081234567890", "password": "[" * 100})
    assert resp.status_code == 401  # brackets inside a text are only text
    resp = client.post("/api/v1/auth/login", json={"login": "081234567890", "password": [[["x"]]]})
    assert resp.status_code == 422


SURROGATE = "\\ud800"  # as the JSON escape: json.loads turns it into a lone surrogate


def _raw(template: str) -> str:
    return template.replace("@", SURROGATE)


@pytest.mark.parametrize(
    ("method", "url", "who", "raw", "field"),
    [
        ("post", "/api/v1/auth/login", None, '{"login": "0812@", "password": "x"}', "login"),
        ("post", "/api/v1/auth/login", None, '{"login": "{phone}", "password": "pw@"}', "password"),
        ("post", "/api/v1/auth/refresh", None, '{"refresh_token": "{refresh}@"}', "refresh_token"),
        (
            "post",
            "/api/v1/auth/register",
            None,
            '{"name": "Siti @", "phone": "081299990000", "password": "rahasia-123", "home_area_code": "32.73.01.1001"}',
            "name",
        ),
        ("patch", "/api/v1/me", "resident", '{"name": "Budi @"}', "name"),
        (
            "post",
            "/api/v1/auth/password",
            "resident",
            '{"current_password": "@", "new_password": "rahasia-456"}',
            "current_password",
        ),
        (
            "post",
            "/api/v1/users",
            "admin",
            '{"name": "Mod @", "email": "m@kota.id", "password": "rahasia-123", "role": "moderator", '
            '"scope_area_code": "32.73"}',
            "name",
        ),
        ("post", "/api/v1/offices", "admin", '{"code": "DINAS-1", "name": "Dinas @", "area_code": "32.73"}', "name"),
        (
            "post",
            "/api/v1/sla/holidays",
            "admin",
            '{"date": "2026-09-25", "name": "Hari @", "area_code": "32.73"}',
            "name",
        ),
        ("post", "/api/v1/categories", "province_admin", '{"slug": "pohon-x", "name": "Pohon @"}', "name"),
        ("patch", "/api/v1/me", "resident", '{"name": "Budi", "@": 1}', SURROGATE),  # a key: named with escapes
    ],
)
def test_a_lone_surrogate_in_any_text_is_a_422_naming_the_field(client, method, url, who, raw, field):
    user = resident(name="Budi Santoso")
    callers = {
        None: {},
        "resident": login(user),
        "admin": login(staff("admin", "32.73")),
        "province_admin": login(staff("admin", "32")),
    }
    refresh = tokens_for(user)["refresh_token"]
    raw = _raw(raw).replace("{phone}", user.phone).replace("{refresh}", refresh)
    before = table_counts()
    resp = getattr(client, method)(url, data=raw, content_type="application/json", headers=callers[who])
    body = assert_error(resp, 422)
    assert body["errors"] == {field: [SURROGATE_MESSAGE]}
    assert table_counts() == before
    db.session.refresh(user)
    assert user.name == "Budi Santoso"
    resp = client.post("/api/v1/auth/login", json={"login": user.phone, "password": PASSWORD})
    assert resp.status_code == 200  # the password did not change either


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/areas?cursor=WyJcdTAwMDAiXQ",  # ["\u0000"]
        "/api/v1/areas/32/children?cursor=WyJcdWQ4MDAiXQ",  # ["\ud800"]
        "/api/v1/areas/32/children?cursor=WyJcdTAwMDAiXQ",
    ],
)
def test_a_cursor_holding_nul_or_a_lone_surrogate_is_a_422(client, url):
    body = assert_error(client.get(url), 422)
    assert body["errors"] == {"cursor": ["Invalid cursor."]}


def test_nul_in_a_path_parameter_is_a_422_naming_it(client):
    user = resident()
    headers = login(user)
    assert client.post("/api/v1/devices", json={"token": "t" * 30, "platform": "web"}, headers=headers).status_code in (
        200,
        201,
    )
    before = table_counts()
    body = assert_error(client.delete("/api/v1/devices/abc%00def", headers=headers), 422)
    assert body["errors"] == {"token": [NUL_MESSAGE]}
    assert table_counts() == before


def test_nul_in_a_header_is_a_422_naming_it(client):
    """The User-Agent is stored with the session: NUL there was a 500 at log-in on PostgreSQL."""
    user = resident()
    before = table_counts()
    resp = client.post(
        "/api/v1/auth/login", json={"login": user.phone, "password": PASSWORD}, headers={"User-Agent": "app\x00/1.0"}
    )
    body = assert_error(resp, 422)
    assert body["errors"] == {"User-Agent": [NUL_MESSAGE]}
    assert table_counts() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"locale": "id-ID-abcdefgh-xy"}, "locale"),  # valid by the pattern, 17 characters for a 16-character column
        ({"token": "t" * 512 + "\n"}, "token"),  # a final "$" let one trailing newline past a 512-character pattern
    ],
)
def test_a_device_field_longer_than_its_column_is_a_422(client, change, field):
    headers = login(resident())
    resp = client.post("/api/v1/devices", json={"token": "t" * 30, "platform": "android", **change}, headers=headers)
    body = assert_error(resp, 422)
    assert set(body["errors"]) == {field}
    assert db.session.scalar(select(func.count()).select_from(Device)) == 0
