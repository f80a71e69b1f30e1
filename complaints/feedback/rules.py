"""When the reporter may still reopen or rate a complaint. Pure functions of the complaint's columns (no database),
shared by the feedback service and the complaint detail (``can_reopen``, ``can_rate``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from complaints.states import Status

#: How long after closing the reporter may say "belum beres": 7 days of 24 hours from ``closed_at``.
REOPEN_WINDOW = dt.timedelta(days=7)

ALREADY_REOPENED = "already_reopened"
NOT_CLOSED = "not_closed"
WINDOW_PASSED = "window_passed"


def closed_since(complaint: Any) -> dt.datetime:
    """When the complaint was closed (``closed_at``; the last status change for rows closed without it)."""
    return complaint.closed_at or complaint.status_changed_at


def reopen_refusal(complaint: Any, *, now: dt.datetime) -> str | None:
    """Why the complaint cannot be reopened now, or None when it can: once only, from ``closed``, in the window."""
    if complaint.reopened_at is not None:
        return ALREADY_REOPENED
    if complaint.status != Status.CLOSED:
        return NOT_CLOSED
    if now - closed_since(complaint) > REOPEN_WINDOW:
        return WINDOW_PASSED
    return None


def may_be_rated(complaint: Any, *, rated: bool) -> bool:
    """Closed and not rated yet (a complaint reopened and closed again may still be rated once)."""
    return complaint.status == Status.CLOSED and not rated
