from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, SmallInteger, String, text, true
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, BigIntPK, utcnow

#: Working-day SLA defaults for a new category, and the largest values an admin may set.
DEFAULT_RESPONSE_DAYS, DEFAULT_RESOLUTION_DAYS = 3, 14
MAX_RESPONSE_DAYS, MAX_RESOLUTION_DAYS = 60, 365


class Category(Base):
    """A complaint category (jalan rusak, sampah…). Deployment-wide; deactivated rather than deleted."""

    __tablename__ = "complaint_categories"
    __table_args__ = (
        CheckConstraint(
            f"sla_response_days BETWEEN 1 AND {MAX_RESPONSE_DAYS} "
            f"AND sla_resolution_days BETWEEN sla_response_days AND {MAX_RESOLUTION_DAYS}",
            name="sla_days",
        ),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(String(500), default="")
    icon_key: Mapped[str] = mapped_column(String(40), default="other")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("complaint_categories.id"), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    sort_order: Mapped[int] = mapped_column(SmallInteger, default=0)
    #: Working days from routing to the office's first response, and to resolution (``complaints.sla``).
    sla_response_days: Mapped[int] = mapped_column(
        SmallInteger, default=DEFAULT_RESPONSE_DAYS, server_default=text(str(DEFAULT_RESPONSE_DAYS))
    )
    sla_resolution_days: Mapped[int] = mapped_column(
        SmallInteger, default=DEFAULT_RESOLUTION_DAYS, server_default=text(str(DEFAULT_RESOLUTION_DAYS))
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
