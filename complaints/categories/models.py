from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, SmallInteger, String, true
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, BigIntPK, utcnow


class Category(Base):
    """A complaint category (jalan rusak, sampah…). Deployment-wide; deactivated rather than deleted."""

    __tablename__ = "complaint_categories"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(String(500), default="")
    icon_key: Mapped[str] = mapped_column(String(40), default="other")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("complaint_categories.id"), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    sort_order: Mapped[int] = mapped_column(SmallInteger, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
