from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, BigIntPK, utcnow


class Redaction(Base):
    """A moderator's redaction of a complaint's text: the original stays here, readable by admins only."""

    __tablename__ = "complaint_redactions"
    __table_args__ = (Index("ix_complaint_redactions_complaint_id_id", "complaint_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"))
    #: ``title``, ``description`` or ``address``.
    field: Mapped[str] = mapped_column(String(20))
    original: Mapped[str] = mapped_column(Text)
    redacted: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
