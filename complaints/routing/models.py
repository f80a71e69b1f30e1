from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.areas.models import Area
from app.core.db import Base, BigIntPK, code_string, utcnow
from complaints.categories.models import Category
from complaints.offices.models import Office


class RoutingRule(Base):
    """Complaints of ``category`` (None: any category, the area's default office) inside ``area`` go to ``office``.

    One rule per (category, area); at most one default rule per area (a partial unique index, since NULLs are
    distinct in a unique constraint).
    """

    __tablename__ = "routing_rules"
    __table_args__ = (
        UniqueConstraint("category_id", "area_code"),
        Index(
            "uq_routing_rules_default_area_code",
            "area_code",
            unique=True,
            sqlite_where=text("category_id IS NULL"),
            postgresql_where=text("category_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey(Category.id))
    area_code: Mapped[str] = mapped_column(code_string(13), ForeignKey(Area.code), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey(Office.id), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    office: Mapped[Office] = relationship(lazy="raise")
