"""Notification jobs: push the outbox, sync area topics, and the periodic sweep that catches up on both.

``send_due`` and ``sync_topics`` are enqueued after the commit of whatever created the work; the sweep runs every
minute in the worker and picks up anything whose job was lost (queue down at commit time, worker killed, retry
times reached). All of them claim rows (``app.core.claims``), so any number of workers can run them at once.
"""

from __future__ import annotations

import logging

from app.core.jobs import crontab, enqueue, job, periodic_job
from notifications.delivery import deliver_due
from notifications.topics import sync_due_topics

log = logging.getLogger(__name__)


@job()
def send_due() -> dict[str, int]:
    """Push every due notification."""
    return deliver_due(requeue=_requeue_send)


def _requeue_send() -> None:
    enqueue(send_due)


@job()
def sync_topics() -> dict[str, int]:
    """Bring the topic subscriptions of every marked device in line."""
    total: dict[str, int] = {}
    while True:
        stats = sync_due_topics()
        for k, v in stats.items():
            total[k] = total.get(k, 0) + v
        if stats["devices"] == 0:
            return total


@periodic_job(crontab(minute="*"))
def sweep() -> None:
    """Every minute: retries that are due, and work whose job never ran."""
    pushed = deliver_due(requeue=_requeue_send)
    synced = sync_topics.call_local()
    if pushed or synced.get("devices"):
        log.info("sweep: pushed %s, topics %s", pushed, synced)
