"""Claim due rows for a worker, so that several workers never take the same row.

Outboxes keep a "due at" timestamp: a worker claims due rows by moving it one lease into the future and
committing. A worker that dies leaves the rows due again once the lease has passed; one that finishes clears the
timestamp (or sets the next retry time). On PostgreSQL the rows are picked with ``FOR UPDATE SKIP LOCKED``
(concurrent workers skip each other's rows instead of waiting); SQLite serialises writers, so one plain
``UPDATE … RETURNING`` is already atomic there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, select, update
from sqlalchemy.orm import Session


def claim_due(
    session: Session,
    table: Table,
    *,
    due_column: Any,
    now: dt.datetime,
    lease_until: dt.datetime,
    limit: int,
    where: Sequence[ColumnElement[bool]] = (),
) -> list[int]:
    """Ids of up to ``limit`` rows with ``due_column <= now`` (oldest first), now leased until ``lease_until``.

    The caller commits to make the lease visible to other workers.
    """
    pick = select(table.c.id).where(due_column <= now, *where).order_by(due_column, table.c.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    stmt = update(table).where(table.c.id.in_(pick.scalar_subquery())).values({due_column: lease_until})
    return sorted(session.execute(stmt.returning(table.c.id)).scalars())
