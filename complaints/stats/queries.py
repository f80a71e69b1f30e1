"""Complaint statistics in SQL: counts by status, category and office, median handling times, SLA compliance and
ratings over the complaints a caller looks after.

For a province, a kab/kota or everywhere, over all time, the answer comes from the summary tables (``rollup``,
``models``) in one statement (``_summary_statement``): the settled complaints' sums from the rollup, the unsettled
ones' directly, the medians from the duration buckets. Below a kab/kota, for a period (``from``/``to``: the
covering index ``ix_complaints_stats`` reads just that range), for a category (the buckets do not know it, and
the medians would take a pass over the rows anyway), or with ``direct=True`` (the tests compare both), the one
statement of ``direct`` computes everything from the complaint rows. Both give the same figures.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Iterator
from typing import Any

from sqlalchemy import and_, bindparam, func, select, text, type_coerce, union_all

from app.areas.codes import LEVEL_KABKOTA, level_of
from app.core.db import UTCDateTime
from app.extensions import db
from complaints.stats import presenters
from complaints.stats.direct import (
    SUMS,
    C,
    Filters,
    Scope,
    aggregates,
    conditions,
    direct_statement,
    folded,
    literal_sql,
    medians,
)
from complaints.stats.models import (
    ComplaintStatsDurations,
    ComplaintStatsHorizon,
    ComplaintStatsRollup,
    ComplaintStatsTime,
)
from complaints.stats.rollup import (
    RESOLUTION,
    RESPONSE,
    branches,
    histogram_median,
)

__all__ = ["SUMS", "Filters", "Scope", "complaint_stats", "medians"]


def _kabkota_sql(column: Any, area: str | None) -> list[Any]:
    """The summary tables' kab/kota column inside ``area`` (a province or a kab/kota; None: everywhere)."""
    if area is None:
        return []
    if level_of(area) < LEVEL_KABKOTA:
        return [literal_sql(and_(column >= area + ".", column < area + "/"))]
    return [literal_sql(column == area)]


def _office_conds(column: Any, scope: Scope, office: bool) -> list[Any]:
    conds = []
    if scope.offices is not None:
        conds.append(column.in_(bindparam("scope_offices", expanding=True)))
    if office:
        conds.append(column == bindparam("office_id"))
    return conds


@functools.lru_cache(maxsize=512)
def _summary_statement(scope: Scope, dialect: str, *, office: bool) -> Any:
    """The same answer as ``direct.direct_statement`` from the summary tables (see ``rollup``): the settled
    complaints' sums from the rollup (a few thousand rows), the unsettled ones' directly (four partial indexes),
    the medians from the duration buckets."""
    r = ComplaintStatsRollup.__table__.c
    keys = ("status", "category_id", "office_id")
    conds = [*_kabkota_sql(r.kabkota_code, scope.area), r.n != 0, *_office_conds(r.office_id, scope, office)]
    rolled = select(r.status, r.category_id, func.nullif(r.office_id, 0).label("office_id"), *(r[s] for s in SUMS))
    where = conditions(scope, since=False, until=False, office=office, categories=False)
    unsettled = [  # disjoint parts, each read from its own partial index
        select(C.status, C.category_id, C.office_id, *(agg.label(name) for name, agg in aggregates(dialect).items()))
        .where(*where, *(text(c) for c in branch))
        .group_by(C.status, C.category_id, C.office_id)
        for branch in branches()
    ]
    u = union_all(rolled.where(*conds), *unsettled).subquery("parts")
    grouped = (
        select(*(u.c[k] for k in keys), *(func.sum(u.c[s]).label(s) for s in SUMS))
        .group_by(*(u.c[k] for k in keys))
        .having(func.sum(u.c.n) > 0)
        .cte("grouped")
    )
    durations, times = ComplaintStatsDurations.__table__, ComplaintStatsTime.__table__

    def bucket_conds(table: Any) -> list[Any]:
        return [*_kabkota_sql(table.c.kabkota_code, scope.area), *_office_conds(table.c.office_id, scope, office)]

    m = select(
        histogram_median(RESPONSE, durations, times, bucket_conds, dialect).label("response_median"),
        histogram_median(RESOLUTION, durations, times, bucket_conds, dialect).label("resolution_median"),
    ).subquery("medians")
    horizon = select(ComplaintStatsHorizon.settled_before).scalar_subquery()
    return folded(grouped, m, type_coerce(horizon, UTCDateTime()))


#: Settings for the statistics statement on PostgreSQL (one round trip to set, one to reset), measured on a province
#: of 1M complaints: JIT compiled its many expressions for ~250 ms to save less than that; the medians' sorts (~900k
#: values each) run in memory rather than in temporary files with 64 MB instead of the default 4 MB; and with the
#: default random_page_cost (4, for spinning disks) the planner scanned the 540 MB table instead of the 120 MB
#: covering index (both cached), which took half as long again.
_SETTINGS = {"jit": "off", "work_mem": "'64MB'", "random_page_cost": "1.1"}


@contextlib.contextmanager
def _tuned(conn: Any) -> Iterator[None]:
    """``_SETTINGS`` for one statement on PostgreSQL (the read connection has no transaction for ``SET LOCAL``)."""
    if db.dialect != "postgresql":
        yield
        return
    conn.exec_driver_sql("; ".join(f"SET {k} = {v}" for k, v in _SETTINGS.items()))
    try:
        yield
    finally:
        conn.exec_driver_sql("; ".join(f"RESET {k}" for k in _SETTINGS))


def complaint_stats(*, scope: Scope, filters: Filters, now: dt.datetime, direct: bool = False) -> dict[str, Any]:
    """The statistics of the complaints in ``scope`` matching ``filters``, as ``presenters.complaint_stats`` shapes
    them: from the summary tables for a province, a kab/kota or everywhere, directly below that or when ``direct``."""
    if scope.offices == ():
        scope = Scope(area=scope.area, rw=scope.rw, offices=(-1,))  # no office: nothing matches (0 is "none")
    shape = {
        "since": filters.since is not None,
        "until": filters.until is not None,
        "office": filters.office_id is not None,
        "categories": filters.categories is not None,
    }
    params: dict[str, Any] = {
        "now": now,
        "since": filters.since,
        "until": filters.until,
        "office_id": filters.office_id,
        "categories": list(filters.categories or ()),
        "scope_offices": list(scope.offices or ()),
    }
    fine = scope.rw is not None or (scope.area is not None and level_of(scope.area) > LEVEL_KABKOTA)
    if direct or fine or shape["since"] or shape["until"] or shape["categories"]:
        statement = direct_statement(scope, db.dialect, **shape)
    else:
        statement = _summary_statement(scope, db.dialect, office=shape["office"])
    conn = db.connection()
    with _tuned(conn):
        rows = conn.execute(statement, params).mappings().all()
        horizon = next((r["horizon"] for r in rows if r["kind"] == "total"), None)
        if horizon is not None and now < horizon:  # a moment the rollup has passed: only the direct way knows it
            rows = conn.execute(direct_statement(scope, db.dialect, **shape), params).mappings().all()
    return presenters.complaint_stats(rows)
