"""SLA escalation: once per deadline of a lead stage, tell the office's heads and the area's moderators that it passed.

A lead stage has two deadlines (``HandlingStage.due_at`` is the open one): the response deadline until the office
responds, then the resolution deadline. Each is escalated at most once per stage (``response_escalated_at``,
``resolution_escalated_at``); a transfer starts a new stage, whose deadlines escalate again.

The sweep works in batches (one transaction each, so a backlog never builds one huge transaction): it picks overdue
stages (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent workers take different rows) and marks them with a
conditional ``UPDATE … RETURNING``, so a stage another worker already marked is never escalated twice; only the
returned stages are notified, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import and_, or_, select, update

from app.accounts.models import User
from app.accounts.roles import Role
from app.areas.codes import ancestors_of, area_contains, scope_key
from app.core.i18n import _
from app.extensions import db
from complaints.intake.models import Complaint, HandlingStage
from complaints.offices.models import Office, OfficeMember
from complaints.offices.permissions import AccountRef, AreaRef, can_join
from notifications.api import COMPLAINT_UPDATE, notify_users

BATCH_SIZE = 500

A = HandlingStage.__table__
TITLES = {
    "response": _("Complaint response deadline missed"),
    "resolution": _("Complaint resolution deadline missed"),
}


def _overdue(now: dt.datetime) -> Any:
    return and_(A.c.is_active.is_(True), A.c.role == "lead", A.c.due_at < now)


_RESPONSE_OPEN = and_(A.c.responded_at.is_(None), A.c.response_escalated_at.is_(None))
_RESOLUTION_OPEN = and_(A.c.responded_at.is_not(None), A.c.resolution_escalated_at.is_(None))


def _mark(*, now: dt.datetime, limit: int) -> tuple[int, dict[int, str]]:
    """Pick up to ``limit`` overdue, not yet escalated lead stages and mark them; (picked, {stage id: deadline})."""
    session = db.session
    pick = (
        select(A.c.id)
        .where(_overdue(now), or_(_RESPONSE_OPEN, _RESOLUTION_OPEN))
        .order_by(A.c.due_at, A.c.id)
        .limit(limit)
    )
    if db.dialect == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    ids = list(session.execute(pick).scalars())
    if not ids:
        return 0, {}
    marked: dict[int, str] = {}
    for kind, still_open, column in (
        ("response", _RESPONSE_OPEN, "response_escalated_at"),
        ("resolution", _RESOLUTION_OPEN, "resolution_escalated_at"),
    ):
        stmt = update(A).where(A.c.id.in_(ids), _overdue(now), still_open).values({column: now}).returning(A.c.id)
        marked.update((stage_id, kind) for stage_id in session.execute(stmt).scalars())
    return len(ids), marked


def _heads(office_ids: set[int]) -> dict[int, list[int]]:
    """Effective heads per office."""
    rows = db.session.execute(
        select(
            OfficeMember.office_id,
            Office.area_code,
            User.id,
            User.role,
            User.is_active,
            User.scope_area_code,
            User.scope_rw,
        )
        .join(User, User.id == OfficeMember.user_id)
        .join(Office, Office.id == OfficeMember.office_id)
        .where(OfficeMember.office_id.in_(office_ids), OfficeMember.is_head.is_(True))
    )
    out: dict[int, list[int]] = defaultdict(list)
    for office_id, area_code, user_id, *account in rows:
        if can_join(AccountRef(*account), AreaRef(area_code)):
            out[office_id].append(user_id)
    return out


def _moderators(desa_codes: set[str]) -> list[tuple[int, str]]:
    """Active moderators scoped to any area containing one of the desas: (user id, scope key)."""
    areas = sorted({code for desa in desa_codes for code in ancestors_of(desa)})
    rows = db.session.execute(
        select(User.id, User.scope_area_code, User.scope_rw).where(
            User.role == Role.MODERATOR.value, User.is_active.is_(True), User.scope_area_code.in_(areas)
        )
    )
    return [(user_id, scope_key(area, rw)) for user_id, area, rw in rows]


def _notify(marked: dict[int, str]) -> None:
    rows = db.session.execute(
        select(
            A.c.id,
            A.c.office_id,
            A.c.response_due_at,
            A.c.resolution_due_at,
            Complaint.id.label("complaint_id"),
            Complaint.tracking_number,
            Complaint.title,
            Complaint.desa_code,
            Complaint.rw,
            Office.name.label("office_name"),
        )
        .join(Complaint, Complaint.id == A.c.complaint_id)
        .join(Office, Office.id == A.c.office_id)
        .where(A.c.id.in_(list(marked)))
        .order_by(A.c.id)
    ).all()
    heads = _heads({r.office_id for r in rows})
    moderators = _moderators({r.desa_code for r in rows})
    for r in rows:
        kind = marked[r.id]
        where = scope_key(r.desa_code, r.rw)
        recipients = set(heads.get(r.office_id, ())) | {uid for uid, scope in moderators if area_contains(scope, where)}
        due = r.response_due_at if kind == "response" else r.resolution_due_at
        when = _("; deadline {due} UTC", due=f"{due:%d-%m-%Y %H:%M}") if due is not None else ""
        notify_users(
            user_ids=recipients,
            kind=COMPLAINT_UPDATE,
            title=TITLES[kind],
            body=_(
                "{tracking_number} · {title}\n{office}{when}",
                tracking_number=r.tracking_number,
                title=r.title,
                office=r.office_name,
                when=when,
            ),
            link={"type": "complaint", "id": r.complaint_id},
            data={"event": "escalation", "deadline": kind},
        )


def escalate_batch(*, now: dt.datetime, limit: int = BATCH_SIZE) -> tuple[int, int]:
    """One batch, in the caller's transaction (flushes only): (stages picked, stages escalated)."""
    picked, marked = _mark(now=now, limit=limit)
    if marked:
        _notify(marked)
    return picked, len(marked)


def escalate_overdue(*, now: dt.datetime, batch_size: int = BATCH_SIZE) -> int:
    """Escalate every overdue lead stage not yet escalated for its open deadline; commits after each batch (a job's
    work, not a request's). Returns how many stages were escalated."""
    total = 0
    while True:
        picked, escalated = escalate_batch(now=now, limit=batch_size)
        db.session.commit()
        total += escalated
        if picked < batch_size:
            return total
