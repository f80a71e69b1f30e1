"""complaint rating on the complaint

The reporter's score copied onto ``complaints.rating`` (kept by the rating service) and carried in the statistics
index, so that statistics read no second table: joining ``complaint_ratings`` cost a province ~300 ms of its ~1 s.

Revision ID: 5c1e7d2a9b34
Revises: 436b9781ca19
Create Date: 2026-11-30 00:50:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "5c1e7d2a9b34"
down_revision: str | Sequence[str] | None = "436b9781ca19"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_INCLUDE = [
    "desa_code", "rw", "status", "category_id", "office_id", "verified_at", "first_response_at", "resolved_at",
    "response_due_at", "resolution_due_at", "id",
]  # fmt: skip
NEW_INCLUDE = [*OLD_INCLUDE, "rating"]


def upgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rating", sa.SmallInteger(), nullable=True))
    op.execute(
        "UPDATE complaints SET rating = "
        "(SELECT score FROM complaint_ratings WHERE complaint_ratings.complaint_id = complaints.id) "
        "WHERE id IN (SELECT complaint_id FROM complaint_ratings)"
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_complaints_stats")
        batch_op.create_index(
            "ix_complaints_stats", ["kabkota_code", "created_at"], unique=False, postgresql_include=NEW_INCLUDE
        )


def downgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_complaints_stats")
        batch_op.create_index(
            "ix_complaints_stats", ["kabkota_code", "created_at"], unique=False, postgresql_include=OLD_INCLUDE
        )
        batch_op.drop_column("rating")
