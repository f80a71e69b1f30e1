"""Moderation rules: verify and route, reject, ask for and receive more information, mark a duplicate, redact, and
validate a resolution. Every status change goes through ``complaints.states``; services flush only.

Each action loads the complaint with ``queries.get_visible(..., for_update=True)``: a caller who may not see it gets
404, one who sees it but may not moderate it 403. The row lock (PostgreSQL) and the optimistic version make two
moderators acting at once end with one success and one 409.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, literal, select, update

from app.core.db import utcnow
from app.core.errors import Forbidden, ValidationFailed
from app.core.events import emit
from app.core.i18n import _
from app.core.sql import insert_ignoring_conflicts
from app.extensions import db
from complaints import permissions as perm
from complaints import states
from complaints.conversation.models import Message
from complaints.events import COMPLAINT_MESSAGE_POSTED, message_payload
from complaints.handling import stages
from complaints.intake import queries as intake_queries
from complaints.intake import screening
from complaints.intake.access import attach_viewer_offices
from complaints.intake.models import Complaint
from complaints.moderation.models import Redaction
from complaints.offices.models import Office
from complaints.routing import service as routing
from complaints.states import FINAL_STATUSES, Status
from complaints.supports.models import Support

NOT_MODERATOR = _("Only moderators and admins of the complaint's area can do this.")


def _load(*, complaint_id: int, actor: Any) -> Complaint:
    """The complaint, locked for this transaction, if ``actor`` may moderate it (404 unseen, 403 not allowed)."""
    c = intake_queries.get_visible(complaint_id=complaint_id, viewer=actor, for_update=True)
    if not perm.can_moderate(actor, c):
        raise Forbidden(NOT_MODERATOR)
    return c


def _join(*parts: str | None) -> str | None:
    text = "\n".join(p for p in parts if p)
    return text or None


# --- verify ---------------------------------------------------------------------------------------------------


def verify(*, complaint_id: int, actor: Any, office_id: int | None, note: str | None) -> Complaint:
    """Verify and route: by the routing rules, or to ``office_id`` (an override unless the rules pick it too).

    With no rule and no ``office_id`` the complaint stays ``submitted``, marked ``awaiting_route`` for a moderator
    to pick an office; nothing else changes.
    """
    c = _load(complaint_id=complaint_id, actor=actor)
    # The table also leads accepted and in-progress complaints to verified: that is a transfer, the office's move.
    states.require_from(c, frozenset({Status.SUBMITTED}), action="verified")
    resolution = routing.resolve(category_id=c.category_id, desa_code=c.desa_code)
    if office_id is not None:
        office = stages.require_office(office_id=office_id, complaint=c)
        is_override = resolution is None or resolution.office_id != office.id
        rule_id = None if is_override else resolution.rule_id
    elif resolution is None:
        if not c.awaiting_route:
            c.awaiting_route = True
            states.flush()
        return c
    else:
        office = db.session.get(Office, resolution.office_id)
        is_override, rule_id = False, resolution.rule_id
    override_note = (
        f"Diteruskan ke {office.name} atas pilihan moderator (tidak mengikuti aturan penerusan)."
        if is_override
        else None
    )
    now = utcnow()
    stages.start_stage(
        complaint=c,
        office=office,
        actor=actor,
        role="lead",
        reason=_join(override_note, note),
        is_override=is_override,
        rule_id=rule_id,
        now=now,
    )
    c.verified_at = now
    c.awaiting_route = False
    states.transition(c, to=Status.VERIFIED, actor=actor, note=_join(note, override_note), office_id=office.id)
    return c


# --- reject, request information, answer ------------------------------------------------------------------------


def reject(*, complaint_id: int, actor: Any, reason: str, note: str) -> Complaint:
    c = _load(complaint_id=complaint_id, actor=actor)
    states.check(c, Status.REJECTED)
    c.rejection_reason = reason
    states.transition(c, to=Status.REJECTED, actor=actor, note=note)
    return c


def _message(c: Complaint, *, author: Any, body: str) -> Message:
    m = Message(
        complaint_id=c.id,
        author_id=author.id,
        from_reporter=perm.is_reporter(author, c),
        author_role=author.role,
        visibility="shared",
        body=body,
    )
    db.session.add(m)
    db.session.flush()
    return m


def request_info(*, complaint_id: int, actor: Any, note: str) -> Complaint:
    """Ask the reporter for more: ``needs_info``, and the question in the conversation.

    The reporter is told once, by the status change (whose notification carries the question); the message is not
    announced again as a new staff message.
    """
    c = _load(complaint_id=complaint_id, actor=actor)
    states.transition(c, to=Status.NEEDS_INFO, actor=actor, note=note)
    _message(c, author=actor, body=note)
    return c


ANSWERED_NOTE = "Pelapor melengkapi informasi yang diminta."


def answer(*, complaint_id: int, user: Any, body: str) -> Complaint:
    """The reporter answers: their message in the conversation, and the complaint back in the queue."""
    c = intake_queries.get_visible(complaint_id=complaint_id, viewer=user, for_update=True)
    if not perm.can_answer_info_request(user, c):
        raise Forbidden("Only the reporter answers a request for information.")
    states.transition(c, to=Status.SUBMITTED, actor=user, note=ANSWERED_NOTE)
    m = _message(c, author=user, body=body)
    emit(COMPLAINT_MESSAGE_POSTED, **message_payload(c, m))  # staff in scope may be told
    return c


# --- duplicates -----------------------------------------------------------------------------------------------


def _original(*, duplicate_of_id: int, complaint: Complaint, actor: Any) -> Complaint:
    def invalid(message: str) -> ValidationFailed:
        return ValidationFailed(message, errors={"duplicate_of_id": [message]})

    if duplicate_of_id == complaint.id:
        raise invalid("A complaint cannot duplicate itself.")
    original = db.session.get(Complaint, duplicate_of_id, populate_existing=True)  # locked by mark_duplicate
    if original is None or not perm.can_view(actor, attach_viewer_offices(original, actor)):
        raise invalid("No complaint with this id that you can see.")
    if not perm.can_moderate(actor, original):
        raise invalid(
            _(
                "Complaint {tracking_number} is outside your area; its moderators merge into it.",
                tracking_number=original.tracking_number,
            )
        )
    if Status(original.status) in FINAL_STATUSES:  # a duplicate must point at a complaint still alive
        raise invalid(
            _(
                "Complaint {tracking_number} is {status}; choose a complaint still open.",
                tracking_number=original.tracking_number,
                status=original.status,
            )
        )
    return original


def _recount(*complaint_ids: int) -> None:
    count = select(func.count()).select_from(Support).where(Support.complaint_id == Complaint.id).scalar_subquery()
    db.session.execute(
        update(Complaint)
        .where(Complaint.id.in_(complaint_ids))
        .values(support_count=count)
        .execution_options(synchronize_session=False)
    )


def mark_duplicate(*, complaint_id: int, actor: Any, duplicate_of_id: int, note: str | None) -> Complaint:
    """Merge into an original: supporters (and the reporter) move over as its supporters, counts are recomputed,
    and the reporter is told the original's tracking number."""
    # Lock both rows, lower id first, so that "A duplicates B" and "B duplicates A" at once cannot both succeed (the
    # second sees its original already a duplicate) nor deadlock.
    db.session.execute(
        select(Complaint.id)
        .where(Complaint.id.in_([complaint_id, duplicate_of_id]))
        .order_by(Complaint.id)
        .with_for_update()
    ).all()
    c = _load(complaint_id=complaint_id, actor=actor)
    original = _original(duplicate_of_id=duplicate_of_id, complaint=c, actor=actor)
    states.check(c, Status.DUPLICATE)
    now = utcnow()
    moved = select(literal(original.id), Support.user_id, Support.created_at).where(
        Support.complaint_id == c.id, Support.user_id != original.reporter_id
    )
    db.session.execute(insert_ignoring_conflicts(Support).from_select(["complaint_id", "user_id", "created_at"], moved))
    if c.reporter_id != original.reporter_id:
        db.session.execute(
            insert_ignoring_conflicts(Support).values(complaint_id=original.id, user_id=c.reporter_id, created_at=now)
        )
    db.session.execute(delete(Support).where(Support.complaint_id == c.id).execution_options(synchronize_session=False))
    _recount(c.id, original.id)
    c.duplicate_of_id = original.id
    told = f"Aduan ini sama dengan aduan {original.tracking_number} dan digabungkan ke sana."
    states.transition(c, to=Status.DUPLICATE, actor=actor, note=_join(told, note))
    return c


