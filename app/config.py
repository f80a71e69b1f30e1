"""Configuration, read from environment variables only.

Every variable is listed in the README with its default. ``Config.from_env()`` builds the running configuration;
``TestConfig`` is what the test suite uses.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = ROOT / "instance"

DEV_SECRET_KEY = "dev-secret-key-change-me"
DEV_JWT_SECRET_KEY = "dev-jwt-secret-key-change-me-please-32b"


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from exc


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


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


class ConfigError(RuntimeError):
    """The configuration is unsafe or invalid; the app refuses to start."""


@dataclass
class Config:
    """Flask configuration. Upper-case attributes end up in ``app.config``."""

    ENV: str = "development"
    SECRET_KEY: str = DEV_SECRET_KEY
    JWT_SECRET_KEY: str = DEV_JWT_SECRET_KEY
    DATABASE_URL: str = ""
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
    TESTING: bool = False

    @classmethod
    def from_env(cls) -> Config:
        """The configuration described by the process environment."""
        d = cls()
        return cls(
            ENV=_env("BALAI_ENV", d.ENV),
            SECRET_KEY=_env("SECRET_KEY", d.SECRET_KEY),
            JWT_SECRET_KEY=_env("JWT_SECRET_KEY", d.JWT_SECRET_KEY),
            DATABASE_URL=normalise_database_url(_env("DATABASE_URL", "") or default_database_url()),
            DB_POOL_SIZE=_env_int("DB_POOL_SIZE", d.DB_POOL_SIZE),
            DB_MAX_OVERFLOW=_env_int("DB_MAX_OVERFLOW", d.DB_MAX_OVERFLOW),
            DB_ECHO=_env_bool("DB_ECHO", d.DB_ECHO),
            ACCESS_TOKEN_MINUTES=_env_int("ACCESS_TOKEN_MINUTES", d.ACCESS_TOKEN_MINUTES),
            REFRESH_TOKEN_DAYS=_env_int("REFRESH_TOKEN_DAYS", d.REFRESH_TOKEN_DAYS),
            MAX_CONTENT_LENGTH=_env_int("MAX_CONTENT_LENGTH", d.MAX_CONTENT_LENGTH),
            MAX_JSON_LENGTH=_env_int("MAX_JSON_LENGTH", d.MAX_JSON_LENGTH),
            RATELIMIT_ENABLED=_env_bool("RATELIMIT_ENABLED", d.RATELIMIT_ENABLED),
            RATELIMIT_STORAGE_URI=_env("RATELIMIT_STORAGE_URI", d.RATELIMIT_STORAGE_URI),
            RATELIMIT_KEY_PREFIX=_env("RATELIMIT_KEY_PREFIX", d.RATELIMIT_KEY_PREFIX),
            RATELIMIT_SINGLE_PROCESS=_env_bool("RATELIMIT_SINGLE_PROCESS", d.RATELIMIT_SINGLE_PROCESS),
            RATELIMIT_LOGIN_IP=_env("RATELIMIT_LOGIN_IP", d.RATELIMIT_LOGIN_IP),
            RATELIMIT_LOGIN_ACCOUNT=_env("RATELIMIT_LOGIN_ACCOUNT", d.RATELIMIT_LOGIN_ACCOUNT),
            RATELIMIT_REGISTER_IP=_env("RATELIMIT_REGISTER_IP", d.RATELIMIT_REGISTER_IP),
            RATELIMIT_LOGIN_ACCOUNT_TOTAL=_env("RATELIMIT_LOGIN_ACCOUNT_TOTAL", d.RATELIMIT_LOGIN_ACCOUNT_TOTAL),
            RATELIMIT_REGISTER_ACCOUNT=_env("RATELIMIT_REGISTER_ACCOUNT", d.RATELIMIT_REGISTER_ACCOUNT),
            RATELIMIT_REGISTER_CONFLICT_IP=_env("RATELIMIT_REGISTER_CONFLICT_IP", d.RATELIMIT_REGISTER_CONFLICT_IP),
            RATELIMIT_PROFILE_IP=_env("RATELIMIT_PROFILE_IP", d.RATELIMIT_PROFILE_IP),
            RATELIMIT_PROFILE_ACCOUNT=_env("RATELIMIT_PROFILE_ACCOUNT", d.RATELIMIT_PROFILE_ACCOUNT),
            RATELIMIT_EMAIL_CHANGE_IP=_env("RATELIMIT_EMAIL_CHANGE_IP", d.RATELIMIT_EMAIL_CHANGE_IP),
            RATELIMIT_EMAIL_CHANGE_ACCOUNT=_env("RATELIMIT_EMAIL_CHANGE_ACCOUNT", d.RATELIMIT_EMAIL_CHANGE_ACCOUNT),
            RATELIMIT_PASSWORD_IP=_env("RATELIMIT_PASSWORD_IP", d.RATELIMIT_PASSWORD_IP),
            RATELIMIT_PASSWORD_ACCOUNT=_env("RATELIMIT_PASSWORD_ACCOUNT", d.RATELIMIT_PASSWORD_ACCOUNT),
            RATELIMIT_COMPLAINT_SUBMIT=_env("RATELIMIT_COMPLAINT_SUBMIT", d.RATELIMIT_COMPLAINT_SUBMIT),
            RATELIMIT_COMPLAINT_PHOTO=_env("RATELIMIT_COMPLAINT_PHOTO", d.RATELIMIT_COMPLAINT_PHOTO),
            RATELIMIT_COMPLAINT_MESSAGE=_env("RATELIMIT_COMPLAINT_MESSAGE", d.RATELIMIT_COMPLAINT_MESSAGE),
            RATELIMIT_COMPLAINT_SUPPORT=_env("RATELIMIT_COMPLAINT_SUPPORT", d.RATELIMIT_COMPLAINT_SUPPORT),
            STORAGE_BACKEND=_env("STORAGE_BACKEND", d.STORAGE_BACKEND),
            STORAGE_LOCAL_DIR=_env("STORAGE_LOCAL_DIR", "") or str(INSTANCE_DIR / "uploads"),
            PROXY_FIX_X_FOR=_env_int("PROXY_FIX_X_FOR", d.PROXY_FIX_X_FOR),
            PASSWORD_TIME_COST=_env_int("PASSWORD_TIME_COST", d.PASSWORD_TIME_COST),
            PASSWORD_MEMORY_KIB=_env_int("PASSWORD_MEMORY_KIB", d.PASSWORD_MEMORY_KIB),
            PASSWORD_PARALLELISM=_env_int("PASSWORD_PARALLELISM", d.PASSWORD_PARALLELISM),
            AREA_CACHE_SECONDS=_env_int("AREA_CACHE_SECONDS", d.AREA_CACHE_SECONDS),
            LOG_LEVEL=_env("LOG_LEVEL", d.LOG_LEVEL),
            REDIS_URL=_env("REDIS_URL", d.REDIS_URL),
            JOBS_IMMEDIATE=_env_bool("JOBS_IMMEDIATE", d.JOBS_IMMEDIATE),
            JOBS_SQLITE_PATH=_env("JOBS_SQLITE_PATH", "") or str(INSTANCE_DIR / "jobs.sqlite3"),
            FIREBASE_CREDENTIALS=_env("FIREBASE_CREDENTIALS", d.FIREBASE_CREDENTIALS),
            GOOGLE_APPLICATION_CREDENTIALS=_env("GOOGLE_APPLICATION_CREDENTIALS", d.GOOGLE_APPLICATION_CREDENTIALS),
            FIREBASE_PROJECT_ID=_env("FIREBASE_PROJECT_ID", d.FIREBASE_PROJECT_ID),
            FCM_ENDPOINT=_env("FCM_ENDPOINT", d.FCM_ENDPOINT),
            PUSH_MAX_ATTEMPTS=_env_int("PUSH_MAX_ATTEMPTS", d.PUSH_MAX_ATTEMPTS),
            PUSH_RETRY_BASE_SECONDS=_env_int("PUSH_RETRY_BASE_SECONDS", d.PUSH_RETRY_BASE_SECONDS),
            PUSH_RETRY_MAX_SECONDS=_env_int("PUSH_RETRY_MAX_SECONDS", d.PUSH_RETRY_MAX_SECONDS),
            PUSH_LEASE_SECONDS=_env_int("PUSH_LEASE_SECONDS", d.PUSH_LEASE_SECONDS),
        )

    def validate(self) -> None:
        """Refuse configurations that must never run in production."""
        if self.ENV not in {"development", "production", "test"}:
            raise ConfigError(f"BALAI_ENV must be development, production or test, got {self.ENV!r}")
        if self.FIREBASE_CREDENTIALS and not Path(self.FIREBASE_CREDENTIALS).is_file():
            raise ConfigError(f"FIREBASE_CREDENTIALS names no file: {self.FIREBASE_CREDENTIALS}")
        if self.PUSH_MAX_ATTEMPTS < 1 or self.PUSH_RETRY_BASE_SECONDS < 1 or self.PUSH_LEASE_SECONDS < 10:
            raise ConfigError("PUSH_MAX_ATTEMPTS and PUSH_RETRY_BASE_SECONDS must be >= 1, PUSH_LEASE_SECONDS >= 10")
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


class TestConfig(Config):
    """Settings for the test suite: fast password hashing, its own database."""

    __test__ = False  # not a pytest test class

    @classmethod
    def from_env(cls) -> TestConfig:
        base = Config.from_env()
        cfg = cls(**{k: getattr(base, k) for k in base.__dataclass_fields__})
        cfg.ENV = "test"
        cfg.TESTING = True
        cfg.DATABASE_URL = normalise_database_url(
            os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'test.sqlite3'}"
        )
        cfg.PASSWORD_TIME_COST = 1
        cfg.PASSWORD_MEMORY_KIB = 1024
        cfg.PASSWORD_PARALLELISM = 1
        # CI's PostgreSQL run points this at the local Redis, so the rate-limit tests also run on shared storage.
        cfg.RATELIMIT_STORAGE_URI = os.environ.get("TEST_RATELIMIT_STORAGE_URI") or "memory://"
        cfg.RATELIMIT_KEY_PREFIX = "balai-test"
        cfg.AREA_CACHE_SECONDS = 0
        # Jobs run in the caller's thread once the transaction commits; push goes to the log unless a test
        # points a sender at its fake FCM server.
        cfg.JOBS_IMMEDIATE = True
        cfg.REDIS_URL = ""
        cfg.FIREBASE_CREDENTIALS = ""
        cfg.GOOGLE_APPLICATION_CREDENTIALS = ""
        cfg.FCM_ENDPOINT = ""
        cfg.STORAGE_LOCAL_DIR = str(INSTANCE_DIR / "test-uploads")
        return cfg
