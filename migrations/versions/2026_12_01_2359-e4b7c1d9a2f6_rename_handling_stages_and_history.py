"""rename handling stages and the complaint history

``complaint_assignments`` (an office's stage on a complaint; "assign" means giving it to a person) becomes
``handling_stages`` and ``complaint_status_changes`` (whose rows include events that change no status) becomes
``complaint_history``. Indexes, the primary key, foreign-key and check constraints and (PostgreSQL) the id sequence
are renamed with them, so every name keeps starting with its table's. No data changes.

PostgreSQL renames in place. SQLite keeps constraint names inside the table's ``CREATE TABLE`` text, so the table is
rebuilt from that text with the new names, its rows copied (ids kept) and its indexes created again.

Revision ID: e4b7c1d9a2f6
Revises: 81472aa563ad
Create Date: 2026-12-01 23:59:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "e4b7c1d9a2f6"
down_revision: str | Sequence[str] | None = "81472aa563ad"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RENAMES = (("complaint_assignments", "handling_stages"), ("complaint_status_changes", "complaint_history"))


def _renamed(text: str, old: str, new: str) -> str:
    """``text`` with every name containing the table's old name renamed (``pk_complaint_assignments`` too)."""
    return text.replace(old, new)


def _rename_postgresql(old: str, new: str) -> None:
    conn = op.get_bind()
    op.rename_table(old, new)
    constraints = conn.execute(
        sa.text("SELECT conname FROM pg_constraint WHERE conrelid = CAST(:table AS regclass)"), {"table": new}
    ).scalars()
    for name in list(constraints):
        if old in name:  # the primary key's index is renamed with its constraint
            op.execute(f'ALTER TABLE "{new}" RENAME CONSTRAINT "{name}" TO "{_renamed(name, old, new)}"')
    indexes = conn.execute(
        sa.text("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = :table"),
        {"table": new},
    ).scalars()
    for name in list(indexes):
        if old in name:
            op.execute(f'ALTER INDEX "{name}" RENAME TO "{_renamed(name, old, new)}"')
    op.execute(f'ALTER SEQUENCE IF EXISTS "{old}_id_seq" RENAME TO "{new}_id_seq"')


def _rename_sqlite(old: str, new: str) -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT type, sql FROM sqlite_master WHERE tbl_name = :table AND sql IS NOT NULL"), {"table": old}
    ).all()
    table_sql = next(sql for kind, sql in rows if kind == "table")
    index_sql = [sql for kind, sql in rows if kind == "index"]
    op.execute(_renamed(table_sql, old, new))
    op.execute(f'INSERT INTO "{new}" SELECT * FROM "{old}"')  # noqa: S608  (constant names; same columns, same order)
    op.drop_table(old)  # its indexes go with it; nothing references these tables
    for sql in index_sql:
        op.execute(_renamed(sql, old, new))


def _rename(old: str, new: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        _rename_postgresql(old, new)
    else:
        _rename_sqlite(old, new)


def upgrade() -> None:
    for old, new in RENAMES:
        _rename(old, new)


def downgrade() -> None:
    for old, new in RENAMES:
        _rename(new, old)
