"""category sla days: working days to first response and to resolution

Revision ID: add18b62be44
Revises: 98e37963e51f
Create Date: 2026-11-25 18:34:19.705455

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "add18b62be44"
down_revision: str | Sequence[str] | None = "98e37963e51f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema: existing categories get the defaults (3 and 14 working days)."""
    with op.batch_alter_table("complaint_categories", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sla_response_days", sa.SmallInteger(), server_default=sa.text("3"), nullable=False)
        )
        batch_op.add_column(
            sa.Column("sla_resolution_days", sa.SmallInteger(), server_default=sa.text("14"), nullable=False)
        )
        batch_op.create_check_constraint(
            "sla_days",
            "sla_response_days BETWEEN 1 AND 60 AND sla_resolution_days BETWEEN sla_response_days AND 365",
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("complaint_categories", schema=None) as batch_op:
        batch_op.drop_constraint("sla_days", type_="check")
        batch_op.drop_column("sla_resolution_days")
        batch_op.drop_column("sla_response_days")
