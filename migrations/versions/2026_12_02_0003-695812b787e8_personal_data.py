"""personal data: consent, exports, access log, retention

Privacy-notice versions and consents, data-export archives, the identity access log; on ``users`` the last
activity (backfilled from the last log-in), the retention warning and the deletion time; on ``complaints`` when
retention purged the personal fields (issue 14, ``app.accounts.privacy``).

Revision ID: 695812b787e8
Revises: e4b7c1d9a2f6
Create Date: 2026-12-02 00:03:42.535410

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "695812b787e8"
down_revision: str | Sequence[str] | None = "e4b7c1d9a2f6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "access_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column(
            "actor_scope",
            sa.String(length=17).with_variant(sa.String(length=17, collation="C"), "postgresql"),
            nullable=True,
        ),
        sa.Column("office_id", sa.BigInteger(), nullable=True),
        sa.Column("subject_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("object_type", sa.String(length=20), nullable=False),
        sa.Column("object_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "area_key",
            sa.String(length=17).with_variant(sa.String(length=17, collation="C"), "postgresql"),
            nullable=True,
        ),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("endpoint", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "kind IN ('reporter_identity', 'redaction_original', 'personal_export')", name=op.f("ck_access_log_kind")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_access_log_actor_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["users.id"], name=op.f("fk_access_log_subject_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
    )
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.create_index("ix_access_log_actor_id_id", ["actor_id", "id"], unique=False)
        batch_op.create_index("ix_access_log_area_key_id", ["area_key", "id"], unique=False)
        batch_op.create_index("ix_access_log_subject_id_id", ["subject_id", "id"], unique=False)

    op.create_table(
        "data_exports",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ready_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("storage_key", sa.String(length=120), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("file_count", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'ready', 'failed', 'expired')", name=op.f("ck_data_exports_status")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_data_exports_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_exports")),
    )
    with op.batch_alter_table("data_exports", schema=None) as batch_op:
        batch_op.create_index("ix_data_exports_status_expires_at", ["status", "expires_at"], unique=False)
        batch_op.create_index("ix_data_exports_user_id_id", ["user_id", "id"], unique=False)

    op.create_table(
        "privacy_notices",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("title_id", sa.String(length=150), nullable=False),
        sa.Column("title_en", sa.String(length=150), nullable=False),
        sa.Column("body_id", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_privacy_notices_published_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_notices")),
        sa.UniqueConstraint("version", name=op.f("uq_privacy_notices_version")),
    )
    op.create_table(
        "privacy_consents",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("notice_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["privacy_notices.id"],
            name=op.f("fk_privacy_consents_notice_id_privacy_notices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_privacy_consents_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_consents")),
        sa.UniqueConstraint("user_id", "notice_id", name=op.f("uq_privacy_consents_user_id_notice_id")),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("privacy_purged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_complaints_privacy_purge", ["privacy_purged_at", "status_changed_at", "id"], unique=False
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_active_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("retention_warned_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_users_retention", ["role", "deleted_at", "retention_warned_at", "last_active_at", "id"], unique=False
        )
    op.execute("UPDATE users SET last_active_at = COALESCE(last_login_at, created_at)")


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("ix_users_retention")
        batch_op.drop_column("deleted_at")
        batch_op.drop_column("retention_warned_at")
        batch_op.drop_column("last_active_at")

    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_complaints_privacy_purge")
        batch_op.drop_column("privacy_purged_at")

    op.drop_table("privacy_consents")
    op.drop_table("privacy_notices")
    with op.batch_alter_table("data_exports", schema=None) as batch_op:
        batch_op.drop_index("ix_data_exports_user_id_id")
        batch_op.drop_index("ix_data_exports_status_expires_at")

    op.drop_table("data_exports")
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.drop_index("ix_access_log_subject_id_id")
        batch_op.drop_index("ix_access_log_area_key_id")
        batch_op.drop_index("ix_access_log_actor_id_id")

    op.drop_table("access_log")
