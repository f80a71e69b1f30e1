"""Complaint statistics in SQL: counts by status, category and office, median handling times, SLA compliance and
ratings over the complaints a caller looks after.

For a province, a kab/kota or everywhere the answer comes from the summary tables (``rollup``, ``models``) in one
statement (``_summary_statement``): the settled complaints' sums from the rollup, the unsettled ones' and those of
the partial months at the ends of a period directly, the medians from the duration buckets. Below a kab/kota, or
with ``direct=True`` (the tests compare both), the one statement of ``direct`` computes everything from the
complaint rows. Both give the same figures.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import and_, bindparam, func, select, text, type_coerce, union_all

from app.areas.codes import LEVEL_KABKOTA, level_of
from app.core.db import UTCDateTime
from app.extensions import db
from complaints.intake.models import Complaint
from complaints.states import STATUSES
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
    seconds,
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
    candidate,
    covered_months,
    histogram_median,
    month_conds,
    pending,
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
def _summary_statement(scope: Scope, dialect: str, *, since: bool, until: bool, office: bool, categories: bool,
                       covered: bool, lo: bool, hi: bool) -> Any:  # fmt: skip
    """The same answer as ``statement``, from the summary tables where they hold it (see ``rollup``): the settled
    complaints of the whole months covered (``[:m1_at, :m2_at)``, ``lo``/``hi``: bounded) from the rollup, the
    unsettled ones of those months and every complaint of the partial months at either end from ``complaints``;
    the medians from the duration buckets unless a period or a category narrows them (then directly)."""
    r = ComplaintStatsRollup.__table__.c
    keys = ("status", "category_id", "office_id")
    parts = []

    def direct(*conds: Any) -> Any:
        where = conditions(scope, since=False, until=False, office=office, categories=categories)
        sums = (agg.label(name) for name, agg in aggregates(dialect).items())
        return select(C.status, C.category_id, C.office_id, *sums).where(*where, *conds).group_by(*(C[k] for k in keys))

    at_m1, before_m2 = (
        C.created_at >= bindparam("m1_at", type_=UTCDateTime()),
        C.created_at < bindparam("m2_at", type_=UTCDateTime()),
    )
    from_since, before_until = (
        C.created_at >= bindparam("since", type_=UTCDateTime()),
        C.created_at < bindparam("until", type_=UTCDateTime()),
    )
    if covered:
        rolled = [r[s] for s in SUMS]
        conds = [*_kabkota_sql(r.kabkota_code, scope.area), *month_conds(r.month, lo=lo, hi=hi), r.n != 0]
        conds += _office_conds(r.office_id, scope, office)
        if categories:
            conds.append(r.category_id.in_(bindparam("categories", expanding=True)))
        parts.append(
            select(r.status, r.category_id, func.nullif(r.office_id, 0).label("office_id"), *rolled).where(*conds)
        )
        parts.append(direct(text(candidate()), text(pending()), *([at_m1] if lo else []), *([before_m2] if hi else [])))
        if since and lo:
            parts.append(direct(from_since, C.created_at < bindparam("m1_at", type_=UTCDateTime())))
        if until and hi:
            parts.append(direct(C.created_at >= bindparam("m2_at", type_=UTCDateTime()), before_until))
    else:
        parts.append(direct(*([from_since] if since else []), *([before_until] if until else [])))
    u = union_all(*parts).subquery("parts")
    grouped = (
        select(*(u.c[k] for k in keys), *(func.sum(u.c[s]).label(s) for s in SUMS))
        .group_by(*(u.c[k] for k in keys))
        .having(func.sum(u.c.n) > 0)
        .cte("grouped")
    )
    if since or until or categories:
        where = [
            *conditions(scope, since=since, until=until, office=office, categories=categories),
            C.verified_at.is_not(None),
        ]
        m = medians(
            {
                "response_median": seconds(C.first_response_at, C.verified_at, dialect),
                "resolution_median": seconds(C.resolved_at, C.verified_at, dialect),
            },
            Complaint.__table__,
            where,
            dialect,
        )
    else:
        durations, times = ComplaintStatsDurations.__table__, ComplaintStatsTime.__table__

        def conds(table: Any) -> list[Any]:
            return [*_kabkota_sql(table.c.kabkota_code, scope.area), *_office_conds(table.c.office_id, scope, office)]

        m = select(
            histogram_median(RESPONSE, durations, times, conds, dialect).label("response_median"),
            histogram_median(RESOLUTION, durations, times, conds, dialect).label("resolution_median"),
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


def _rate(met: int, total: int) -> float | None:
    return round(met / total, 4) if total else None


def _hours(value: Any) -> float | None:
    return None if value is None else round(float(value) / 3600.0, 2)


def _by_count(items: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return sorted(items, key=lambda i: (-i["count"], i[key]))


def complaint_stats(*, scope: Scope, filters: Filters, now: dt.datetime, direct: bool = False) -> dict[str, Any]:
    """The statistics of the complaints in ``scope`` matching ``filters`` (see ``schemas.ComplaintStatsSchema``):
    from the summary tables for a province, a kab/kota or everywhere, directly below that or when ``direct``."""
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
    if direct or scope.rw is not None or (scope.area is not None and level_of(scope.area) > LEVEL_KABKOTA):
        statement = direct_statement(scope, db.dialect, **shape)
    else:
        cover = covered_months(filters.since, filters.until)
        m1, m2 = cover or (None, None)
        params.update(m1_at=m1, m2_at=m2, m1=m1 and m1.strftime("%Y-%m"), m2=m2 and m2.strftime("%Y-%m"))
        statement = _summary_statement(scope, db.dialect, **shape, covered=cover is not None, lo=m1 is not None,
                                       hi=m2 is not None)  # fmt: skip
    conn = db.connection()
    with _tuned(conn):
        rows = conn.execute(statement, params).mappings().all()
        horizon = next((r["horizon"] for r in rows if r["kind"] == "total"), None)
        if horizon is not None and now < horizon:  # a moment the rollup has passed: only the direct way knows it
            rows = conn.execute(direct_statement(scope, db.dialect, **shape), params).mappings().all()
    kinds: dict[str, list[Any]] = defaultdict(list)
    for r in rows:  # a few dozen folded rows: one per status, category and office, and the totals
        kinds[r["kind"]].append(r)
    totals = {s: int(kinds["total"][0][s] or 0) if kinds["total"] else 0 for s in SUMS}
    medians_row = kinds["total"][0] if kinds["total"] else {"response_median": None, "resolution_median": None}
    by_status = {r["key"]: int(r["n"]) for r in kinds["status"]}
    rating_count = totals["rating_count"]
    return {
        "total": totals["n"],
        "by_status": [{"status": s, "count": by_status.get(s, 0)} for s in STATUSES],
        "by_category": _by_count(
            [{"category_id": int(r["key"]), "name": r["name"], "count": int(r["n"])} for r in kinds["category"]],
            "category_id",
        ),
        "by_office": _by_count(
            [{"office_id": int(r["key"]), "name": r["name"], "count": int(r["n"])} for r in kinds["office"]],
            "office_id",
        ),
        "first_response": {"median_hours": _hours(medians_row["response_median"]), "count": totals["response_count"]},
        "resolution": {"median_hours": _hours(medians_row["resolution_median"]), "count": totals["resolution_count"]},
        "sla": {
            "response_met": totals["response_met"],
            "response_total": totals["response_total"],
            "response_rate": _rate(totals["response_met"], totals["response_total"]),
            "resolution_met": totals["resolution_met"],
            "resolution_total": totals["resolution_total"],
            "resolution_rate": _rate(totals["resolution_met"], totals["resolution_total"]),
            "overdue_open": totals["overdue_open"],
        },
        "rating": {
            "average": round(totals["rating_sum"] / rating_count, 2) if rating_count else None,
            "count": rating_count,
        },
    }
