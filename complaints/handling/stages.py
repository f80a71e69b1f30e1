"""Starting and ending an office's stage on a complaint: the one place that writes ``HandlingStage`` rows and copies the
lead stage's deadlines onto the complaint. Moderation (verify) and handling (transfer, co-handling) call it.

A lead stage gets its deadlines from the category's SLA in working days, counted from the start of the stage in the
complaint's area (``complaints.sla.service.sla_deadlines``). A transfer restarts the response clock; the resolution
deadline promised to the reporter is kept (``keep_resolution_due``). Co-handling stages carry no deadline of their
own: the lead office answers for the SLA.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.core.db import utcnow
from app.core.errors import ValidationFailed
from app.core.i18n import _
from app.extensions import db
from complaints.intake.models import HandlingStage
from complaints.offices.models import Office
from complaints.routing.permissions import office_covers
from complaints.sla.service import sla_deadlines


def require_office(*, office_id: int, complaint: Any, field: str = "office_id") -> Office:
    """An active office whose jurisdiction covers the complaint's desa, or 422 naming ``field``."""
    office = db.session.get(Office, office_id)
    if office is None or not office.is_active:
        raise ValidationFailed("Unknown or inactive office.", errors={field: ["No active office with this id."]})
    if not office_covers(office, complaint.desa_code):
        raise ValidationFailed(
            "The office does not cover the complaint's area.",
            errors={
                field: [
                    _(
                        "The office covers {office_area}, not {area}.",
                        office_area=office.area_code,
                        area=complaint.desa_code,
                    )
                ]
            },
        )
    return office


def active_stages(complaint_id: int) -> list[HandlingStage]:
    """The complaint's active stages, lead first."""
    stmt = (
        select(HandlingStage)
        .where(HandlingStage.complaint_id == complaint_id, HandlingStage.is_active.is_(True))
        .order_by(HandlingStage.role.desc(), HandlingStage.id)  # "lead" > "co"
    )
    return list(db.session.scalars(stmt))


def active_with_offices(complaint_id: int) -> list[Any]:
    """The complaint's active stages, lead first, as rows labelled like ``queue.COLUMNS`` plus the office's id,
    code and name and the assignee's name (one query; ``handling.presenters.handling`` shapes them)."""
    A = HandlingStage
    stmt = (
        select(
            A.id.label("stage_id"),
            A.role,
            A.assignee_id,
            User.name.label("assignee_name"),
            A.started_at,
            A.response_due_at,
            A.resolution_due_at,
            A.due_at,
            A.due_provisional,
            A.responded_at,
            A.reason,
            A.office_id,
            Office.code.label("office_code"),
            Office.name.label("office_name"),
        )
        .join(Office, Office.id == A.office_id)
        .outerjoin(User, User.id == A.assignee_id)
        .where(A.complaint_id == complaint_id, A.is_active.is_(True))
        .order_by(A.role.desc(), A.id)
    )
    return list(db.session.execute(stmt).mappings())


def lead_stage(complaint_id: int) -> HandlingStage | None:
    stmt = select(HandlingStage).where(
        HandlingStage.complaint_id == complaint_id, HandlingStage.is_active.is_(True), HandlingStage.role == "lead"
    )
    return db.session.scalars(stmt).one_or_none()


def start_stage(
    *,
    complaint: Any,
    office: Office,
    actor: Any | None,
    role: str = "lead",
    reason: str | None = None,
    is_override: bool = False,
    rule_id: int | None = None,
    keep_resolution_due: bool = False,
    now: dt.datetime | None = None,
) -> HandlingStage:
    """Give ``office`` a stage on ``complaint`` (an ORM object); a lead stage also becomes ``complaint.office_id``
    with its deadlines copied onto the complaint. The caller ends the previous lead stage first."""
    now = now or utcnow()
    stage = HandlingStage(
        complaint_id=complaint.id,
        office_id=office.id,
        role=role,
        is_active=True,
        started_at=now,
        reason=reason,
        is_override=is_override,
        routing_rule_id=rule_id,
        created_by_id=actor.id if actor is not None else None,
        due_provisional=False,
    )
    if role == "lead":
        sla = sla_deadlines(category_id=complaint.category_id, area_code=complaint.desa_code, start=now)
        resolution_due = sla.resolution.due_at
        if keep_resolution_due and complaint.resolution_due_at is not None:
            resolution_due = complaint.resolution_due_at
        stage.response_due_at = sla.response.due_at
        stage.resolution_due_at = resolution_due
        stage.due_at = sla.response.due_at
        stage.due_provisional = sla.response.provisional or sla.resolution.provisional
        complaint.office_id = office.id
        complaint.response_due_at = stage.response_due_at
        complaint.resolution_due_at = resolution_due
    db.session.add(stage)
    return stage


def end_stage(stage: HandlingStage, *, now: dt.datetime | None = None) -> None:
    """The office's part is over (transferred away, or the co-handling ended)."""
    stage.is_active = False
    stage.ended_at = now or utcnow()
    stage.due_at = None


def mark_responded(stage: HandlingStage, *, now: dt.datetime) -> None:
    """The office responded: the response deadline is met, the resolution deadline is next."""
    if stage.responded_at is None:
        stage.responded_at = now
    stage.due_at = stage.resolution_due_at


def mark_resolved(stage: HandlingStage) -> None:
    """Nothing is due any more (until a failed validation or a reopening sets ``due_at`` again)."""
    stage.due_at = None
