"""sla holidays: admin-added days off for the working-day calendar

Revision ID: b45dd5b76b92
Revises: 93212e6aea83
Create Date: 2026-11-25 18:43:05.881126

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "b45dd5b76b92"
down_revision: str | Sequence[str] | None = "93212e6aea83"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema: days off added by admins for an area (regional holidays, decrees lokal-id lacks)."""
    op.create_table(
        "sla_holidays",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "area_code",
            sa.String(length=13).with_variant(sa.String(length=13, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("created_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["area_code"], ["areas.code"], name=op.f("fk_sla_holidays_area_code_areas")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_sla_holidays_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_holidays")),
        sa.UniqueConstraint("area_code", "date", name=op.f("uq_sla_holidays_area_code_date")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("sla_holidays")
