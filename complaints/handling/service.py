"""Office handling actions: accept, assign, start, transfer (*disposisi*), co-handling (*koordinasi*), resolve, and
resolution photos.

Each action loads the complaint with a row lock (``intake.queries.get_visible(for_update=True)``, which also finds
the caller's offices on it): 404 when the caller cannot see it, 403 when they see it but may not act, 409 when the
status does not allow the action. Status changes go through ``complaints.states`` (the reporter hears of every
visible one through ``complaints.reporter_updates``); stages through ``handling.stages``. Services flush only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.core.db import utcnow
from app.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.core.i18n import _
from app.extensions import db
from complaints import permissions as perm
from complaints import states
from complaints.handling import stages
from complaints.handling.escalation import escalate_overdue
from complaints.intake import queries
from complaints.intake.models import Complaint, HandlingStage
from complaints.offices import service as offices
from complaints.offices.models import Office
from complaints.photos.models import ComplaintPhoto
from complaints.photos.service import add_photo
from complaints.states import HANDLING_STATUSES, Status
from notifications.api import COMPLAINT_UPDATE, notify_users

RESOLUTION_PHOTOS_MAX = 5
#: While the office works on it: resolution photos may be added.
PHOTO_STATUSES = frozenset({Status.ACCEPTED, Status.IN_PROGRESS})


def _load(complaint_id: int, actor: Any) -> Complaint:
    return queries.get_visible(complaint_id=complaint_id, viewer=actor, for_update=True)


def _require_lead(actor: Any, c: Complaint, what: str) -> None:
    if not perm.is_lead_handler(actor, c):
        raise Forbidden(_("Only members of the office leading the handling can {what}.", what=what))


def _require_handling(c: Complaint, what: str) -> None:
    states.require_from(c, HANDLING_STATUSES, action=what)


def _stage_of(complaint_id: int, office_id: int) -> HandlingStage | None:
    return db.session.scalars(
        select(HandlingStage).where(
            HandlingStage.complaint_id == complaint_id,
            HandlingStage.office_id == office_id,
            HandlingStage.is_active.is_(True),
        )
    ).first()


# --- status changes of the lead office -------------------------------------------------------------------------


def accept(*, complaint_id: int, actor: Any, note: str | None, now: dt.datetime | None = None) -> Complaint:
    """The lead office takes the complaint on: the response deadline is met, the resolution deadline is next."""
    c = _load(complaint_id, actor)
    _require_lead(actor, c, _("accept it"))
    states.check(c, Status.ACCEPTED)
    now = now or utcnow()
    stage = stages.lead_stage(c.id)
    if stage is not None:
        stages.mark_responded(stage, now=now)
    if c.first_response_at is None:
        c.first_response_at = now
    states.transition(c, to=Status.ACCEPTED, actor=actor, note=note)
    return c


def start(*, complaint_id: int, actor: Any, note: str | None, now: dt.datetime | None = None) -> Complaint:
    """Work begins (accepted → in_progress)."""
    c = _load(complaint_id, actor)
    _require_lead(actor, c, _("start the work"))
    states.require_from(c, frozenset({Status.ACCEPTED}), action="started")
    stage = stages.lead_stage(c.id)
    if stage is not None and stage.responded_at is None:
        stages.mark_responded(stage, now=now or utcnow())
    states.transition(c, to=Status.IN_PROGRESS, actor=actor, note=note)
    return c


def resolve(*, complaint_id: int, actor: Any, note: str, now: dt.datetime | None = None) -> Complaint:
    """The office reports the problem solved (in_progress → resolved); ``note`` is what the reporter is told. A
    moderator validates it next."""
    c = _load(complaint_id, actor)
    _require_lead(actor, c, _("resolve it"))
    states.check(c, Status.RESOLVED)
    c.resolved_at = now or utcnow()
    stage = stages.lead_stage(c.id)
    if stage is not None:
        stages.mark_resolved(stage)
    states.transition(c, to=Status.RESOLVED, actor=actor, note=note)
    return c


def transfer(
    *, complaint_id: int, actor: Any, office_id: int, reason: str, now: dt.datetime | None = None
) -> Complaint:
    """*Disposisi*: hand the lead to another office covering the desa, which must accept it again. The response clock
    restarts; the resolution deadline promised to the reporter is kept."""
    c = _load(complaint_id, actor)
    _require_lead(actor, c, _("transfer it"))
    _require_handling(c, _("transferred"))  # verified (stays), accepted or in progress (back to verified)
    target = stages.require_office(office_id=office_id, complaint=c)
    if target.id == c.office_id:
        raise ValidationFailed("The office already leads the handling.", errors={"office_id": ["Already the lead."]})
    now = now or utcnow()
    for stage in stages.active_stages(c.id):
        if stage.role == "lead" or stage.office_id == target.id:
            stages.end_stage(stage, now=now)
    stages.start_stage(
        complaint=c, office=target, actor=actor, role="lead", reason=reason, keep_resolution_due=True, now=now
    )
    if c.status == Status.VERIFIED:
        states.record(c, event="transfer", actor=actor, note=reason, office_id=target.id)
    else:
        states.transition(c, to=Status.VERIFIED, actor=actor, note=reason, event="transfer", office_id=target.id)
    return c


# --- assignment and co-handling --------------------------------------------------------------------------------


def assign(*, complaint_id: int, actor: Any, user_id: int | None, office_id: int | None = None) -> Complaint:
    """Give an office's stage to one of its effective members (None: nobody). Members of the lead office assign the
    lead stage; members of a co-handling office their own stage. The assignee hears of it in their inbox."""
    c = _load(complaint_id, actor)
    mine = perm.handling_offices(actor, c)
    if office_id is None:
        office_id = c.office_id if c.office_id in mine else min(mine, default=None)
    if office_id is None or not perm.can_assign_stage(actor, c, office_id):
        raise Forbidden("Only members of a handling office assign its work.")
    _require_handling(c, _("assigned"))
    stage = _stage_of(c.id, office_id)
    if stage is None:  # the office's stage ended since it was loaded
        raise Forbidden("Only members of a handling office assign its work.")
    assignee = None
    if user_id is not None:
        if not offices.is_member(user_id, office_id):
            raise ValidationFailed(
                "The account does not work for this office.",
                errors={"user_id": ["Not an effective member of the office."]},
            )
        assignee = db.session.get(User, user_id)
    if stage.assignee_id == user_id:
        return c
    stage.assignee_id = user_id
    note = f"Ditugaskan kepada {assignee.name}" if assignee is not None else "Penugasan dilepas"
    states.record(c, event="assignment", actor=actor, note=note, office_id=office_id, is_internal=True)
    if assignee is not None and assignee.id != actor.id:
        notify_users(
            user_ids=[assignee.id],
            kind=COMPLAINT_UPDATE,
            title=_("A complaint was assigned to you"),
            body=f"{c.tracking_number} · {c.title}",
            link={"type": "complaint", "id": c.id},
            data={"event": "assignment"},
        )
    return c


def add_co_handler(*, complaint_id: int, actor: Any, office_id: int, note: str | None) -> Complaint:
    """*Koordinasi*: another office covering the desa works on the complaint alongside the lead office."""
    c = _load(complaint_id, actor)
    _require_lead(actor, c, _("add co-handling offices"))
    _require_handling(c, _("co-handled"))
    target = stages.require_office(office_id=office_id, complaint=c)
    if target.id == c.office_id:
        raise Conflict("This office leads the handling.", errors={"office_id": ["Already the lead office."]})
    if _stage_of(c.id, target.id) is not None:
        raise Conflict("This office already co-handles the complaint.", errors={"office_id": ["Already co-handling."]})
    stages.start_stage(complaint=c, office=target, actor=actor, role="co", reason=note)
    # The request to the other office is between offices: it stays on the stage, the reporter only learns which
    # office joined.
    states.record(c, event="co_handling", actor=actor, note=None, office_id=target.id)
    return c


def end_co_handler(*, complaint_id: int, actor: Any, office_id: int) -> None:
    """The lead office, or the co-handling office itself, ends its co-handling (recorded for staff)."""
    c = _load(complaint_id, actor)
    if not perm.can_end_co_handling(actor, c, office_id):
        raise Forbidden("Only the lead office or the co-handling office itself ends co-handling.")
    stage = _stage_of(c.id, office_id)
    if stage is None or stage.role != "co":
        raise NotFound("This office does not co-handle the complaint.")
    stages.end_stage(stage)
    office = db.session.get(Office, office_id)
    note = f"Koordinasi dengan {office.name} selesai" if office is not None else "Koordinasi selesai"
    states.record(c, event="co_handling", actor=actor, note=note, office_id=office_id, is_internal=True)


# --- resolution photos -----------------------------------------------------------------------------------------


def add_resolution_photo(*, complaint_id: int, actor: Any, data: bytes) -> ComplaintPhoto:
    """A photo of the work done (the intake pipeline: metadata removed), while accepted or in progress."""
    c = _load(complaint_id, actor)
    _require_lead(actor, c, _("add resolution photos"))
    if Status(c.status) not in PHOTO_STATUSES:
        raise Conflict(
            _(
                "Resolution photos are added while the complaint is accepted or in progress, not {status}.",
                status=c.status,
            ),
            errors={"status": ["Only while accepted or in_progress."]},
        )
    return add_photo(complaint=c, data=data, uploader_id=actor.id, kind="resolution", max_count=RESOLUTION_PHOTOS_MAX)


__all__ = [
    "accept",
    "add_co_handler",
    "add_resolution_photo",
    "assign",
    "end_co_handler",
    "escalate_overdue",
    "resolve",
    "start",
    "transfer",
]
