from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, code_string, utcnow

AREA_TYPES = ("provinsi", "kabupaten", "kota", "kecamatan", "distrik", "kelurahan", "desa", "desa_adat")


class Area(Base):
    """One row of the Kemendagri hierarchy (provinsi, kabupaten/kota, kecamatan, desa/kelurahan)."""

    __tablename__ = "areas"
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 4", name="level"),
        CheckConstraint(f"type IN ({', '.join(repr(t) for t in AREA_TYPES)})", name="type"),
        Index("ix_areas_name_search", "name_search"),
    )

    code: Mapped[str] = mapped_column(code_string(13), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(code_string(13), ForeignKey("areas.code"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    #: Lower-cased name, for case-insensitive search on both backends.
    name_search: Mapped[str] = mapped_column(String(100))
    level: Mapped[int] = mapped_column(SmallInteger)
    type: Mapped[str] = mapped_column(String(12))
    postal_code: Mapped[str | None] = mapped_column(String(5))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
