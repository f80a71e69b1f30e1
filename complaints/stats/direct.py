"""The direct computation of the complaint statistics, over the ``complaints`` rows themselves, and the pieces the
summary path (``queries``) shares with it.

One statement on both backends (``statement``): the complaints grouped by (status, category, lead office) in one
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

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Float,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    select,
    text,
    true,
    union_all,
)

from app.areas.codes import LEVEL_KABKOTA, level_of, within_area
from app.core.db import UTCDateTime, one_of
from app.extensions import db
from complaints.categories.models import Category
from complaints.intake.models import Complaint
from complaints.offices.models import Office
from complaints.states import HANDLING_STATUSES

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


def literal_sql(cond: Any) -> Any:
    sql = cond.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
    return text(f"({sql})")


def area_sql(area: str, rw: int | None = None) -> Any:
    """Inside ``area`` (and RW ``rw`` of that desa), as literal SQL on the stored kab/kota first: it leads the
    statistics index. A province is exactly the range of kab/kota codes that start with it (a kab/kota code is never
    a province's), below that the kab/kota is one value and ``within_area`` on the desa does the rest."""
    if level_of(area) < LEVEL_KABKOTA:
        return literal_sql(and_(C.kabkota_code >= area + ".", C.kabkota_code < area + "/"))
    cond = and_(C.kabkota_code == area[:5], within_area(C.desa_code, area))
    if rw is not None:
        cond = and_(cond, C.rw == rw)
    return literal_sql(cond)


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


def conditions(scope: Scope, *, since: bool, until: bool, office: bool, categories: bool) -> list[Any]:
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


def aggregates(dialect: str) -> dict[str, Any]:
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
        "overdue_open": func.count().filter(C.office_id.is_not(None), one_of(C.status, _HANDLING), next_due < _NOW),
        "rating_count": func.count(C.rating),
        "rating_sum": func.sum(C.rating),
        "response_count": func.count().filter(C.verified_at.is_not(None), C.first_response_at.is_not(None)),
        "resolution_count": func.count().filter(C.verified_at.is_not(None), C.resolved_at.is_not(None)),
    }


@functools.lru_cache(maxsize=512)
def direct_statement(scope: Scope, dialect: str, **shape: bool) -> Any:
    """The whole answer in one statement: the complaints grouped by (status, category, lead office) with every sum
    (one pass; a few thousand groups at most), folded into the breakdowns and the totals (``UNION ALL`` over the
    small grouped result), the totals joined to the medians (a second pass, over verified complaints only)."""
    where = conditions(scope, **shape)
    grouped = (
        select(C.status, C.category_id, C.office_id, *(agg.label(name) for name, agg in aggregates(dialect).items()))
        .select_from(Complaint.__table__)
        .where(*where)
        .group_by(C.status, C.category_id, C.office_id)
        .cte("grouped")
    )
    m = medians(
        {
            "response_median": seconds(C.first_response_at, C.verified_at, dialect),
            "resolution_median": seconds(C.resolved_at, C.verified_at, dialect),
        },
        Complaint.__table__,
        [*where, C.verified_at.is_not(None)],
        dialect,
    )
    return folded(grouped, m)


def folded(grouped: Any, m: Any, horizon: Any = None) -> Any:
    """The grouped sums folded into the breakdowns and the totals (``UNION ALL`` over the small grouped result), the
    totals joined to the one-row ``m`` (``response_median``, ``resolution_median``) and given the ``horizon``."""
    g = grouped.c
    cat, office = Category.__table__.c, Office.__table__.c
    no_median, no_time = cast(null(), Float), cast(null(), UTCDateTime())

    def fold(kind: str, key: Any, name: Any, *, medians: tuple[Any, Any] = (no_median, no_median), at: Any = no_time):
        sums = [func.sum(g[s]).label(s) for s in SUMS]
        return select(literal(kind).label("kind"), key.label("key"), name.label("name"), *sums,
                      medians[0].label("response_median"), medians[1].label("resolution_median"),
                      at.label("horizon"))  # fmt: skip

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
            at=no_time if horizon is None else horizon,
        ).select_from(grouped.join(m, true())),
    )
