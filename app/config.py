"""Configuration, read from environment variables only.

Every variable is listed in the README with its default. ``Config.from_env()`` builds the running configuration;
``TestConfig`` is what the test suite uses.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, fields
from pathlib import Path

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = ROOT / "instance"

DEV_SECRET_KEY = "dev-secret-key-change-me"
DEV_JWT_SECRET_KEY = "dev-jwt-secret-key-change-me-please-32b"


def _parse_int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from exc


def _parse_bool(_name: str, raw: str) -> bool:
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _parse_str(_name: str, raw: str) -> str:
    return raw


#: How a variable's text becomes a field's value, by the field's annotation (``from __future__ import annotations``
#: makes it the string).
_PARSERS = {"int": _parse_int, "bool": _parse_bool, "str": _parse_str}


def default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'balai.sqlite3'}"


def normalise_database_url(url: str) -> str:
    """Accept the common ``postgres://`` spellings and make them use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_per_process_storage(uri: str) -> bool:
    """Whether a flask-limiter storage URI keeps its counters inside one process."""
    return uri.split("://", 1)[0].strip().lower() in {"memory", "async+memory"}


def declared_processes(argv: list[str] | None = None, environ: dict[str, str] | None = None) -> int:
    """The number of serving processes the environment asks for: ``WEB_CONCURRENCY`` (gunicorn's default worker
    count) and ``-w N`` / ``--workers N`` on gunicorn's command line or in ``GUNICORN_CMD_ARGS``; 1 when nothing
    says. A ``workers =`` line in a gunicorn configuration file is not seen here, which is why production needs an
    explicit opt-in to keep per-process limits at all."""
    environ = os.environ if environ is None else environ
    argv = sys.argv if argv is None else argv
    counts = [1]
    if environ.get("WEB_CONCURRENCY", "").strip().isdigit():
        counts.append(int(environ["WEB_CONCURRENCY"]))
    words = list(argv[1:]) if argv and Path(argv[0]).name.startswith("gunicorn") else []
    words += environ.get("GUNICORN_CMD_ARGS", "").split()
    for i, word in enumerate(words):
        value = None
        if word in ("-w", "--workers") and i + 1 < len(words):
            value = words[i + 1]
        elif word.startswith("--workers="):
            value = word.split("=", 1)[1]
        elif word.startswith("-w") and word[2:].isdigit():
            value = word[2:]
        if value is not None and value.strip().isdigit():
            counts.append(int(value))
    return max(counts)


#: Fields read from a variable of another name.
ENV_NAMES = {"ENV": "BALAI_ENV"}
#: Fields whose default depends on where the repository is (used when the variable is unset or empty).
COMPUTED_DEFAULTS = {
    "DATABASE_URL": lambda: default_database_url(),
    "STORAGE_LOCAL_DIR": lambda: str(INSTANCE_DIR / "uploads"),
    "JOBS_SQLITE_PATH": lambda: str(INSTANCE_DIR / "jobs.sqlite3"),
}
#: Fields no variable sets (``TestConfig`` sets ``TESTING``).
NOT_FROM_ENV = frozenset({"TESTING"})


class ConfigError(RuntimeError):
    """The configuration is unsafe or invalid; the app refuses to start."""


