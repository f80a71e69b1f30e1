"""Test fixtures: one schema per session built by the Alembic migrations, one rolled-back transaction per test.

``TEST_DATABASE_URL`` selects PostgreSQL; unset means a SQLite file under ``instance/``. Under pytest-xdist (``make
test``) each worker builds its own: ``TestConfig`` names it, ``create_worker_database`` creates it on PostgreSQL.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app import create_app
from app.areas.loader import load_areas
from app.config import ROOT, TestConfig, normalise_database_url
from app.core.db import ensure_database, make_engine
from app.core.storage import LocalStorage
from app.extensions import db, limiter


def alembic_config(url: str) -> AlembicConfig:
    cfg = AlembicConfig(str(ROOT / "alembic.ini"))
    cfg.attributes["url"] = url
    cfg.attributes["configure_logger"] = False
    return cfg


def create_worker_database(url: str) -> None:
    """A pytest-xdist worker's own PostgreSQL database (``TestConfig`` names it), created through the one the suite
    was given."""
    given = os.environ.get("TEST_DATABASE_URL")
    if given and make_url(url).get_backend_name() != "sqlite" and make_url(given).database != make_url(url).database:
        ensure_database(url, via=normalise_database_url(given))


def reset_database(url: str) -> None:
    """An empty database: drop the SQLite file, or every table of the PostgreSQL schema."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            for suffix in ("", "-wal", "-shm"):
                Path(parsed.database + suffix).unlink(missing_ok=True)
        return
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


class EnglishClient(FlaskClient):
    """The suite's client asks for English (``Accept-Language: en``), so its assertions read the msgids; a test
    of the Indonesian default passes ``Accept-Language`` itself (``headers={"Accept-Language": ...}`` wins)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environ_base.setdefault("HTTP_ACCEPT_LANGUAGE", "en")


_app: Flask | None = None


def get_test_app() -> Flask:
    """The one app of the test session, on a database built by the migrations, with every area loaded.

    Also called at import time by the schemathesis module, which needs the app to read the OpenAPI document.
    """
    global _app
    if _app is None:
        config = TestConfig.from_env()
        create_worker_database(config.DATABASE_URL)
        reset_database(config.DATABASE_URL)
        command.upgrade(alembic_config(config.DATABASE_URL), "head")
        application = create_app(config)
        application.test_client_class = EnglishClient
        with application.app_context():
            load_areas(db.session())
            db.session.commit()
            db.session.remove()
        _app = application
    return _app


@pytest.fixture(scope="session")
def config(app: Flask) -> TestConfig:
    return TestConfig.from_env()


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    yield get_test_app()
    db.dispose()


@pytest.fixture(autouse=True)
def _transaction(app: Flask) -> Iterator[Any]:
    """Each test runs inside a transaction that is rolled back; requests commit into savepoints of it."""
    assert db.engine is not None
    connection = db.engine.connect().execution_options(sqlite_deferred=True)
    outer = connection.begin()
    db.factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    read_engine, db.read_engine = db.read_engine, None  # every request must see the test's transaction
    limiter.reset()
    ctx = app.app_context()
    ctx.push()
    try:
        yield connection
    finally:
        db.session.remove()
        ctx.pop()
        outer.rollback()
        connection.close()
        db.factory.configure(bind=db.engine, join_transaction_mode="conditional_savepoint")
        db.read_engine = read_engine


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture
def dialect() -> str:
    return db.dialect


@dataclass
class Figures:
    """What the Schemathesis contract test (``tests/test_openapi_contract.py``) did as one role."""

    operations: set[str] = field(default_factory=set)
    cases: int = 0
    server_errors: int = 0
    failures: Counter[str] = field(default_factory=Counter)  # failed check → how many cases

    def add(self, other: dict[str, Any]) -> None:
        self.operations.update(other["operations"])
        self.cases += other["cases"]
        self.server_errors += other["server_errors"]
        self.failures.update(other["failures"])


#: role → figures of the contract test: counted by this process, or handed over by the pytest-xdist workers.
CONTRACT_FIGURES: dict[str, Figures] = {}


def pytest_sessionfinish(session) -> None:
    """A pytest-xdist worker hands its contract figures to the controller, which prints them."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["contract_figures"] = {
            role: {**asdict(f), "operations": sorted(f.operations), "failures": dict(f.failures)}
            for role, f in CONTRACT_FIGURES.items()
        }


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    for role, figures in getattr(node, "workeroutput", {}).get("contract_figures", {}).items():
        CONTRACT_FIGURES.setdefault(role, Figures()).add(figures)


def pytest_terminal_summary(terminalreporter) -> None:
    """The schemathesis figures per role, when the contract test ran (issue 10 asks for them in every report)."""
    if not CONTRACT_FIGURES:
        return
    terminalreporter.section("schemathesis")
    for role, f in CONTRACT_FIGURES.items():
        failed = ", ".join(f"{name} {n}" for name, n in sorted(f.failures.items())) or "none"
        terminalreporter.write_line(
            f"{role}: {len(f.operations)} operations, {f.cases} cases, {f.server_errors} 5xx, failed checks: {failed}"
        )


@pytest.fixture
def storage(app: Flask, tmp_path: Path) -> Iterator[LocalStorage]:
    """Uploads (photos, images, export archives) go to a fresh directory for the test; the app's storage comes back
    afterwards. Packages that store files in most tests use it autouse (their ``conftest.py``)."""
    previous = app.extensions.get("balai_storage")
    store = LocalStorage(tmp_path / "uploads")
    app.extensions["balai_storage"] = store
    yield store
    if previous is None:
        app.extensions.pop("balai_storage", None)
    else:
        app.extensions["balai_storage"] = previous
