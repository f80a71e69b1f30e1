"""routing rules: which office handles complaints of a category in an area

Revision ID: 93212e6aea83
Revises: a06427ba316d
Create Date: 2026-11-25 18:40:07.831228

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "93212e6aea83"
down_revision: str | Sequence[str] | None = "a06427ba316d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema: (category, area) -> office rules; at most one default (no category) rule per area."""
    op.create_table(
        "routing_rules",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("category_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "area_code",
            sa.String(length=13).with_variant(sa.String(length=13, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("office_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["area_code"], ["areas.code"], name=op.f("fk_routing_rules_area_code_areas")),
        sa.ForeignKeyConstraint(
            ["category_id"], ["complaint_categories.id"], name=op.f("fk_routing_rules_category_id_complaint_categories")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_routing_rules_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], name=op.f("fk_routing_rules_office_id_offices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_rules")),
        sa.UniqueConstraint("category_id", "area_code", name=op.f("uq_routing_rules_category_id_area_code")),
    )
    with op.batch_alter_table("routing_rules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_routing_rules_area_code"), ["area_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_routing_rules_office_id"), ["office_id"], unique=False)
        batch_op.create_index(
            "uq_routing_rules_default_area_code",
            ["area_code"],
            unique=True,
            sqlite_where=sa.text("category_id IS NULL"),
            postgresql_where=sa.text("category_id IS NULL"),
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("routing_rules", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_routing_rules_default_area_code",
            sqlite_where=sa.text("category_id IS NULL"),
            postgresql_where=sa.text("category_id IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_routing_rules_office_id"))
        batch_op.drop_index(batch_op.f("ix_routing_rules_area_code"))

    op.drop_table("routing_rules")
