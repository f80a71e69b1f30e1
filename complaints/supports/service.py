"""Support ("saya juga mengalami"): add or take back one's support; the complaint keeps the count.

The primary key (complaint, user) makes a second support impossible even under a race; the insert skips the
conflict instead of failing, and the counter moves only when a row was really added or removed. The counter is
updated in SQL (``support_count + 1``), outside the ORM's optimistic version check: supporting never conflicts with
a moderator working on the complaint.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from app.core.errors import Forbidden
from app.core.i18n import _
from app.core.sql import insert_ignoring_conflicts
from app.extensions import db
from complaints import permissions as perm
from complaints.intake import queries
from complaints.intake.models import Complaint
from complaints.supports.models import Support


def _bump(complaint_id: int, delta: int) -> int:
    stmt = (
        update(Complaint)
        .where(Complaint.id == complaint_id)
        .values(support_count=Complaint.support_count + delta)
        .returning(Complaint.support_count)
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(stmt).scalar_one()


def _count(complaint_id: int) -> int:
    return db.session.execute(select(Complaint.support_count).where(Complaint.id == complaint_id)).scalar_one()


def support(*, complaint_id: int, user: Any) -> int:
    """Add the caller's support (idempotent: supporting twice changes nothing); the support count after."""
    c = queries.get_visible(complaint_id=complaint_id, viewer=user)
    if not perm.can_support(user, c):
        reason = (
            _("You cannot support your own complaint.")
            if perm.is_reporter(user, c)
            else _("Only open, public complaints can be supported.")
        )
        raise Forbidden(reason)
    added = db.session.execute(
        insert_ignoring_conflicts(Support).values(complaint_id=c.id, user_id=user.id).returning(Support.user_id)
    ).first()
    count = _bump(c.id, 1) if added is not None else _count(c.id)
    return count


def unsupport(*, complaint_id: int, user: Any) -> int:
    """Take the caller's support back (idempotent); the support count after."""
    c = queries.get_visible(complaint_id=complaint_id, viewer=user)
    removed = db.session.execute(
        delete(Support)
        .where(Support.complaint_id == c.id, Support.user_id == user.id)
        .returning(Support.user_id)
        .execution_options(synchronize_session=False)
    ).first()
    count = _bump(c.id, -1) if removed is not None else _count(c.id)
    return count