# --- redaction ------------------------------------------------------------------------------------------------


def redact(*, complaint_id: int, actor: Any, texts: dict[str, str], reason: str) -> Complaint:
    """Replace texts with redacted ones (any status); the originals stay in ``Redaction`` rows for admins.

    The public copies and the screening are recomputed from the new texts as at submission.
    """
    c = _load(complaint_id=complaint_id, actor=actor)
    for field, redacted in texts.items():
        original = getattr(c, field)
        if original is None:
            raise ValidationFailed("Nothing to redact.", errors={field: ["The complaint has no such text."]})
        db.session.add(
            Redaction(
                complaint_id=c.id, field=field, original=original, redacted=redacted, reason=reason, actor_id=actor.id
            )
        )
        setattr(c, field, redacted)
    found = screening.screen(title=c.title, description=c.description, address=c.address)
    c.public_title = found.texts["title"].public
    c.public_description = found.texts["description"].public
    c.public_address = found.texts["address"].public
    c.screening = found.as_json()
    c.is_flagged = bool(found.flags)
    fields = ", ".join(texts)
    states.record(c, event="redaction", actor=actor, note=f"Disunting: {fields}. {reason}", is_internal=True)
    return c


# --- validation of a resolution ---------------------------------------------------------------------------------


def validate(*, complaint_id: int, actor: Any, approved: bool, note: str | None) -> Complaint:
    """Close a resolved complaint, or send it back to the office, whose resolution deadline runs again."""
    c = _load(complaint_id=complaint_id, actor=actor)
    states.require_from(c, frozenset({Status.RESOLVED}), action="validated")
    if approved:
        c.closed_at = utcnow()
        states.transition(c, to=Status.CLOSED, actor=actor, note=note)
        return c
    c.resolved_at = None  # not resolved after all: statistics must not count it as resolved (in time)
    lead = stages.lead_stage(c.id)
    if lead is not None:
        lead.due_at = lead.resolution_due_at or c.resolution_due_at
    states.transition(
        c, to=Status.IN_PROGRESS, actor=actor, note=note, event="validation_failed", office_id=c.office_id
    )
    return c
