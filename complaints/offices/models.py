from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, String, false, true
from sqlalchemy.orm import Mapped, mapped_column

from app.areas.models import Area
from app.core.db import Base, BigIntPK, code_string, utcnow


class Office(Base):
    """A government office (OPD) or one of its sub-units (UPT, Suku Dinas) that handles complaints in an area.

    A sub-unit's jurisdiction lies inside its parent's. Offices are deactivated, never deleted: routing skips
    inactive offices and history keeps pointing at them.
    """

    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    #: Short unique code, upper case (``DSDABM-3273``).
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(150))
    #: The area the office is responsible for (province, kab/kota, kecamatan or desa).
    area_code: Mapped[str] = mapped_column(code_string(13), ForeignKey(Area.code), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OfficeMember(Base):
    """An ``office_handler`` working for an office; heads receive escalations. A user may be in several offices."""

    __tablename__ = "office_members"

    office_id: Mapped[int] = mapped_column(ForeignKey(Office.id, ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    is_head: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
