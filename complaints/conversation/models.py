from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, BigIntPK, utcnow

#: ``shared``: between the reporter and staff. ``internal``: staff only, never shown to residents.
VISIBILITIES = ("shared", "internal")
BODY_MAX = 2000


class Message(Base):
    """A message on a complaint's conversation, or a staff-only internal note."""

    __tablename__ = "complaint_messages"
    __table_args__ = (
        CheckConstraint(f"visibility IN ({', '.join(repr(v) for v in VISIBILITIES)})", name="visibility"),
        Index("ix_complaint_messages_complaint_id_id", "complaint_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: Whether the author wrote as the reporter (kept even if the account is later removed).
    from_reporter: Mapped[bool]
    author_role: Mapped[str] = mapped_column(String(20))
    visibility: Mapped[str] = mapped_column(String(10), default="shared")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