@dataclass
class Config:
    """Flask configuration. Upper-case attributes end up in ``app.config``."""

    ENV: str = "development"
    SECRET_KEY: str = DEV_SECRET_KEY
    JWT_SECRET_KEY: str = DEV_JWT_SECRET_KEY
    DATABASE_URL: str = ""
    DATABASE_READ_URL: str = ""
    DB_POOL_SIZE: int = 5
    DB_MAX_OVERFLOW: int = 10
    DB_ECHO: bool = False
    ACCESS_TOKEN_MINUTES: int = 15
    REFRESH_TOKEN_DAYS: int = 30
    MAX_CONTENT_LENGTH: int = 11 * 1024 * 1024
    MAX_JSON_LENGTH: int = 64 * 1024
    RATELIMIT_ENABLED: bool = True
    RATELIMIT_STORAGE_URI: str = "memory://"
    RATELIMIT_KEY_PREFIX: str = "balai"
    RATELIMIT_SINGLE_PROCESS: bool = False
    RATELIMIT_LOGIN_IP: str = "30 per minute;300 per hour"
    RATELIMIT_LOGIN_ACCOUNT: str = "5 per minute;20 per hour"
    RATELIMIT_REGISTER_IP: str = "10 per minute;50 per hour"
    RATELIMIT_LOGIN_ACCOUNT_TOTAL: str = "100 per hour;300 per day"
    RATELIMIT_REGISTER_ACCOUNT: str = "5 per hour"
    RATELIMIT_REGISTER_CONFLICT_IP: str = "10 per hour;50 per day"
    RATELIMIT_PROFILE_IP: str = "30 per minute;300 per hour"
    RATELIMIT_PROFILE_ACCOUNT: str = "10 per minute;60 per hour"
    RATELIMIT_EMAIL_CHANGE_IP: str = "10 per hour;50 per day"
    RATELIMIT_EMAIL_CHANGE_ACCOUNT: str = "3 per hour;10 per day"
    RATELIMIT_PASSWORD_IP: str = "10 per minute;50 per hour"
    RATELIMIT_PASSWORD_ACCOUNT: str = "5 per minute;20 per hour"
    RATELIMIT_COMPLAINT_SUBMIT: str = "10 per hour"
    RATELIMIT_COMPLAINT_PHOTO: str = "60 per hour"
    RATELIMIT_COMPLAINT_MESSAGE: str = "10 per minute;100 per hour"
    RATELIMIT_COMPLAINT_SUPPORT: str = "60 per minute;300 per hour"
    STORAGE_BACKEND: str = "local"
    STORAGE_LOCAL_DIR: str = ""
    PROXY_FIX_X_FOR: int = 0
    PASSWORD_TIME_COST: int = 3
    PASSWORD_MEMORY_KIB: int = 65536
    PASSWORD_PARALLELISM: int = 4
    AREA_CACHE_SECONDS: int = 300
    CATEGORY_CACHE_SECONDS: int = 60
    NEWS_FEED_CACHE_SECONDS: int = 5
    COMPLAINT_FEED_CACHE_SECONDS: int = 5
    SURVEY_LIST_CACHE_SECONDS: int = 5
    AUTH_SESSION_CACHE_SECONDS: int = 5
    USER_STATE_CACHE_SECONDS: int = 300
    USER_STATE_LISTEN_URL: str = ""
    OFFICE_INBOX_CACHE_SECONDS: int = 5
    LOG_LEVEL: str = "INFO"
    REDIS_URL: str = ""
    JOBS_IMMEDIATE: bool = False
    JOBS_SQLITE_PATH: str = ""
    FIREBASE_CREDENTIALS: str = ""
    GOOGLE_APPLICATION_CREDENTIALS: str = ""
    FIREBASE_PROJECT_ID: str = ""
    FCM_ENDPOINT: str = ""
    PUSH_MAX_ATTEMPTS: int = 8
    PUSH_RETRY_BASE_SECONDS: int = 30
    PUSH_RETRY_MAX_SECONDS: int = 3600
    PUSH_LEASE_SECONDS: int = 300
    PRIVACY_INACTIVE_DAYS: int = 730
    PRIVACY_INACTIVE_WARNING_DAYS: int = 30
    PRIVACY_NOTIFICATION_DAYS: int = 365
    PRIVACY_CLOSED_COMPLAINT_DAYS: int = 1825
    PRIVACY_EXPORT_HOURS: int = 24
    PRIVACY_RETENTION_BATCH: int = 500
    ACCESS_AUDIT_ENABLED: bool = True
    RATELIMIT_DATA_EXPORT: str = "3 per day"
    RATELIMIT_ACCOUNT_DELETE: str = "5 per hour"
    TESTING: bool = False

    @classmethod
    def from_env(cls) -> Config:
        """The configuration described by the process environment: each field from the variable of its name (or
        ``ENV_NAMES``), read as its type. An unset variable, or an empty number or flag, keeps the default; the
        ``COMPUTED_DEFAULTS`` (paths under the repository) also replace an empty value."""
        values: dict[str, object] = {}
        for f in fields(cls):
            if f.name in NOT_FROM_ENV:
                continue
            name = ENV_NAMES.get(f.name, f.name)
            raw = os.environ.get(name)
            if f.name in COMPUTED_DEFAULTS and not raw:
                values[f.name] = COMPUTED_DEFAULTS[f.name]()
            elif raw is not None and (raw != "" or f.type == "str"):  # an empty text variable is kept as set
                values[f.name] = _PARSERS[f.type](name, raw)
        values["DATABASE_URL"] = normalise_database_url(str(values["DATABASE_URL"]))
        if values.get("DATABASE_READ_URL"):
            values["DATABASE_READ_URL"] = normalise_database_url(str(values["DATABASE_READ_URL"]))
        return cls(**values)

    def validate(self) -> None:
        """Refuse configurations that must never run in production."""
        if self.ENV not in {"development", "production", "test"}:
            raise ConfigError(f"BALAI_ENV must be development, production or test, got {self.ENV!r}")
        if self.FIREBASE_CREDENTIALS and not Path(self.FIREBASE_CREDENTIALS).is_file():
            raise ConfigError(f"FIREBASE_CREDENTIALS names no file: {self.FIREBASE_CREDENTIALS}")
        if self.PUSH_MAX_ATTEMPTS < 1 or self.PUSH_RETRY_BASE_SECONDS < 1 or self.PUSH_LEASE_SECONDS < 10:
            raise ConfigError("PUSH_MAX_ATTEMPTS and PUSH_RETRY_BASE_SECONDS must be >= 1, PUSH_LEASE_SECONDS >= 10")
        if self.PRIVACY_RETENTION_BATCH < 1 or self.PRIVACY_EXPORT_HOURS < 1:
            raise ConfigError("PRIVACY_RETENTION_BATCH and PRIVACY_EXPORT_HOURS must be >= 1")
        if not 0 <= self.AUTH_SESSION_CACHE_SECONDS <= 60:
            raise ConfigError("AUTH_SESSION_CACHE_SECONDS must be between 0 and 60 (a revoked session reads that long)")
        if self.USER_STATE_CACHE_SECONDS < 0:
            raise ConfigError("USER_STATE_CACHE_SECONDS must be >= 0 (0 turns the per-user caches off)")
        if not 0 <= self.OFFICE_INBOX_CACHE_SECONDS <= 60:
            raise ConfigError("OFFICE_INBOX_CACHE_SECONDS must be between 0 and 60 (what bulk updates may read stale)")
        if self.STORAGE_BACKEND not in {"local"}:
            raise ConfigError(f"STORAGE_BACKEND must be local, got {self.STORAGE_BACKEND!r}")
        if self.ENV == "production":
            if self.SECRET_KEY in ("", DEV_SECRET_KEY):
                raise ConfigError("SECRET_KEY must be set to a random value in production")
            if self.JWT_SECRET_KEY in ("", DEV_JWT_SECRET_KEY):
                raise ConfigError("JWT_SECRET_KEY must be set to a random value in production")
            if len(self.JWT_SECRET_KEY.encode()) < 32:
                raise ConfigError("JWT_SECRET_KEY must be at least 32 bytes")
            self._validate_rate_limit_storage()
            if not self.ACCESS_AUDIT_ENABLED:
                raise ConfigError("ACCESS_AUDIT_ENABLED=false is for benchmarks only, never in production")

    def _validate_rate_limit_storage(self) -> None:
        """Production limits must hold across processes: a per-process store (``memory://``) counts each worker
        apart (5 log-ins/min become 5 per worker) and forgets everything at every worker restart. Only an
        operator who promises one process (``RATELIMIT_SINGLE_PROCESS``) may keep it, and not when the environment
        says otherwise."""
        if not self.RATELIMIT_ENABLED:
            raise ConfigError("RATELIMIT_ENABLED=false is not allowed in production")
        if not is_per_process_storage(self.RATELIMIT_STORAGE_URI):
            return
        if not self.RATELIMIT_SINGLE_PROCESS:
            raise ConfigError(
                f"RATELIMIT_STORAGE_URI={self.RATELIMIT_STORAGE_URI} keeps rate limits per process: in production "
                "set it to a shared storage (redis://host:6379/0), or set RATELIMIT_SINGLE_PROCESS=true when "
                "exactly one process serves the API"
            )
        processes = declared_processes()
        if processes > 1:
            raise ConfigError(
                f"RATELIMIT_SINGLE_PROCESS=true but {processes} processes are configured (WEB_CONCURRENCY or "
                "gunicorn --workers): per-process rate limits would not hold; use a shared RATELIMIT_STORAGE_URI"
            )

    def as_flask_config(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__ if k.isupper()}


