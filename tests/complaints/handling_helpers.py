"""Complaints in the hands of an office, and the people who handle them (flushed into the test's transaction)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.core.db import utcnow
from app.extensions import db
from complaints.handling import stages
from complaints.intake.models import Complaint, HandlingStage, HistoryEntry
from complaints.offices.models import Office
from notifications.models import Notification
from tests.complaints.helpers import make_complaint
from tests.complaints.office_factories import member
from tests.factories import staff


def handler(of: Office, *, head: bool = False, area: str = "32.73") -> User:
    """An office handler working for ``of`` (scoped to Kota Bandung by default)."""
    user = staff("office_handler", area)
    member(of, user, head=head)
    return user


def handled(
    lead: Office,
    *,
    status: str = "verified",
    reporter: Any = None,
    started_at: dt.datetime | None = None,
    **fields: Any,
) -> Complaint:
    """A complaint routed to ``lead`` (a lead stage with its SLA deadlines), then put in ``status``."""
    c = make_complaint(reporter, status=status, **fields)
    stage = stages.start_stage(complaint=c, office=lead, actor=None, now=started_at or utcnow())
    if status not in ("submitted", "verified"):
        stages.mark_responded(stage, now=started_at or utcnow())
        c.first_response_at = stage.responded_at
    if status in ("resolved", "closed"):
        stages.mark_resolved(stage)
    db.session.flush()
    return c


def co(c: Complaint, office: Office) -> HandlingStage:
    stage = stages.start_stage(complaint=c, office=office, actor=None, role="co")
    db.session.flush()
    return stage


def stage_of(c: Complaint, office: Office) -> HandlingStage:
    return db.session.scalars(
        select(HandlingStage).where(
            HandlingStage.complaint_id == c.id, HandlingStage.office_id == office.id, HandlingStage.is_active.is_(True)
        )
    ).one()


def stages_of(c: Complaint) -> list[HandlingStage]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(HandlingStage).where(HandlingStage.complaint_id == c.id).order_by(HandlingStage.id))
    )


def history(c: Complaint) -> list[HistoryEntry]:
    return list(db.session.scalars(select(HistoryEntry).where(HistoryEntry.complaint_id == c.id).order_by("id")))


def notes_for(user_id: int) -> list[Notification]:
    """Inbox rows of one user, oldest first."""
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user_id).order_by("id")))


def reload(c: Complaint) -> Complaint:
    db.session.expire_all()
    return db.session.get(Complaint, c.id)
