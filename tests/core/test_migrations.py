"""Migrations are the only source of the schema: they must match the models, and go down and up cleanly."""

from __future__ import annotations

import uuid

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from app import load_models
from app.core.db import Base, alembic_include_object, ensure_database, make_engine
from tests.conftest import alembic_config, reset_database


def test_models_match_migrations(_transaction):
    load_models()
    ctx = MigrationContext.configure(
        _transaction, opts={"compare_type": True, "include_object": alembic_include_object, "render_as_batch": True}
    )
    diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], f"models and migrations disagree; write a migration: {diff}"


def test_migrations_go_down_and_up(config, tmp_path):
    """Every downgrade works, on a scratch database of the same backend."""
    url = make_url(config.DATABASE_URL)
    if url.get_backend_name() == "sqlite":
        scratch = f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
    else:
        name = f"balai_scratch_{uuid.uuid4().hex[:8]}"
        admin = make_engine(config.DATABASE_URL).execution_options(isolation_level="AUTOCOMMIT")
        scratch = url.set(database=name).render_as_string(hide_password=False)
        ensure_database(scratch, via=config.DATABASE_URL)
    try:
        reset_database(scratch)
        cfg = alembic_config(scratch)
        command.upgrade(cfg, "head")
        command.downgrade(cfg, "base")
        engine = make_engine(scratch)
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        engine.dispose()
        command.upgrade(cfg, "head")
        engine = make_engine(scratch)
        assert {"areas", "users", "auth_sessions"} <= set(inspect(engine).get_table_names())
        engine.dispose()
    finally:
        if url.get_backend_name() != "sqlite":
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def test_schema_was_built_by_migrations(_transaction):
    version = _transaction.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert [version] == heads
