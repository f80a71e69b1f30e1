"""Statistics jobs: the horizon moves on every 10 minutes in the worker (``settle.settle``)."""

from __future__ import annotations

from app.core.db import utcnow
from app.core.jobs import crontab, periodic_job
from complaints.stats.settle import settle


@periodic_job(crontab(minute="*/10"))
def settle_statistics() -> int:
    """Every 10 minutes: complaints whose deadlines have all passed join the statistics' rollup."""
    return settle(now=utcnow())
