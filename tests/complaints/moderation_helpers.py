"""Reading back what moderation stored: history, stages, the reporter's inbox."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from complaints.handling.models import Assignment
from complaints.intake.models import Complaint, StatusChange
from notifications.models import Notification


def history(c) -> list[StatusChange]:
    stmt = select(StatusChange).where(StatusChange.complaint_id == c.id).order_by(StatusChange.id)
    return list(db.session.scalars(stmt))


def stages(c) -> list[Assignment]:
    return list(db.session.scalars(select(Assignment).where(Assignment.complaint_id == c.id).order_by(Assignment.id)))


def inbox(user_id: int) -> list[Notification]:
    stmt = select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
    return list(db.session.scalars(stmt))


def fresh(c) -> Complaint:
    """The complaint as stored now (requests change it in their own session)."""
    return db.session.get(Complaint, c.id, populate_existing=True)
