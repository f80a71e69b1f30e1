"""The reporter's follow-up: the history anyone who sees the complaint may read, reopening ("belum beres") and
the 1-5 rating. Services flush only; the request commits once.

Decisions:
- The timeline shows the history entries that are not internal, oldest first, after a first ``submitted`` entry
  built from ``created_at``. Who acted is a role label (``actor_label``), read from the account's current role;
  names and account ids never leave. Notes are written to the reporter and may name them: only the reporter and
  staff in scope read them (``permissions.sees_history_notes``).
- Reopening clears ``resolved_at`` and ``closed_at``: they describe the current round of handling (statistics and
  the reopen window read them) and the first round stays in the history. ``reopened_at`` stays for good: once only.
- A rating's comment is shown to the reporter and staff in scope only; everyone else sees the score.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update

from app.accounts.models import User
from app.core.db import flush_unique, utcnow
from app.core.errors import Conflict, Forbidden
from app.core.i18n import _
from app.extensions import db
from complaints import follow_up, states
from complaints import permissions as perm
from complaints.follow_up import Rating
from complaints.handling.stages import lead_stage
from complaints.intake import queries
from complaints.intake.models import Complaint
from complaints.offices.models import Office, OfficeMember
from complaints.offices.permissions import can_join
from complaints.sla.service import sla_deadlines
from complaints.states import Status
from notifications.api import COMPLAINT_UPDATE, notify_users


def _office_recipients(office_id: int | None) -> list[int]:
    """The office's effective heads, or all its effective members when it has no head."""
    if office_id is None:
        return []
    office = db.session.get(Office, office_id)
    if office is None:
        return []
    rows = db.session.execute(
        select(OfficeMember.is_head, User)
        .join(User, User.id == OfficeMember.user_id)
        .where(OfficeMember.office_id == office_id)
    ).all()
    members = [(is_head, user) for is_head, user in rows if can_join(user, office)]
    heads = [user.id for is_head, user in members if is_head]
    return heads or [user.id for _, user in members]


_REFUSALS = {
    follow_up.ALREADY_REOPENED: _("This complaint was already reopened once; it cannot be reopened again."),
    follow_up.WINDOW_PASSED: _("A complaint can be reopened only within 7 days of closing; that time has passed."),
}


def reopen(*, complaint_id: int, user: Any, note: str, now: dt.datetime | None = None) -> Complaint:
    """The reporter says the problem is not fixed ("belum beres"): closed → in_progress, once, within 7 days, with a
    fresh resolution deadline for the lead office, whose heads are told."""
    now = now or utcnow()
    c = queries.get_visible(complaint_id=complaint_id, viewer=user, for_update=True)
    if not perm.can_reopen(user, c):
        raise Forbidden("Only the reporter can reopen a complaint.")
    refusal = follow_up.reopen_refusal(c, now=now)
    if refusal == follow_up.NOT_CLOSED:
        states.check(c, Status.IN_PROGRESS)  # the state machine's 409, naming the allowed moves
        message = _("Only a closed complaint can be reopened; this one is {status}.", status=c.status)
        raise Conflict(message, errors={"status": [message]})
    if refusal is not None:
        raise Conflict(_REFUSALS[refusal], errors={"status": [_REFUSALS[refusal]]})

    due = sla_deadlines(category_id=c.category_id, area_code=c.desa_code, start=now).resolution
    stage = lead_stage(c.id)
    if stage is not None:
        stage.resolution_due_at = due.due_at
        stage.due_at = due.due_at
        stage.resolution_escalated_at = None
        stage.due_provisional = due.provisional
    c.resolution_due_at = due.due_at
    c.reopened_at = now
    c.resolved_at = None
    c.closed_at = None
    states.transition(c, to=Status.IN_PROGRESS, actor=user, event="reopen", note=note)

    recipients = _office_recipients(c.office_id)
    if recipients:
        notify_users(
            user_ids=recipients,
            kind=COMPLAINT_UPDATE,
            title=_("Complaint reopened by the reporter"),
            body=f"{c.tracking_number} · {c.title}\n{note}"[:1000],
            link={"type": "complaint", "id": c.id},
            data={"status": Status.IN_PROGRESS.value, "event": "reopen"},
        )
    return c


def _already_rated() -> Conflict:
    return Conflict("This complaint was already rated; a rating is given once.", errors={"score": ["Already rated."]})


def _rating_of(complaint_id: int) -> Rating | None:
    return db.session.get(Rating, complaint_id)


def rate(*, complaint_id: int, user: Any, score: int, comment: str | None) -> tuple[Complaint, Rating]:
    """The reporter rates a closed complaint 1-5, once (the primary key keeps it once under a race too)."""
    c = queries.get_visible(complaint_id=complaint_id, viewer=user)
    if not perm.can_rate(user, c):
        raise Forbidden("Only the reporter can rate a complaint.")
    if _rating_of(c.id) is not None:  # the friendly answer; the primary key settles a race (flush_unique)
        raise _already_rated()
    if not follow_up.may_be_rated(c, rated=False):
        raise Conflict(
            _("Only a closed complaint can be rated; this one is {status}.", status=c.status),
            errors={"status": ["Rate it once it is closed."]},
        )
    rating = Rating(
        complaint_id=c.id, user_id=user.id, score=score, comment=comment, office_id=c.office_id, created_at=utcnow()
    )
    flush_unique(db.session, rating, conflict=_already_rated)
    # The copy statistics read (not a change of the complaint's handling: no version bump, no history).
    db.session.execute(
        update(Complaint).where(Complaint.id == c.id).values(rating=score).execution_options(synchronize_session=False)
    )
    return c, rating
