"""Handling jobs: the SLA escalation sweep, every 15 minutes in the worker (``flask complaints escalate`` runs it by
hand). Any number of workers may run it at once: stages are claimed row by row (see ``handling.escalation``)."""

from __future__ import annotations

import logging

from app.core.db import utcnow
from app.core.jobs import crontab, periodic_job
from complaints.handling.escalation import escalate_overdue

log = logging.getLogger(__name__)


@periodic_job(crontab(minute="*/15"))
def escalate_sla() -> int:
    """Every 15 minutes: tell office heads and area moderators about deadlines that just passed."""
    escalated = escalate_overdue(now=utcnow())
    if escalated:
        log.info("escalated %s overdue stages", escalated)
    return escalated
