"""Moving the statistics' horizon: the complaints whose last deadline that counts has passed join the rollup.

Any number of workers may run it: on PostgreSQL the advisory lock ``rollup.HORIZON_LOCK`` (taken shared by the
triggers for the rest of each writing transaction) makes it wait for every transaction that changed a complaint and
keeps new ones out until it commits; SQLite has one writer at a time anyway. The horizon never goes back.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, select, text, update

from app.core.db import UTCDateTime
from app.extensions import db
from complaints.stats.models import ComplaintStatsHorizon
from complaints.stats.rollup import HORIZON_LOCK, MARGIN, branches, contributions, pending

KEY = ("kabkota_code", "status", "category_id", "office_id")


def _settle_sql(branch: list[str]) -> str:
    """Add the complaints of ``branch`` (unsettled at ``:old``) that are settled at ``:new``."""
    sums = contributions()
    keys = ["kabkota_code", "status", "category_id", "COALESCE(office_id, 0)"]
    return (
        f"INSERT INTO complaint_stats_rollup ({', '.join(KEY)}, {', '.join(sums)}) "  # noqa: S608 (constant SQL)
        f"SELECT {', '.join(keys)}, {', '.join(f'sum({v})' for v in sums.values())} FROM complaints "
        f"WHERE {' AND '.join(branch)} AND NOT {pending(horizon=':new')} GROUP BY {', '.join(keys)} "
        f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET "
        + ", ".join(f"{s} = complaint_stats_rollup.{s} + excluded.{s}" for s in sums)
    )


def settle(*, now: dt.datetime) -> int:
    """Move the horizon to ``now - MARGIN`` (flushes; the caller commits); how many rollup rows changed."""
    session = db.session
    if db.dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": HORIZON_LOCK})
    old = session.execute(select(ComplaintStatsHorizon.settled_before).with_for_update()).scalar_one()
    new = now - MARGIN
    if new <= old:
        return 0
    changed = 0
    for branch in branches(horizon=":old"):  # disjoint: each complaint joins once
        if not any(":old" in c for c in branch):
            continue  # in moderation: settled by a transition, never by the clock
        stmt = text(_settle_sql(branch))
        stmt = stmt.bindparams(bindparam("old", type_=UTCDateTime()), bindparam("new", type_=UTCDateTime()))
        changed += session.execute(stmt, {"old": old, "new": new}).rowcount
    session.execute(update(ComplaintStatsHorizon).values(settled_before=new))
    return changed
