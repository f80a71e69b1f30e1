from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, BigIntPK, utcnow

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
