"""Announcements: the posts, their images and the residents' opened marks (news.announcements)

Revision ID: d5e755b0a642
Revises: aa17f2a36591
Create Date: 2026-12-02 00:08:16.567580

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "d5e755b0a642"
down_revision: str | Sequence[str] | None = "aa17f2a36591"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "announcements",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("excerpt", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column(
            "area_code",
            sa.String(length=13).with_variant(sa.String(length=13, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("rw", sa.SmallInteger(), nullable=True),
        sa.Column(
            "target_key",
            sa.String(length=17).with_variant(sa.String(length=17, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("pinned", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("event_starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("event_ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("place_name", sa.String(length=150), nullable=True),
        sa.Column("place_lat", sa.Float(), nullable=True),
        sa.Column("place_lon", sa.Float(), nullable=True),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("link_type", sa.String(length=30), nullable=True),
        sa.Column("link_id", sa.BigInteger(), nullable=True),
        sa.Column("notify", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("publish_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("feed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notification_id", sa.BigInteger(), nullable=True),
        sa.Column("image_count", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("cover_image_id", sa.BigInteger(), nullable=True),
        sa.Column("author_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("author_role", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "category IN ('kegiatan', 'kerja_bakti', 'posyandu', 'kesehatan', 'layanan', 'keamanan', 'bencana', 'lainnya')",
            name=op.f("ck_announcements_category"),
        ),
        sa.CheckConstraint("(link_type IS NULL) = (link_id IS NULL)", name=op.f("ck_announcements_link")),
        sa.CheckConstraint("(place_lat IS NULL) = (place_lon IS NULL)", name=op.f("ck_announcements_place_point")),
        sa.CheckConstraint(
            "event_ends_at IS NULL OR event_starts_at IS NOT NULL", name=op.f("ck_announcements_event_start")
        ),
        sa.CheckConstraint("image_count BETWEEN 0 AND 5", name=op.f("ck_announcements_image_count")),
        sa.CheckConstraint(
            "notification_id IS NULL OR notified_at IS NOT NULL", name=op.f("ck_announcements_notified")
        ),
        sa.CheckConstraint("rw IS NULL OR rw BETWEEN 1 AND 999", name=op.f("ck_announcements_rw")),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_announcements_author_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcements")),
        sa.UniqueConstraint("notification_id", name=op.f("uq_announcements_notification_id")),
    )
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_announcements_author_id"), ["author_id"], unique=False)
        batch_op.create_index("ix_announcements_published_at_publish_at", ["published_at", "publish_at"], unique=False)
        batch_op.create_index(
            "ix_announcements_target_key_pinned_feed_at_id", ["target_key", "pinned", "feed_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_announcements_target_key_updated_at_id", ["target_key", "updated_at", "id"], unique=False
        )

    op.create_table(
        "announcement_images",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("announcement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("storage_key", sa.String(length=120), nullable=False),
        sa.Column("thumbnail_key", sa.String(length=120), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["announcements.id"],
            name=op.f("fk_announcement_images_announcement_id_announcements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_announcement_images_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement_images")),
        sa.UniqueConstraint(
            "announcement_id", "position", name=op.f("uq_announcement_images_announcement_id_position")
        ),
    )
    op.create_table(
        "announcement_reads",
        sa.Column("announcement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["announcements.id"],
            name=op.f("fk_announcement_reads_announcement_id_announcements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_announcement_reads_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("announcement_id", "user_id", name=op.f("pk_announcement_reads")),
    )
    with op.batch_alter_table("announcement_reads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_announcement_reads_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("announcement_reads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_announcement_reads_user_id"))

    op.drop_table("announcement_reads")
    op.drop_table("announcement_images")
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.drop_index("ix_announcements_target_key_updated_at_id")
        batch_op.drop_index("ix_announcements_target_key_pinned_feed_at_id")
        batch_op.drop_index("ix_announcements_published_at_publish_at")
        batch_op.drop_index(batch_op.f("ix_announcements_author_id"))

    op.drop_table("announcements")
