"""The reporter's follow-up of a closed complaint: the rating's table, and when the complaint may still be reopened
or rated. The rules are pure functions of the complaint's columns (no database), shared by the feedback service
(``complaints.feedback``, which writes ratings and reopens) and the complaint detail (``complaints.views``:
``can_reopen``, ``can_rate``, ``rating``), which sits below feedback and so reads them here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, utcnow
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


class Rating(Base):
    """The reporter's 1-5 rating of a closed complaint, once (the primary key is the complaint)."""

    __tablename__ = "complaint_ratings"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score"),)

    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    score: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    #: The office that led the handling when the complaint was closed (statistics per office).
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
