from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Integer, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, BigIntPK, utcnow

PHOTO_KINDS = ("intake", "resolution")


class ComplaintPhoto(Base):
    """A photo of a complaint, stored re-encoded (no metadata) under random keys, with a thumbnail."""

    __tablename__ = "complaint_photos"
    __table_args__ = (
        CheckConstraint(f"kind IN ({', '.join(repr(k) for k in PHOTO_KINDS)})", name="kind"),
        CheckConstraint("position >= 1", name="position"),
        # Positions are handed out under a lock on the complaint; the constraint is the backstop.
        UniqueConstraint("complaint_id", "kind", "position"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12), default="intake")
    position: Mapped[int] = mapped_column(SmallInteger)
    storage_key: Mapped[str] = mapped_column(String(120))
    thumbnail_key: Mapped[str] = mapped_column(String(120))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
