"""A complaint's history rows, written only by ``complaints.states`` (``transition`` and ``record``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, BigIntPK, utcnow

#: What a history entry records: a status change, or an event that keeps the status (a transfer of a complaint
#: still waiting to be accepted, a co-handling office added, a redaction, an assignment to a colleague).
HISTORY_EVENTS = ("status", "transfer", "co_handling", "redaction", "assignment", "reopen", "validation_failed")


class HistoryEntry(Base):
    """One entry of a complaint's history: who, when, from, to, what happened and the note that came with it. Not
    only status changes: ``event`` names what happened (a transfer, a co-handling office, an assignment, a redaction
    keep the status; then ``from_status == to_status``)."""

    __tablename__ = "complaint_history"
    __table_args__ = (Index("ix_complaint_history_complaint_id_id", "complaint_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"))
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    #: None for changes the system makes (scheduled jobs).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    event: Mapped[str] = mapped_column(String(20), default="status", server_default="status")
    #: The office the entry concerns (routed to, transferred to, added as co-handler); shown on the public timeline.
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id", ondelete="SET NULL"))
    #: Staff-only entries (an assignment to a colleague, a redaction) never reach the reporter or the public.
    is_internal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
