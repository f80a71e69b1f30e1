"""Personal-data records: privacy-notice versions and consents, data-export archives, the identity access log.

Foreign keys name ``users.id`` by table, so this module imports nothing of ``app.accounts.models`` (which imports
it, to keep the metadata complete).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, BigIntPK, code_string, utcnow

NOTICE_VERSION_MAX = 20
NOTICE_TITLE_MAX = 150
NOTICE_BODY_MAX = 20_000

#: Export states: waiting for the job, built, the job failed, past its expiry (file deleted).
EXPORT_PENDING, EXPORT_READY, EXPORT_FAILED, EXPORT_EXPIRED = "pending", "ready", "failed", "expired"
EXPORT_STATES = (EXPORT_PENDING, EXPORT_READY, EXPORT_FAILED, EXPORT_EXPIRED)

#: What an access-log row records: a reporter's identity shown to staff, a redaction's original text read, personal
#: data exported by staff.
ACCESS_IDENTITY, ACCESS_REDACTION, ACCESS_EXPORT = "reporter_identity", "redaction_original", "personal_export"
ACCESS_KINDS = (ACCESS_IDENTITY, ACCESS_REDACTION, ACCESS_EXPORT)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class PrivacyNotice(Base):
    """One published version of the privacy notice, in Indonesian and English. The newest one is current."""

    __tablename__ = "privacy_notices"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    version: Mapped[str] = mapped_column(String(NOTICE_VERSION_MAX), unique=True)
    title_id: Mapped[str] = mapped_column(String(NOTICE_TITLE_MAX))
    title_en: Mapped[str] = mapped_column(String(NOTICE_TITLE_MAX))
    body_id: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text)
    published_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class PrivacyConsent(Base):
    """A user accepted a notice version, at a time (kept after anonymisation: it holds no personal data)."""

    __tablename__ = "privacy_consents"
    __table_args__ = (UniqueConstraint("user_id", "notice_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    notice_id: Mapped[int] = mapped_column(ForeignKey("privacy_notices.id", ondelete="CASCADE"))
    accepted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


#: ``DataExport.kind`` of a resident's "download my data" archive; other kinds are files that features register
#: (``app.accounts.privacy.export.register_file``), such as a survey's responses for the staff member who asked.
PERSONAL_EXPORT = "personal"
EXPORT_KIND_MAX = 20


class DataExport(Base):
    """A file built by a job into storage for the one account that asked, downloadable by it until it expires:
    a resident's "download my data" archive (``kind`` personal), or a feature's file (``kind`` registered by the
    feature, ``subject_id`` what it is of: a survey's responses)."""

    __tablename__ = "data_exports"
    __table_args__ = (
        CheckConstraint(_in("status", EXPORT_STATES), name="status"),
        Index("ix_data_exports_user_id_id", "user_id", "id"),
        # Retention: archives past their expiry, oldest first.
        Index("ix_data_exports_status_expires_at", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), default=EXPORT_PENDING)
    kind: Mapped[str] = mapped_column(String(EXPORT_KIND_MAX), default=PERSONAL_EXPORT, server_default=PERSONAL_EXPORT)
    #: What a feature's file is of (a survey id); NULL for a personal archive.
    subject_id: Mapped[int | None] = mapped_column(BigInteger)
    requested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ready_at: Mapped[dt.datetime | None]
    expires_at: Mapped[dt.datetime | None]
    storage_key: Mapped[str | None] = mapped_column(String(120))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    file_count: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(200))


class AccessLog(Base):
    """Staff saw a resident's identity or a redaction's original text (who, what, whose, when, from where).

    ``actor_role``, ``actor_scope`` and ``office_id`` are copied at the time (roles change; the row must not).
    ``area_key`` is where the object lies (a complaint's desa or RW): admins read the log of their area.
    """

    __tablename__ = "access_log"
    __table_args__ = (
        CheckConstraint(_in("kind", ACCESS_KINDS), name="kind"),
        Index("ix_access_log_subject_id_id", "subject_id", "id"),
        Index("ix_access_log_area_key_id", "area_key", "id"),
        Index("ix_access_log_actor_id_id", "actor_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_role: Mapped[str] = mapped_column(String(20))
    actor_scope: Mapped[str | None] = mapped_column(code_string(17))
    #: The office through which an office handler saw it (no foreign key: offices belong to a feature).
    office_id: Mapped[int | None] = mapped_column(BigInteger)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    object_type: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int | None] = mapped_column(BigInteger)
    area_key: Mapped[str | None] = mapped_column(code_string(17))
    ip: Mapped[str | None] = mapped_column(String(45))
    endpoint: Mapped[str | None] = mapped_column(String(200))
