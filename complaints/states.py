"""The complaint state machine: every status, the one transition table, and the one function that changes status.

Nothing else assigns ``Complaint.status`` after submission. ``transition`` checks the table, records who moved the
complaint from where to where (``StatusChange``), keeps the derived columns in step (``is_listed``), and emits
``complaints.events.COMPLAINT_STATUS_CHANGED``. Issue 5 (intake) allows only the reporter's withdrawal; moderation
and handling add their edges to ``TRANSITIONS`` here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from app.core.db import utcnow
from app.core.errors import Conflict, InvalidTransition
from app.core.events import emit
from app.extensions import db


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
#: Never left again.
FINAL_STATUSES: frozenset[Status] = frozenset({Status.REJECTED, Status.DUPLICATE, Status.WITHDRAWN})

#: The only allowed status changes (from → allowed targets). Every status has an entry; final ones have none.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.SUBMITTED: frozenset({Status.WITHDRAWN}),
    Status.NEEDS_INFO: frozenset({Status.WITHDRAWN}),
    Status.VERIFIED: frozenset(),
    Status.ACCEPTED: frozenset(),
    Status.IN_PROGRESS: frozenset(),
    Status.RESOLVED: frozenset(),
    Status.CLOSED: frozenset(),
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


def transition(complaint: Any, *, to: str, actor: Any | None, note: str | None = None) -> Any:
    """Move ``complaint`` to status ``to`` for ``actor`` (a user, or None for the system), or raise
    ``InvalidTransition`` (409) naming the allowed targets. Returns the ``StatusChange`` row.

    The complaint's ``version`` makes the update conditional: if someone else changed the complaint since it was
    loaded, the flush matches no row and the caller gets 409 instead of overwriting their change.
    """
    from complaints.events import COMPLAINT_STATUS_CHANGED, status_changed_payload
    from complaints.intake.models import StatusChange

    target = Status(to)
    current = Status(complaint.status)
    if target not in TRANSITIONS[current]:
        allowed = allowed_targets(current)
        hint = ", ".join(allowed) if allowed else "none (this status is final)"
        raise InvalidTransition(
            f"A complaint in status {current.value!r} cannot become {target.value!r}. Allowed: {hint}.",
            errors={"status": [f"Allowed from {current.value}: {hint}."]},
        )
    now = utcnow()
    change = StatusChange(
        complaint_id=complaint.id,
        from_status=current.value,
        to_status=target.value,
        actor_id=actor.id if actor is not None else None,
        note=note,
        created_at=now,
    )
    complaint.status = target.value
    complaint.status_changed_at = now
    complaint.updated_at = now
    complaint.is_listed = is_listed(is_public=complaint.is_public, status=target.value)
    db.session.add(change)
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict("Someone else changed this complaint at the same time. Reload and try again.") from None
    emit(COMPLAINT_STATUS_CHANGED, **status_changed_payload(complaint, change))
    return change
