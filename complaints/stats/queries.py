"""Complaint statistics in SQL: counts by status, category and office, median handling times, SLA compliance and
ratings over the complaints a caller looks after.

One statement on both backends (``_statement``): the complaints grouped by (status, category, lead office) in one
pass, every SLA outcome and the ratings summed per group with ``FILTER`` aggregates (a few hundred groups); that
small result folded with ``UNION ALL`` into the three breakdowns and the totals; the totals joined to the two medians,
which take a second pass over the verified complaints (a median does not combine from groups). Medians go through
``medians``, the one place that knows both dialects: ``percentile_cont`` on PostgreSQL, the middle values by
``ORDER BY … LIMIT … OFFSET`` elsewhere. On PostgreSQL the covering index ``ix_complaints_stats`` (kab/kota,
submission time, and every column read) serves an area and a period from the index alone.

Scopes are written into the SQL as literals (validated area codes), like the feed's (``intake.queries``): a generic
plan cannot see how narrow an area range is. Statements are built once per shape; GET requests run them on the
worker's autocommit connection.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, String, and_, bindparam, case, cast, func, literal, null, select, text, true, union_all

from app.areas.codes import LEVEL_KABKOTA, level_of, within_area
from app.core.db import UTCDateTime
from app.extensions import db
from complaints.categories.models import Category
from complaints.intake.models import Complaint
from complaints.offices.models import Office
from complaints.states import HANDLING_STATUSES, STATUSES

C = Complaint.__table__.c
_HANDLING = sorted(s.value for s in HANDLING_STATUSES)
_NOW = bindparam("now", type_=UTCDateTime())
#: The sums every breakdown and the totals carry (name -> aggregate over complaint rows).
SUMS = (
    "n",
    "response_met",
    "response_total",
    "resolution_met",
    "resolution_total",
    "overdue_open",
    "rating_count",
    "rating_sum",
    "response_count",
    "resolution_count",
)


@dataclass(frozen=True)
class Scope:
    """Which complaints: inside an area (``area``, optionally one RW) and/or led by one of ``offices``."""

    area: str | None = None
    rw: int | None = None
    offices: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Filters:
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    office_id: int | None = None
    categories: tuple[int, ...] | None = None


def _literal(cond: Any) -> Any:
    sql = cond.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
    return text(f"({sql})")


def area_sql(area: str, rw: int | None = None) -> Any:
    """Inside ``area`` (and RW ``rw`` of that desa), as literal SQL on the stored kab/kota first: it leads the
    statistics index. A province is exactly the range of kab/kota codes that start with it (a kab/kota code is never
    a province's), below that the kab/kota is one value and ``within_area`` on the desa does the rest."""
    if level_of(area) < LEVEL_KABKOTA:
        return _literal(and_(C.kabkota_code >= area + ".", C.kabkota_code < area + "/"))
    cond = and_(C.kabkota_code == area[:5], within_area(C.desa_code, area))
    if rw is not None:
        cond = and_(cond, C.rw == rw)
    return _literal(cond)


def seconds(later: Any, earlier: Any, dialect: str) -> Any:
    """Seconds between two timestamps as a double (NULL when either is)."""
    if dialect == "postgresql":
        return func.date_part("epoch", later - earlier)  # double precision (EXTRACT gives numeric: slower)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def medians(values: dict[str, Any], source: Any, where: list[Any], dialect: str) -> Any:
    """One row with the median of each of ``values`` over the rows of ``source`` matching ``where`` (NULLs ignored):
    ``percentile_cont`` on PostgreSQL (every median in one pass); elsewhere the middle one or two values of each, by
    ``ORDER BY … LIMIT … OFFSET`` over their count."""
    if dialect == "postgresql":
        columns = [func.percentile_cont(0.5).within_group(v).label(name) for name, v in values.items()]
        return select(*columns).select_from(source).where(*where).subquery("medians")
    columns = []
    for name, v in values.items():
        present = select(v.label("v")).select_from(source).where(*where, v.is_not(None))
        n = select(func.count()).select_from(present.subquery()).scalar_subquery()
        middle = present.order_by(v).limit(2 - n % 2).offset((n - 1) // 2).subquery()
        columns.append(select(func.avg(middle.c.v)).scalar_subquery().label(name))
    return select(*columns).subquery("medians")


def _where(scope: Scope, *, since: bool, until: bool, office: bool, categories: bool) -> list[Any]:
    conds: list[Any] = []
    if scope.area is not None:
        conds.append(area_sql(scope.area, scope.rw))
    if scope.offices is not None:
        conds.append(C.office_id.in_(bindparam("scope_offices", expanding=True)))
    if since:
        conds.append(C.created_at >= bindparam("since", type_=UTCDateTime()))
    if until:
        conds.append(C.created_at < bindparam("until", type_=UTCDateTime()))
    if office:
        conds.append(C.office_id == bindparam("office_id"))
    if categories:
        conds.append(C.category_id.in_(bindparam("categories", expanding=True)))
    return conds


def _sums(dialect: str) -> dict[str, Any]:
    """Aggregates over complaint rows (the rating is the copy on the complaint): what ``SUMS`` names."""
    decided = C.first_response_at.is_not(None) | (C.response_due_at < _NOW)
    resolution_decided = C.resolved_at.is_not(None) | (C.resolution_due_at < _NOW)
    next_due = case((C.first_response_at.is_(None), C.response_due_at), else_=C.resolution_due_at)
    return {
        "n": func.count(),
        "response_met": func.count().filter(C.first_response_at <= C.response_due_at),
        "response_total": func.count().filter(C.response_due_at.is_not(None), decided),
        "resolution_met": func.count().filter(C.resolved_at <= C.resolution_due_at),
        "resolution_total": func.count().filter(C.resolution_due_at.is_not(None), resolution_decided),
        "overdue_open": func.count().filter(C.office_id.is_not(None), C.status.in_(_HANDLING), next_due < _NOW),
        "rating_count": func.count(C.rating),
        "rating_sum": func.sum(C.rating),
        "response_count": func.count().filter(C.verified_at.is_not(None), C.first_response_at.is_not(None)),
        "resolution_count": func.count().filter(C.verified_at.is_not(None), C.resolved_at.is_not(None)),
    }


@functools.lru_cache(maxsize=512)
def _statement(scope: Scope, dialect: str, **shape: bool) -> Any:
    """The whole answer in one statement: the complaints grouped by (status, category, lead office) with every sum
    (one pass; a few thousand groups at most), folded into the breakdowns and the totals (``UNION ALL`` over the
    small grouped result), the totals joined to the medians (a second pass, over verified complaints only)."""
    where = _where(scope, **shape)
    grouped = (
        select(C.status, C.category_id, C.office_id, *(agg.label(name) for name, agg in _sums(dialect).items()))
        .select_from(Complaint.__table__)
        .where(*where)
        .group_by(C.status, C.category_id, C.office_id)
        .cte("grouped")
    )
    g = grouped.c
    m = medians(
        {
            "response_median": seconds(C.first_response_at, C.verified_at, dialect),
            "resolution_median": seconds(C.resolved_at, C.verified_at, dialect),
        },
        Complaint.__table__,
        [*where, C.verified_at.is_not(None)],
        dialect,
    )
    cat, office = Category.__table__.c, Office.__table__.c
    no_median = cast(null(), Float)

    def fold(kind: str, key: Any, name: Any, *, medians: tuple[Any, Any] = (no_median, no_median)) -> Any:
        sums = [func.sum(g[s]).label(s) for s in SUMS]
        return select(literal(kind).label("kind"), key.label("key"), name.label("name"), *sums,
                      medians[0].label("response_median"), medians[1].label("resolution_median"))  # fmt: skip

    return union_all(
        fold("status", g.status, cast(null(), String)).group_by(g.status),
        fold("category", cast(g.category_id, String), cat.name)
        .join(Category.__table__, cat.id == g.category_id)
        .group_by(g.category_id, cat.name),
        fold("office", cast(g.office_id, String), office.name)
        .join(Office.__table__, office.id == g.office_id)
        .group_by(g.office_id, office.name),
        fold(
            "total",
            cast(null(), String),
            cast(null(), String),
            medians=(func.max(m.c.response_median), func.max(m.c.resolution_median)),
        ).select_from(grouped.join(m, true())),
    )


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


def complaint_stats(*, scope: Scope, filters: Filters, now: dt.datetime) -> dict[str, Any]:
    """The statistics of the complaints in ``scope`` matching ``filters`` (see ``schemas.ComplaintStatsSchema``)."""
    if scope.offices == ():
        scope = Scope(area=scope.area, rw=scope.rw, offices=(0,))  # no office: nothing matches
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
    conn = db.connection()
    with _tuned(conn):
        rows = conn.execute(_statement(scope, db.dialect, **shape), params).mappings().all()
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
