"""complaint statistics index

A covering index for ``GET /stats/complaints``: an area's complaints by submission time with every column the
figures read, so that PostgreSQL answers from the index alone (INCLUDE is PostgreSQL's; SQLite gets the two keys).

Revision ID: 436b9781ca19
Revises: 94dcc151686b
Create Date: 2026-11-29 23:03:35.959450

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "436b9781ca19"
down_revision: str | Sequence[str] | None = "94dcc151686b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INCLUDE = [
    "desa_code", "rw", "status", "category_id", "office_id", "verified_at", "first_response_at", "resolved_at",
    "response_due_at", "resolution_due_at", "id",
]  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index(
            "ix_complaints_stats", ["kabkota_code", "created_at"], unique=False, postgresql_include=INCLUDE
        )


def downgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_complaints_stats")
