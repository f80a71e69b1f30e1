"""Rate limits that hold: headers only where they mean something, shared counters, production refuses per-process
storage (issue 10, point 3)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest

from app.config import ROOT, Config, ConfigError, declared_processes
from tests.complaints.helpers import body
from tests.factories import PASSWORD, login, resident

LIMIT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


# --- headers -----------------------------------------------------------------------------------------------------


def test_a_created_complaint_carries_no_retry_after(client):
    """A 201 used to say ``Retry-After: 3600`` (flask-limiter's header writer sets it on every answer)."""
    resp = client.post("/api/v1/complaints", json=body(), headers=login(resident()))
    assert resp.status_code == 201
    assert "Retry-After" not in resp.headers
    assert resp.headers["X-RateLimit-Limit"] == "10" and resp.headers["X-RateLimit-Remaining"] == "9"


def test_successful_log_in_and_registration_carry_no_retry_after(client):
    ok = client.post("/api/v1/auth/login", json={"login": resident().phone, "password": PASSWORD})
    assert ok.status_code == 200 and "Retry-After" not in ok.headers
    failed = client.post("/api/v1/auth/login", json={"login": "081200001111", "password": "wrong-password"})
    assert failed.status_code == 401 and "Retry-After" not in failed.headers
    registered = client.post(
        "/api/v1/auth/register",
        json={"name": "Siti", "phone": "081200002222", "password": "rahasia-123", "home_area_code": "32.73.01.1001"},
    )
    assert registered.status_code == 201 and "Retry-After" not in registered.headers


def test_a_429_carries_retry_after_and_the_limit_headers(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_COMPLAINT_SUBMIT", "1 per hour")
    headers = login(resident())
    assert client.post("/api/v1/complaints", json=body(), headers=headers).status_code == 201
    limited = client.post("/api/v1/complaints", json=body(), headers=headers)
    assert limited.status_code == 429
    assert set(limited.get_json()) == {"code", "status", "message", "errors", "error", "error_codes"}
    assert 3500 <= int(limited.headers["Retry-After"]) <= 3601
    assert limited.headers["X-RateLimit-Limit"] == "1" and limited.headers["X-RateLimit-Remaining"] == "0"
    assert int(limited.headers["X-RateLimit-Reset"]) > time.time()


def test_endpoints_without_limits_carry_no_limit_headers(client):
    resp = client.get("/api/v1/me", headers=login(resident()))
    assert resp.status_code == 200
    assert not any(name in resp.headers for name in (*LIMIT_HEADERS, "Retry-After"))


# --- one counter for every process -------------------------------------------------------------------------------

_OTHER_PROCESS = """
import json, sys
from app import create_app
from app.config import TestConfig
config = TestConfig.from_env()
config.RATELIMIT_LOGIN_IP = "3 per minute"
client = create_app(config).test_client()
# no password: a 422 before any database work, still counted by the per-IP limit
codes = [client.post("/api/v1/auth/login", json={"login": sys.argv[1]}).status_code for _ in range(3)]
print(json.dumps(codes))
"""


def test_two_processes_count_on_the_configured_storage(client, app, config, monkeypatch):
    """Another process (another app on the same limit storage, its own empty database) tries three log-ins from
    this client's address; this process then sees that counter on a shared storage (Redis in CI) and a fresh one of
    its own on memory:// — which is why production refuses per-process storage (tests below)."""
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_IP", "3 per minute")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TEST_DATABASE_URL": "sqlite://"}
    out = subprocess.run(
        [sys.executable, "-c", _OTHER_PROCESS, "081277770000"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [422, 422, 422]
    here = client.post("/api/v1/auth/login", json={"login": "081277770000", "password": "wrong-password"})
    shared = not config.RATELIMIT_STORAGE_URI.startswith("memory")
    assert here.status_code == (429 if shared else 401)
    if shared:
        assert here.headers["X-RateLimit-Limit"] == "3" and int(here.headers["Retry-After"]) > 0


# --- production refuses per-process storage ----------------------------------------------------------------------


@pytest.fixture
def production(monkeypatch):
    for name in ("RATELIMIT_STORAGE_URI", "RATELIMIT_SINGLE_PROCESS", "RATELIMIT_ENABLED", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("GUNICORN_CMD_ARGS", raising=False)
    monkeypatch.setenv("BALAI_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("JWT_SECRET_KEY", "j" * 40)
    monkeypatch.setattr(sys, "argv", ["wsgi.py"])
    return monkeypatch


@pytest.mark.parametrize("uri", [None, "memory://", "MEMORY://"])
def test_production_refuses_per_process_limit_storage(production, uri):
    if uri is not None:
        production.setenv("RATELIMIT_STORAGE_URI", uri)
    with pytest.raises(ConfigError, match=r"RATELIMIT_STORAGE_URI.*per process"):
        Config.from_env().validate()


@pytest.mark.parametrize("uri", ["redis://127.0.0.1:6379/0", "rediss://cache.internal:6380/0", "memcached://m:11211"])
def test_production_accepts_shared_limit_storage(production, uri):
    production.setenv("RATELIMIT_STORAGE_URI", uri)
    production.setenv("WEB_CONCURRENCY", "4")
    Config.from_env().validate()  # no exception


def test_production_single_process_opt_in(production):
    production.setenv("RATELIMIT_SINGLE_PROCESS", "true")
    Config.from_env().validate()  # one process: per-process storage is allowed
    production.setenv("WEB_CONCURRENCY", "2")
    with pytest.raises(ConfigError, match="2 processes"):
        Config.from_env().validate()
    production.delenv("WEB_CONCURRENCY")
    production.setattr(sys, "argv", ["/srv/balai/.venv/bin/gunicorn", "-w", "3", "wsgi:app"])
    with pytest.raises(ConfigError, match="3 processes"):
        Config.from_env().validate()


def test_production_refuses_rate_limits_off(production):
    production.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    production.setenv("RATELIMIT_ENABLED", "false")
    with pytest.raises(ConfigError, match="RATELIMIT_ENABLED"):
        Config.from_env().validate()


def test_development_keeps_memory_storage(monkeypatch):
    monkeypatch.setenv("BALAI_ENV", "development")
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    Config.from_env().validate()  # a laptop is not refused


@pytest.mark.parametrize(
    ("argv", "environ", "expected"),
    [
        (["wsgi.py"], {}, 1),
        (["gunicorn", "-w", "2", "wsgi:app"], {}, 2),
        (["gunicorn", "--workers=4", "wsgi:app"], {}, 4),
        (["gunicorn", "-w3", "wsgi:app"], {}, 3),
        (["gunicorn", "wsgi:app"], {"WEB_CONCURRENCY": "2"}, 2),
        (["flask", "run"], {"GUNICORN_CMD_ARGS": "--workers 5 -b 0.0.0.0:80"}, 5),
        (["python", "-w", "9"], {}, 1),  # not gunicorn's command line
    ],
)
def test_declared_processes(argv, environ, expected):
    assert declared_processes(argv, environ) == expected


def _readme_production_block() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Running in production", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


def test_readme_production_environment_starts(production):
    """The README's production exports, run by a shell exactly as written, give a configuration that starts."""
    exports = "\n".join(line for line in _readme_production_block().splitlines() if line.startswith("export "))
    assert "RATELIMIT_STORAGE_URI=redis://" in exports
    out = subprocess.run(
        ["bash", "-ec", exports + "\nenv -0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        env={"PATH": os.environ["PATH"]},
    )
    assert out.returncode == 0, out.stderr
    env = dict(item.split("=", 1) for item in out.stdout.split("\0") if "=" in item)
    for name in ("BALAI_ENV", "SECRET_KEY", "JWT_SECRET_KEY", "DATABASE_URL", "RATELIMIT_STORAGE_URI"):
        production.setenv(name, env[name])
    config = Config.from_env()
    config.validate()  # no exception
    assert config.ENV == "production" and len(config.JWT_SECRET_KEY) >= 32


def test_log_in_works_with_rate_limits_off(client, monkeypatch):
    """RATELIMIT_ENABLED=false (development, benchmarks) leaves flask-limiter disabled and without a storage."""
    from app.extensions import limiter

    monkeypatch.setattr(limiter, "enabled", False)
    monkeypatch.setattr(limiter, "_storage", None)
    user = resident()
    resp = client.post("/api/v1/auth/login", json={"login": user.phone, "password": PASSWORD})
    assert resp.status_code == 200 and "X-RateLimit-Limit" not in resp.headers
