"""The statistics' summary tables, kept in step with ``complaints`` by database triggers (see ``rollup``).

``ComplaintStatsRollup``: the sums of ``queries.SUMS`` over the *settled* complaints (see ``rollup``: no figure of
theirs can move with the clock before the horizon, ``ComplaintStatsHorizon``), per kab/kota, status, category and
lead office (0: none). ``ComplaintStatsTime``: the seconds from verification to
the first response (kind 1) and to resolution (kind 2) of each verified complaint that has them, with their
logarithmic bucket; ``ComplaintStatsDurations``: how many fall in each bucket per kab/kota and lead office. A
median finds the bucket of its middle rank from the counts and reads the exact values of that bucket only.

The indexes on ``complaints`` that serve the rest live here too (the statistics are their only reader): the partial
covering indexes of the complaints that may be unsettled, for the part of every answer computed directly.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Double, Index, Integer, SmallInteger, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, code_string
from complaints.intake.models import STATS_INCLUDE, Complaint
from complaints.stats.rollup import partial_indexes


class ComplaintStatsRollup(Base):
    __tablename__ = "complaint_stats_rollup"

    kabkota_code: Mapped[str] = mapped_column(code_string(5), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0: no lead office
    n: Mapped[int] = mapped_column(Integer)
    response_met: Mapped[int] = mapped_column(Integer)
    response_total: Mapped[int] = mapped_column(Integer)
    resolution_met: Mapped[int] = mapped_column(Integer)
    resolution_total: Mapped[int] = mapped_column(Integer)
    overdue_open: Mapped[int] = mapped_column(Integer)
    rating_count: Mapped[int] = mapped_column(Integer)
    rating_sum: Mapped[int] = mapped_column(Integer)
    response_count: Mapped[int] = mapped_column(Integer)
    resolution_count: Mapped[int] = mapped_column(Integer)


class ComplaintStatsTime(Base):
    __tablename__ = "complaint_stats_times"
    __table_args__ = (
        Index(
            "ix_complaint_stats_times_kind_bucket",
            "kind",
            "bucket",
            "seconds",
            postgresql_include=["kabkota_code", "office_id"],
        ),
    )

    complaint_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # no foreign key: the trigger deletes
    kind: Mapped[int] = mapped_column(SmallInteger, primary_key=True)  # 1 first response, 2 resolution
    kabkota_code: Mapped[str] = mapped_column(code_string(5))
    office_id: Mapped[int] = mapped_column(Integer)  # 0: no lead office
    bucket: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Double)


class ComplaintStatsDurations(Base):
    __tablename__ = "complaint_stats_durations"

    kabkota_code: Mapped[str] = mapped_column(code_string(5), primary_key=True)
    office_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0: no lead office
    kind: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    bucket: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class ComplaintStatsHorizon(Base):
    """One row: complaints whose deadlines that count all lie before ``settled_before`` are in the rollup."""

    __tablename__ = "complaint_stats_horizon"

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    settled_before: Mapped[dt.datetime]


for _name, (_keys, _where) in partial_indexes().items():
    Index(
        _name,
        *(Complaint.__table__.c[k] for k in _keys),
        postgresql_include=[c for c in ("kabkota_code", "created_at", *STATS_INCLUDE) if c not in _keys],
        postgresql_where=text(_where),
        sqlite_where=text(_where),
    )
