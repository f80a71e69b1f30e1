from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Double,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, BigIntPK, code_string, utcnow
from complaints.history import HISTORY_EVENTS, HistoryEntry  # noqa: F401 (moved there; kept importable here)
from complaints.states import STATUSES

TITLE_MAX = 150
DESCRIPTION_MAX = 5000
ADDRESS_MAX = 300
IDEMPOTENCY_KEY_MAX = 100
#: "Similar complaints" (for the reporter before submitting, for the moderator's duplicates): this near, this recent.
SIMILAR_RADIUS_M = 200
SIMILAR_DAYS = 30


#: Columns the statistics read, carried in their index (``ix_complaints_stats``) so it alone answers them.
STATS_INCLUDE = [
    "desa_code", "rw", "status", "category_id", "office_id", "verified_at", "first_response_at", "resolved_at",
    "response_due_at", "resolution_due_at", "id", "rating",
]  # fmt: skip


#: Why a complaint is rejected: spam, abusive, incomplete, not the government's authority, a duplicate.
REJECTION_REASONS = ("spam", "abusive", "incomplete", "not_authority", "duplicate")


class Complaint(Base):
    """An *aduan*: what, where, by whom, and how far it has come.

    The public copies of the texts (``public_*``) are the originals with personal data masked at submission, and are
    NULL when nothing had to be masked. ``is_listed`` (public and verified or later) is kept by ``states.transition``;
    ``kabkota_code`` is the kab/kota of ``desa_code``, so the feed's area filter has an equality to use an index on.
    """

    __tablename__ = "complaints"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in STATUSES)})", name="status"),
        CheckConstraint("rw IS NULL OR rw BETWEEN 1 AND 999", name="rw"),
        CheckConstraint("support_count >= 0", name="support_count"),
        # One submission per (reporter, Idempotency-Key): a retried POST finds the first one, even under a race.
        UniqueConstraint("reporter_id", "idempotency_key"),
        # Public feed: newest first, optionally by status and by kab/kota; most supported.
        Index("ix_complaints_listed_id", "is_listed", "id"),
        Index("ix_complaints_listed_status_id", "is_listed", "status", "id"),
        Index("ix_complaints_kabkota_listed_id", "kabkota_code", "is_listed", "id"),
        Index("ix_complaints_kabkota_listed_status_id", "kabkota_code", "is_listed", "status", "id"),
        Index("ix_complaints_listed_support_id", "is_listed", "support_count", "id"),
        Index("ix_complaints_category_id_id", "category_id", "id"),
        # Areas below a kab/kota (within_area on the desa code), and staff scopes.
        Index("ix_complaints_desa_code_id", "desa_code", "id"),
        # Radius searches: the grid cell ranges, with the box, the listing, the category and the date checked inside
        # the index, so only rows in the box (and, for similar complaints, of the category and month) are read; with
        # the id and the status as well, the feed's tiles (``complaints.intake.nearby``) come from the index alone.
        Index(
            "ix_complaints_geo",
            "geo_cell",
            "latitude",
            "longitude",
            "is_listed",
            "category_id",
            "created_at",
            postgresql_include=["id", "status"],
        ),
        # The moderation queue: one status, oldest first, inside a kab/kota (or, with a prefix, a province).
        Index("ix_complaints_status_kabkota_id", "status", "kabkota_code", "id"),
        Index("ix_complaints_office_id", "office_id"),
        # The reporter's delta sync (``GET /me/complaints?updated_since=``): changes in (updated_at, id) order.
        Index("ix_complaints_reporter_id_updated_at_id", "reporter_id", "updated_at", "id"),
        # Statistics (``complaints.stats``): an area's complaints by submission time, with every column the figures
        # read, so that PostgreSQL answers from the index alone (a kab/kota, a period, or a whole province).
        Index("ix_complaints_stats", "kabkota_code", "created_at", postgresql_include=STATS_INCLUDE),
        # Retention (``complaints.privacy``): final complaints whose personal fields are still to be purged.
        Index("ix_complaints_privacy_purge", "privacy_purged_at", "status_changed_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    tracking_number: Mapped[str] = mapped_column(String(16), unique=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("complaint_categories.id"))
    status: Mapped[str] = mapped_column(String(16))
    #: Optimistic lock: every ORM update checks and increments it (two moderators at once: one gets 409).
    version: Mapped[int] = mapped_column(Integer, default=1)

    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(ADDRESS_MAX))
    public_title: Mapped[str | None] = mapped_column(String(TITLE_MAX + 200))
    public_description: Mapped[str | None] = mapped_column(Text)
    public_address: Mapped[str | None] = mapped_column(String(ADDRESS_MAX + 200))

    latitude: Mapped[float] = mapped_column(Double)
    longitude: Mapped[float] = mapped_column(Double)
    location_accuracy_m: Mapped[float | None] = mapped_column(Double)
    geo_cell: Mapped[int] = mapped_column(Integer)
    desa_code: Mapped[str] = mapped_column(code_string(13), ForeignKey("areas.code"))
    rw: Mapped[int | None] = mapped_column(SmallInteger)
    kabkota_code: Mapped[str] = mapped_column(code_string(5))

    is_anonymous: Mapped[bool] = mapped_column(Boolean, server_default=false())
    is_public: Mapped[bool] = mapped_column(Boolean, server_default=false())
    is_listed: Mapped[bool] = mapped_column(Boolean, server_default=false())
    #: What the public sees as the reporter: "Anonim" or the masked name, fixed at submission.
    reporter_label: Mapped[str] = mapped_column(String(100))
    support_count: Mapped[int] = mapped_column(Integer, default=0)
    #: Intake photos, and the first one, so that list pages need no query on the photos table.
    photo_count: Mapped[int] = mapped_column(SmallInteger, default=0, server_default=text("0"))
    cover_photo_id: Mapped[int | None] = mapped_column(BigInteger)

    #: Screening at submission, for moderators: {"flags": [...], "abusive_terms": [...], "pii_types": [...]}.
    screening: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    is_flagged: Mapped[bool] = mapped_column(Boolean, server_default=false())

    idempotency_key: Mapped[str | None] = mapped_column(String(IDEMPOTENCY_KEY_MAX))
    #: SHA-256 of the submitted fields, to tell a replay from a different request under the same key.
    request_hash: Mapped[str | None] = mapped_column(String(64))

    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Any change a client may want to sync: set on every ORM update and every SQL ``UPDATE`` (``onupdate``; the
    #: supports, photo and rating counters too), and by ``touch`` for changes stored in other tables (messages).
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    status_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    # Moderation and handling (issue 6). The lead office and the deadlines of its current stage are copied here from
    # ``HandlingStage`` (below) so that statistics and permission checks read one row.
    #: The office leading the handling (None until routed).
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    #: A moderator verified it but no routing rule applies: it waits in moderation for an office to be picked.
    awaiting_route: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: ``rejected``: the reason code (spam, abusive, incomplete, not_authority, duplicate).
    rejection_reason: Mapped[str | None] = mapped_column(String(20))
    #: ``duplicate``: the complaint it duplicates.
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id", ondelete="SET NULL"))
    verified_at: Mapped[dt.datetime | None]
    first_response_at: Mapped[dt.datetime | None]
    resolved_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    #: The reporter reopened it once after closing ("belum beres"); never again.
    reopened_at: Mapped[dt.datetime | None]
    response_due_at: Mapped[dt.datetime | None]
    resolution_due_at: Mapped[dt.datetime | None]
    #: The reporter's 1-5 score, copied from ``complaint_ratings`` by the rating service: statistics read one table.
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    #: Retention purged its personal fields (texts kept only masked) long after it was closed (``complaints.privacy``).
    privacy_purged_at: Mapped[dt.datetime | None]

    __mapper_args__ = {"version_id_col": version}


#: ``lead``: the office responsible (one active at a time); ``co``: a co-handling office (*koordinasi*).
STAGE_ROLES = ("lead", "co")


class HandlingStage(Base):
    """One office's stage on a complaint (not to be confused with ``assign``, which gives a stage to a person): from
    routing (or a transfer, or being added as co-handler) until it is
    transferred away. Due dates live here, per stage: a transfer ends this row and starts a new one with a fresh
    response clock.

    ``due_at`` is the next deadline still open (the response deadline until the office responds, then the
    resolution deadline, NULL once resolved): the work queue's overdue filter and the escalation job compare it with
    now.

    ``complaints.handling`` writes these rows; they live here, with the complaint, because the base reads them too:
    who may see a complaint depends on the offices with an active stage on it (``intake.access``).
    """

    __tablename__ = "handling_stages"
    __table_args__ = (
        CheckConstraint(f"role IN ({', '.join(repr(r) for r in STAGE_ROLES)})", name="role"),
        # The office's work queue: its active stages by deadline (the overdue filter is a range on due_at).
        Index("ix_handling_stages_office_active_due", "office_id", "is_active", "due_at", "id"),
        Index("ix_handling_stages_complaint_id", "complaint_id", "is_active"),
        # The escalation sweep: active stages past their deadline.
        Index("ix_handling_stages_active_due", "is_active", "due_at"),
        Index("ix_handling_stages_assignee", "assignee_id", "is_active"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    role: Mapped[str] = mapped_column(String(4), default="lead")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    response_due_at: Mapped[dt.datetime | None]
    resolution_due_at: Mapped[dt.datetime | None]
    #: A year the deadlines span had no official holiday data (weekends and admin days only).
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    due_at: Mapped[dt.datetime | None]
    responded_at: Mapped[dt.datetime | None]
    response_escalated_at: Mapped[dt.datetime | None]
    resolution_escalated_at: Mapped[dt.datetime | None]

    #: Why the complaint came here (a transfer's reason, the note of a co-handling request).
    reason: Mapped[str | None] = mapped_column(Text)
    #: The moderator picked the office instead of the routing rules.
    is_override: Mapped[bool] = mapped_column(Boolean, default=False)
    routing_rule_id: Mapped[int | None] = mapped_column(ForeignKey("routing_rules.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ended_at: Mapped[dt.datetime | None]