def worker_database_url(url: str, worker: str) -> str:
    """The test database of one pytest-xdist worker: ``<name>_<worker>`` on a server, ``<stem>-<worker>.sqlite3``
    for a SQLite file; an in-memory SQLite database, or no worker, leaves ``url`` as it is."""
    parsed = make_url(url)
    if not worker or not parsed.database or parsed.database == ":memory:":
        return url
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database)
        database = str(path.with_name(f"{path.stem}-{worker}{path.suffix}"))
    else:
        database = f"{parsed.database}_{worker}"
    return parsed.set(database=database).render_as_string(hide_password=False)


class TestConfig(Config):
    """Settings for the test suite: fast password hashing, its own database."""

    __test__ = False  # not a pytest test class

    @classmethod
    def from_env(cls) -> TestConfig:
        base = Config.from_env()
        cfg = cls(**{k: getattr(base, k) for k in base.__dataclass_fields__})
        cfg.ENV = "test"
        cfg.TESTING = True
        # `make test` runs the suite in several processes (pytest-xdist): each worker, named by PYTEST_XDIST_WORKER
        # (which the processes a test starts inherit), has its own database, rate-limit keys and uploads.
        # tests/conftest.py creates a worker's PostgreSQL database.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")
        cfg.DATABASE_URL = worker_database_url(
            normalise_database_url(os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'test.sqlite3'}"),
            worker,
        )
        cfg.PASSWORD_TIME_COST = 1
        cfg.PASSWORD_MEMORY_KIB = 1024
        cfg.PASSWORD_PARALLELISM = 1
        # CI's PostgreSQL run points this at the local Redis, so the rate-limit tests also run on shared storage.
        cfg.RATELIMIT_STORAGE_URI = os.environ.get("TEST_RATELIMIT_STORAGE_URI") or "memory://"
        cfg.RATELIMIT_KEY_PREFIX = f"balai-test-{worker}" if worker else "balai-test"
        cfg.AREA_CACHE_SECONDS = 0
        cfg.CATEGORY_CACHE_SECONDS = 0
        cfg.NEWS_FEED_CACHE_SECONDS = 0
        cfg.COMPLAINT_FEED_CACHE_SECONDS = 0
        cfg.SURVEY_LIST_CACHE_SECONDS = 0
        cfg.AUTH_SESSION_CACHE_SECONDS = 0  # tests of the cache turn it on (tests/accounts/test_session_cache.py)
        cfg.USER_STATE_CACHE_SECONDS = 0  # tests/core/test_user_state.py turns it on, with committed writes
        # Jobs run in the caller's thread once the transaction commits; push goes to the log unless a test
        # points a sender at its fake FCM server.
        cfg.JOBS_IMMEDIATE = True
        cfg.REDIS_URL = ""
        cfg.FIREBASE_CREDENTIALS = ""
        cfg.GOOGLE_APPLICATION_CREDENTIALS = ""
        cfg.FCM_ENDPOINT = ""
        cfg.STORAGE_LOCAL_DIR = str(INSTANCE_DIR / (f"test-uploads-{worker}" if worker else "test-uploads"))
        return cfg
