"""Portable SQL the complaints feature needs beyond the ORM basics."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db


def insert_ignoring_conflicts(model: Any) -> Any:
    """``INSERT … ON CONFLICT DO NOTHING`` (PostgreSQL and SQLite): a row that would break a unique constraint is
    skipped instead of failing the transaction, so a race on a one-per-user rule needs no savepoint."""
    insert = postgresql.insert if db.dialect == "postgresql" else sqlite.insert
    return insert(model).on_conflict_do_nothing()
