"""App factory, configuration and the one error body."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import create_app
from app.config import DEV_JWT_SECRET_KEY, Config, ConfigError, TestConfig, normalise_database_url

ERROR_KEYS = {"code", "status", "message", "errors", "error", "error_codes"}


def assert_error(resp, status: int) -> dict:
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == status
    assert isinstance(body["message"], str) and body["message"]
    return body


def test_production_refuses_default_secret_key(monkeypatch):
    monkeypatch.setenv("BALAI_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("JWT_SECRET_KEY", "x" * 40)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(Config.from_env())


def test_production_refuses_default_or_short_jwt_key(monkeypatch):
    monkeypatch.setenv("BALAI_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("JWT_SECRET_KEY", DEV_JWT_SECRET_KEY)
    with pytest.raises(ConfigError, match="JWT_SECRET_KEY"):
        Config.from_env().validate()
    monkeypatch.setenv("JWT_SECRET_KEY", "short")
    with pytest.raises(ConfigError, match="32 bytes"):
        Config.from_env().validate()


def test_production_accepts_real_keys(monkeypatch):
    monkeypatch.setenv("BALAI_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("JWT_SECRET_KEY", "j" * 40)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")  # see tests/core/test_ratelimit.py
    Config.from_env().validate()  # no exception


def test_config_reads_environment(monkeypatch):
    monkeypatch.setenv("ACCESS_TOKEN_MINUTES", "7")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    cfg = Config.from_env()
    assert cfg.ACCESS_TOKEN_MINUTES == 7
    assert cfg.DATABASE_URL == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("ACCESS_TOKEN_MINUTES", "seven")
    with pytest.raises(RuntimeError, match="ACCESS_TOKEN_MINUTES"):
        Config.from_env()


def test_default_database_is_sqlite_in_instance(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert Config.from_env().DATABASE_URL.startswith("sqlite:///")
    assert Config.from_env().DATABASE_URL.endswith("instance/balai.sqlite3")
    assert normalise_database_url("sqlite:///x") == "sqlite:///x"


def test_test_config_uses_test_database(monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    monkeypatch.setenv("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1/test")
    assert TestConfig.from_env().DATABASE_URL == "postgresql+psycopg://postgres@127.0.0.1/test"


def test_each_test_worker_has_its_own_database_rate_limit_keys_and_uploads(monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw3")
    monkeypatch.setenv("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1/test?application_name=t")
    cfg = TestConfig.from_env()
    assert cfg.DATABASE_URL == "postgresql+psycopg://postgres@127.0.0.1/test_gw3?application_name=t"
    assert (cfg.RATELIMIT_KEY_PREFIX, Path(cfg.STORAGE_LOCAL_DIR).name) == ("balai-test-gw3", "test-uploads-gw3")
    monkeypatch.delenv("TEST_DATABASE_URL")
    assert TestConfig.from_env().DATABASE_URL.endswith("/instance/test-gw3.sqlite3")
    monkeypatch.setenv("TEST_DATABASE_URL", "sqlite://")  # in memory: one per process anyway
    assert TestConfig.from_env().DATABASE_URL == "sqlite://"


def test_healthz_needs_no_database(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok"}


def test_readyz_pings_database(client):
    body = client.get("/readyz").get_json()
    assert body["status"] == "ready" and body["checks"]["database"] == "ok"


def test_readyz_reports_unreachable_database(client, monkeypatch):
    def broken(*a, **k):
        raise RuntimeError("connection refused")

    monkeypatch.setattr("app.health._database", broken)
    assert set(assert_error(client.get("/readyz"), 503)["errors"]) == {"database"}


def test_unknown_route_is_json_404(client):
    assert_error(client.get("/api/v1/nothing-here"), 404)
    assert_error(client.get("/favicon.ico"), 404)


def test_wrong_method_is_405_with_allow_header(client):
    resp = client.put("/api/v1/auth/login", json={})
    assert_error(resp, 405)
    assert "POST" in resp.headers["Allow"]


def test_wrong_content_type_is_415(client):
    body = assert_error(client.post("/api/v1/auth/login", data="login=a", content_type="text/plain"), 415)
    assert "application/json" in body["message"]


def test_body_too_large_is_413(client):
    resp = client.post("/api/v1/auth/login", data=b"{" + b" " * 100_000 + b"}", content_type="application/json")
    assert_error(resp, 413)


def test_invalid_json_is_400(client):
    body = assert_error(client.post("/api/v1/auth/login", data="{nope", content_type="application/json"), 400)
    assert body["errors"]["body"]


def test_validation_error_is_422_with_field_errors(client):
    body = assert_error(client.post("/api/v1/auth/login", json={"login": "ab"}), 422)
    assert set(body["errors"]) == {"login", "password"}


def test_unknown_field_is_rejected(client):
    body = assert_error(
        client.post("/api/v1/auth/login", json={"login": "0812", "password": "x", "role": "admin"}), 422
    )
    assert body["errors"] == {"role": ["Unknown field."]}


def test_unexpected_exception_is_json_500(app, client, monkeypatch):
    def boom():
        raise RuntimeError("planted secret detail")

    monkeypatch.setitem(app.view_functions, "health.healthz", boom)
    body = assert_error(client.get("/healthz"), 500)
    assert "planted" not in body["message"]


def test_missing_body_is_400_but_bodyless_endpoints_need_none(client):
    body = assert_error(client.post("/api/v1/auth/login"), 400)
    assert body["errors"] == {"body": ["Missing request body."]}
    # logout takes no body: without a token it is a 401, not a 400/415
    assert_error(client.post("/api/v1/auth/logout"), 401)


def test_ids_out_of_database_range_are_404_or_422(client):
    from tests.factories import login, staff

    assert_error(client.get("/api/v1/categories/934632785418481934632785418481"), 404)
    assert_error(client.get("/api/v1/categories/0"), 404)
    headers = login(staff("admin", "32"))
    body = assert_error(
        client.post("/api/v1/categories", json={"slug": "a-b", "name": "A B", "parent_id": 2**64}, headers=headers),
        422,
    )
    assert "parent_id" in body["errors"]


def test_push_settings_are_checked(monkeypatch, tmp_path):
    monkeypatch.setenv("FIREBASE_CREDENTIALS", str(tmp_path / "missing.json"))
    with pytest.raises(ConfigError, match="FIREBASE_CREDENTIALS"):
        Config.from_env().validate()
    monkeypatch.delenv("FIREBASE_CREDENTIALS")
    monkeypatch.setenv("PUSH_MAX_ATTEMPTS", "0")
    with pytest.raises(ConfigError, match="PUSH_MAX_ATTEMPTS"):
        Config.from_env().validate()
    monkeypatch.setenv("PUSH_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/1")
    cfg = Config.from_env()
    cfg.validate()
    assert (cfg.PUSH_MAX_ATTEMPTS, cfg.REDIS_URL) == (3, "redis://127.0.0.1:6379/1")
    assert cfg.JOBS_SQLITE_PATH.endswith("instance/jobs.sqlite3")
