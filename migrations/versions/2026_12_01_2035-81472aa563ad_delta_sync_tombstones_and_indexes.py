"""delta sync tombstones and indexes

``sync_tombstones`` remembers deleted items for the phones that synced them (``app.core.sync``); the indexes serve
the ``updated_since`` queries of ``GET /me/complaints`` and ``GET /me/notifications``.

Revision ID: 81472aa563ad
Revises: 5c1e7d2a9b34
Create Date: 2026-12-01 20:35:10.206137

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "81472aa563ad"
down_revision: str | Sequence[str] | None = "5c1e7d2a9b34"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_tombstones",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.Column("owner_id", sa.BigInteger(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_tombstones")),
    )
    with op.batch_alter_table("sync_tombstones", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sync_tombstones_kind_owner_id_deleted_at", ["kind", "owner_id", "deleted_at"], unique=False
        )

    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index(
            "ix_complaints_reporter_id_updated_at_id", ["reporter_id", "updated_at", "id"], unique=False
        )

    with op.batch_alter_table("notification_receipts", schema=None) as batch_op:
        batch_op.create_index("ix_notification_receipts_user_id_read_at", ["user_id", "read_at"], unique=False)

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_area_key_created_at", ["area_key", "created_at"], unique=False)
        batch_op.create_index("ix_notifications_user_id_created_at", ["user_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_user_id_created_at")
        batch_op.drop_index("ix_notifications_area_key_created_at")

    with op.batch_alter_table("notification_receipts", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_receipts_user_id_read_at")

    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_complaints_reporter_id_updated_at_id")

    with op.batch_alter_table("sync_tombstones", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_tombstones_kind_owner_id_deleted_at")

    op.drop_table("sync_tombstones")
