"""What the summary tables (``models``) hold, as the SQL the queries and the job read and write them with.

A complaint is *settled* when none of its figures can move with the clock any more: past moderation, and every
deadline that counts (the first response's and resolution's while they have not happened, the next one of a
complaint being handled) before the *horizon* (``complaint_stats_horizon``: a time in the past, moved on by the
``settle_statistics`` job). Its contribution to ``queries.SUMS`` is then fixed by its columns (``contributions``):
the triggers of migration ``c89f8cd708ee`` add it to ``complaint_stats_rollup`` and take it out again when the row
changes; the job adds the complaints whose last deadline the horizon passes. An answer sums the settled complaints
from the rollup and the unsettled ones (``pending``) directly from ``complaints``, through the covering index of
the complaints that may be unsettled (``partial_indexes``, read by ``branches``). The answer also carries the
horizon: asked for a *now* before it (never from a request: the horizon stays ``MARGIN`` behind the job's clock),
``queries.complaint_stats`` computes directly instead.

Durations: every verified complaint with a first response (kind 1) or a resolution (kind 2) has a row in
``complaint_stats_times`` (its exact seconds and their logarithmic bucket, ``floor(16 ln(1 + s / 60))``) and is
counted in ``complaint_stats_durations`` (per kab/kota, lead office and bucket). A median finds the bucket of its
middle rank from the counts and reads the exact values there only (``histogram_median``).

The triggers compute the same expressions as the direct statement (``date_part('epoch', …)`` / ``julianday``), so
the figures are exactly the direct ones; ``tests/complaints/test_stats_rollup.py`` checks it under random workflows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Float, cast, func, select

from complaints.states import HANDLING_STATUSES, OPEN_STATUSES, Status

#: Kinds of duration in ``complaint_stats_times`` / ``complaint_stats_durations``.
RESPONSE, RESOLUTION = 1, 2
#: How far the horizon stays behind the job's clock (clocks of other servers, requests that began before it moved).
MARGIN = dt.timedelta(minutes=5)
#: The advisory lock of the horizon on PostgreSQL (the triggers share it, the job takes it alone).
HORIZON_LOCK = 7_240_015
#: The horizon as SQL.
HORIZON = "(SELECT settled_before FROM complaint_stats_horizon)"


def _quoted(statuses: frozenset[Status]) -> str:
    return ", ".join(f"'{s}'" for s in sorted(s.value for s in statuses))


def partial_indexes() -> dict[str, tuple[str, str]]:
    """The partial covering indexes of the complaints that may be unsettled: name -> (key columns, predicate)."""
    return {
        "ix_complaints_stats_moderation": (
            ("kabkota_code", "created_at"),
            f"status IN ({_quoted(OPEN_STATUSES - HANDLING_STATUSES)})",
        ),
        "ix_complaints_stats_response_due": (
            ("response_due_at",),
            "first_response_at IS NULL AND response_due_at IS NOT NULL",
        ),
        "ix_complaints_stats_resolution_due": (
            ("resolution_due_at",),
            "resolved_at IS NULL AND resolution_due_at IS NOT NULL",
        ),
        "ix_complaints_stats_handled_due": (
            ("resolution_due_at",),
            f"status IN ({_quoted(HANDLING_STATUSES)}) AND office_id IS NOT NULL AND first_response_at IS NOT NULL"
            " AND resolved_at IS NOT NULL AND resolution_due_at IS NOT NULL",
        ),
    }


def branches(horizon: str = HORIZON) -> list[list[str]]:
    """``pending`` as four disjoint conjunctions (of columns of ``complaints``), each led by the predicate of one of
    ``partial_indexes`` and a range on its key: together they read only the unsettled complaints."""
    (_, moderation), (_, response), (_, resolution), (_, handled) = partial_indexes().values()
    not_moderation = f"status NOT IN ({_quoted(OPEN_STATUSES - HANDLING_STATUSES)})"
    response_pending = f"response_due_at >= {horizon}"
    return [
        [moderation],
        [response, response_pending, not_moderation],
        [resolution, f"resolution_due_at >= {horizon}", not_moderation, f"NOT ({response} AND {response_pending})"],
        [handled, f"resolution_due_at >= {horizon}"],
    ]


def _next_due(r: str) -> str:
    return f"CASE WHEN {r}first_response_at IS NULL THEN {r}response_due_at ELSE {r}resolution_due_at END"


def pending(r: str = "", horizon: str = HORIZON) -> str:
    """Unsettled at ``horizon``: in moderation, or a deadline that counts at or after it (never NULL)."""
    return (
        f"({r}status IN ({_quoted(OPEN_STATUSES - HANDLING_STATUSES)})"
        f" OR ({r}first_response_at IS NULL AND {r}response_due_at IS NOT NULL AND {r}response_due_at >= {horizon})"
        f" OR ({r}resolved_at IS NULL AND {r}resolution_due_at IS NOT NULL AND {r}resolution_due_at >= {horizon})"
        f" OR ({r}office_id IS NOT NULL AND {r}status IN ({_quoted(HANDLING_STATUSES)})"
        f" AND CASE WHEN {_next_due(r)} >= {horizon} THEN 1 ELSE 0 END = 1))"
    )


def _one(cond: str) -> str:
    return f"CASE WHEN {cond} THEN 1 ELSE 0 END"


def contributions(r: str = "") -> dict[str, str]:
    """A settled complaint's contribution to each of ``queries.SUMS``: every deadline it has is decided or before
    the horizon (so before any *now* asked for), hence counted as decided, and as overdue while it is handled."""
    return {
        "n": "1",
        "response_met": _one(f"{r}first_response_at <= {r}response_due_at"),
        "response_total": _one(f"{r}response_due_at IS NOT NULL"),
        "resolution_met": _one(f"{r}resolved_at <= {r}resolution_due_at"),
        "resolution_total": _one(f"{r}resolution_due_at IS NOT NULL"),
        "overdue_open": _one(
            f"{r}office_id IS NOT NULL AND {r}status IN ({_quoted(HANDLING_STATUSES)}) AND ({_next_due(r)}) IS NOT NULL"
        ),
        "rating_count": _one(f"{r}rating IS NOT NULL"),
        "rating_sum": f"COALESCE({r}rating, 0)",
        "response_count": _one(f"{r}verified_at IS NOT NULL AND {r}first_response_at IS NOT NULL"),
        "resolution_count": _one(f"{r}verified_at IS NOT NULL AND {r}resolved_at IS NOT NULL"),
    }


def histogram_median(kind: int, durations: Any, times: Any, conds: Any, dialect: str) -> Any:
    """The exact median of the durations of ``kind`` over the rows of ``times`` matching ``conds(table)``.

    The counts per bucket give the total N and the buckets holding ranks (N - 1) div 2 and N div 2 (0-based); the
    values of those buckets (one or two, adjacent) are read in order, offset by the ranks below the first. The
    middle value, or the two middle values interpolated as ``percentile_cont`` does (PostgreSQL) or averaged as the
    direct path elsewhere does, is the median; NULL when nothing matches.
    """
    d, t = durations.c, times.c
    hist = (
        select(d.bucket, cast(func.sum(d.n), BigInteger).label("n"))
        .where(d.kind == kind, d.n != 0, *conds(durations))
        .group_by(d.bucket)
        .cte(f"hist_{kind}")
    )
    running = cast(func.sum(hist.c.n).over(order_by=hist.c.bucket), BigInteger)  # (sums of bigint are numeric)
    cum = select(hist.c.bucket, hist.c.n, (running - hist.c.n).label("below")).cte(f"cum_{kind}")
    total = select(cast(func.coalesce(func.sum(hist.c.n), 0), BigInteger)).scalar_subquery()
    low, high = (total - 1) // 2, total // 2

    def first_bucket_past(rank: Any) -> Any:
        return select(func.min(cum.c.bucket)).where(cum.c.below + cum.c.n > rank).scalar_subquery()

    b1, b2 = first_bucket_past(low), first_bucket_past(high)
    below = select(cum.c.below).where(cum.c.bucket == b1).scalar_subquery()
    middle = (
        select(t.seconds.label("v"))
        .where(t.kind == kind, t.bucket >= b1, t.bucket <= b2, *conds(times))
        .order_by(
            t.bucket, t.seconds
        )  # = by seconds (buckets grow with them): the index's order, read up to the middle
        .offset(func.coalesce(low - below, 0))
        .limit(high - low + 1)
        .subquery(f"middle_{kind}")
    )
    v = middle.c.v
    value = func.min(v) + (func.max(v) - func.min(v)) * 0.5 if dialect == "postgresql" else func.avg(v)
    return select(value.cast(Float)).select_from(middle).scalar_subquery()
