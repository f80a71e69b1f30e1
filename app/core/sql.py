"""Portable SQL beyond the ORM basics, for every feature."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, cast, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY

from app.extensions import db


def insert_ignoring_conflicts(model: Any) -> Any:
    """``INSERT … ON CONFLICT DO NOTHING`` (PostgreSQL and SQLite): a row that would break a unique constraint is
    skipped instead of failing the transaction, so a race on a one-per-user rule needs no savepoint."""
    insert = postgresql.insert if db.dialect == "postgresql" else sqlite.insert
    return insert(model).on_conflict_do_nothing()


def unnest_arrays(table: Any, columns: tuple[str, ...], prefix: str) -> Any:
    """PostgreSQL: ``unnest(CAST(:<prefix><column> AS <type>[]), …) WITH ORDINALITY`` as a table of ``columns``
    (typed as in ``table``) and ``ord``: many rows passed as one parameter per column, so the statement is the same
    whatever their number."""
    fn = func.unnest(*(cast(bindparam(f"{prefix}{c}"), ARRAY(table.c[c].type)) for c in columns))
    return fn.table_valued(*columns, with_ordinality="ord").render_derived()
