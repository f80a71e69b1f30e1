"""Row claims: two workers never get the same row; a lease that runs out makes rows due again.

Runs on its own table through separate connections (not the test's transaction), as two workers would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Column, DateTime, Integer, MetaData, Table, insert, select
from sqlalchemy.orm import Session

from app.core.claims import claim_due
from app.core.db import make_engine, utcnow

metadata = MetaData()
jobs = Table("claim_test_rows", metadata, Column("id", Integer, primary_key=True), Column("due_at", DateTime))


@pytest.fixture
def engine(config) -> Iterator[object]:
    engine = make_engine(config.DATABASE_URL)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    now = utcnow().replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(insert(jobs), [{"id": i, "due_at": now - dt.timedelta(seconds=i)} for i in range(1, 11)])
    yield engine
    metadata.drop_all(engine)
    engine.dispose()


def _claim(session: Session, limit: int, lease: int = 60) -> list[int]:
    now = utcnow().replace(tzinfo=None)
    return claim_due(
        session,
        jobs,
        due_column=jobs.c.due_at,
        now=now,
        lease_until=now + dt.timedelta(seconds=lease),
        limit=limit,
    )


def test_concurrent_workers_claim_disjoint_rows(engine, dialect):
    first, second = Session(engine), Session(engine)
    try:
        a = _claim(first, 4)
        if dialect == "postgresql":
            # A's transaction is still open and holds its rows: B skips them instead of waiting.
            b = _claim(second, 4)
            first.commit()
            second.commit()
        else:
            first.commit()  # SQLite has one writer at a time: B claims after A's commit
            b = _claim(second, 4)
            second.commit()
        assert len(a) == 4 and len(b) == 4 and not set(a) & set(b)
        assert a == [7, 8, 9, 10] and b == [3, 4, 5, 6]  # the oldest due first
        third = Session(engine)
        assert sorted(_claim(third, 10)) == [1, 2]  # only the unclaimed rest
        third.commit()
    finally:
        first.close()
        second.close()


def test_expired_lease_makes_rows_due_again(engine):
    with Session(engine) as s:
        claimed = _claim(s, 3, lease=-1)  # a worker that died: its lease is already over
        s.commit()
        again = _claim(s, 10)
        s.commit()
        assert set(claimed) <= set(again) and len(again) == 10
        due = s.execute(select(jobs.c.due_at).where(jobs.c.id.in_(again))).scalars().all()
        assert all(d > utcnow().replace(tzinfo=None) for d in due)
