"""The complaint state machine: every status, the one transition table, and the one function that changes status.

Nothing else assigns ``Complaint.status`` after submission. ``transition`` checks the table, records who moved the
complaint from where to where (``HistoryEntry``), keeps the derived columns in step (``is_listed``), and emits
``complaints.events.COMPLAINT_STATUS_CHANGED``. ``record`` stores an event that keeps the status (a transfer of a
complaint not yet accepted, a co-handling office added, an assignment, a redaction) in the same history.

The lifecycle::

    submitted -> needs_info -> submitted            (moderator asks; the reporter's answer returns it to the queue)
    submitted -> verified -> accepted -> in_progress -> resolved -> closed   (routed; office; moderator validates)
    resolved -> in_progress                          (validation fails)
    closed -> in_progress                            (the reporter reopens within 7 days, once: guarded by the service)
    verified | accepted | in_progress -> verified    (transfer / disposisi to another office, which must accept it)
    submitted | needs_info -> rejected | duplicate | withdrawn       (final)
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from app.core.db import utcnow
from app.core.errors import Conflict, InvalidTransition
from app.core.events import emit
from app.core.i18n import _
from app.extensions import db
from complaints.events import COMPLAINT_STATUS_CHANGED, status_changed_payload
from complaints.history import HistoryEntry


class Status(StrEnum):
    SUBMITTED = "submitted"
    NEEDS_INFO = "needs_info"
    VERIFIED = "verified"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    WITHDRAWN = "withdrawn"


STATUSES: tuple[str, ...] = tuple(s.value for s in Status)

#: Statuses in which a public complaint appears in public views: verified by a moderator and not ended otherwise.
PUBLIC_STATUSES: frozenset[Status] = frozenset(
    {Status.VERIFIED, Status.ACCEPTED, Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED}
)
#: Still being worked on: candidates for "similar complaints" and for support.
OPEN_STATUSES: frozenset[Status] = frozenset(
    {Status.SUBMITTED, Status.NEEDS_INFO, Status.VERIFIED, Status.ACCEPTED, Status.IN_PROGRESS}
)
#: Being handled by an office: transfer, co-handling and assignment apply.
HANDLING_STATUSES: frozenset[Status] = frozenset({Status.VERIFIED, Status.ACCEPTED, Status.IN_PROGRESS})
#: Waiting for a moderator.
MODERATION_STATUSES: frozenset[Status] = frozenset({Status.SUBMITTED})
#: Never left again.
FINAL_STATUSES: frozenset[Status] = frozenset({Status.REJECTED, Status.DUPLICATE, Status.WITHDRAWN})

#: The only allowed status changes (from → allowed targets). Every status has an entry; final ones have none.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.SUBMITTED: frozenset(
        {Status.NEEDS_INFO, Status.VERIFIED, Status.REJECTED, Status.DUPLICATE, Status.WITHDRAWN}
    ),
    Status.NEEDS_INFO: frozenset({Status.SUBMITTED, Status.REJECTED, Status.DUPLICATE, Status.WITHDRAWN}),
    Status.VERIFIED: frozenset({Status.ACCEPTED}),
    Status.ACCEPTED: frozenset({Status.IN_PROGRESS, Status.VERIFIED}),
    Status.IN_PROGRESS: frozenset({Status.RESOLVED, Status.VERIFIED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.IN_PROGRESS}),
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),
    Status.REJECTED: frozenset(),
    Status.DUPLICATE: frozenset(),
    Status.WITHDRAWN: frozenset(),
}


def allowed_targets(status: str) -> list[str]:
    """The statuses a complaint in ``status`` may move to, in declaration order."""
    targets = TRANSITIONS[Status(status)]
    return [s.value for s in Status if s in targets]


def is_listed(*, is_public: bool, status: str) -> bool:
    """Whether a complaint appears in public views (feed, public detail, similar complaints for others)."""
    return is_public and Status(status) in PUBLIC_STATUSES


def _history(
    complaint: Any,
    *,
    to: str,
    actor: Any | None,
    note: str | None,
    event: str,
    office_id: int | None,
    is_internal: bool,
) -> Any:
    now = utcnow()
    change = HistoryEntry(
        complaint_id=complaint.id,
        from_status=complaint.status,
        to_status=to,
        actor_id=actor.id if actor is not None else None,
        note=note,
        created_at=now,
        event=event,
        office_id=office_id,
        is_internal=is_internal,
    )
    complaint.updated_at = now
    db.session.add(change)
    return change


def flush() -> None:
    """Flush under the optimistic lock: 409 when someone else changed the complaint since it was loaded."""
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict("Someone else changed this complaint at the same time. Reload and try again.") from None


def check(complaint: Any, to: str) -> None:
    """Raise ``InvalidTransition`` (409, naming the allowed targets) unless ``complaint`` may move to ``to``."""
    target, current = Status(to), Status(complaint.status)
    if target not in TRANSITIONS[current]:
        allowed = allowed_targets(current)
        hint = ", ".join(allowed) if allowed else _("none (this status is final)")
        raise InvalidTransition(
            _(
                "A complaint in status '{current}' cannot become '{target}'. Allowed: {allowed}.",
                current=current.value,
                target=target.value,
                allowed=hint,
            ),
            errors={"status": [_("Allowed from {current}: {allowed}.", current=current.value, allowed=hint)]},
        )


def require_from(complaint: Any, allowed: frozenset[Status], *, action: str) -> None:
    """Raise ``InvalidTransition`` (409) unless ``complaint`` is in one of ``allowed``: for an action that owns only
    some edges into its target (``in_progress`` is reached from ``accepted`` by the office, from ``resolved`` by the
    moderator's failed validation, from ``closed`` by the reporter's reopening)."""
    if Status(complaint.status) in allowed:
        return
    names = ", ".join(s.value for s in Status if s in allowed)
    raise InvalidTransition(
        _(
            "A complaint in status '{status}' cannot be {action}. Allowed from: {allowed}.",
            status=complaint.status,
            action=_(action),
            allowed=names,
        ),
        errors={"status": [_("Allowed from: {allowed}.", allowed=names)]},
    )


def transition(
    complaint: Any,
    *,
    to: str,
    actor: Any | None,
    note: str | None = None,
    event: str = "status",
    office_id: int | None = None,
) -> Any:
    """Move ``complaint`` to status ``to`` for ``actor`` (a user, or None for the system), or raise
    ``InvalidTransition`` (409) naming the allowed targets. Returns the history row.

    ``complaint`` must be an ORM object loaded in this transaction: its ``version`` makes the update conditional, so
    if someone else changed the complaint since it was loaded, the flush matches no row and the caller gets 409
    instead of overwriting their change.
    """
    check(complaint, to)
    target = Status(to)
    change = _history(
        complaint, to=target.value, actor=actor, note=note, event=event, office_id=office_id, is_internal=False
    )
    complaint.status = target.value
    complaint.status_changed_at = change.created_at
    complaint.is_listed = is_listed(is_public=complaint.is_public, status=target.value)
    flush()
    emit(COMPLAINT_STATUS_CHANGED, **status_changed_payload(complaint, change))
    return change


def record(
    complaint: Any,
    *,
    event: str,
    actor: Any | None,
    note: str | None = None,
    office_id: int | None = None,
    is_internal: bool = False,
) -> Any:
    """Store an event that keeps the status (from = to) in the history, under the same optimistic lock.

    Events the reporter may see (``is_internal`` False) are emitted as ``COMPLAINT_STATUS_CHANGED`` with the same
    old and new status and the ``event`` name, so the reporter hears of a transfer too.
    """
    change = _history(
        complaint,
        to=complaint.status,
        actor=actor,
        note=note,
        event=event,
        office_id=office_id,
        is_internal=is_internal,
    )
    flush()
    if not is_internal:
        emit(COMPLAINT_STATUS_CHANGED, **status_changed_payload(complaint, change))
    return change
