"""How an office handler reaches a complaint: through an office of theirs that has an active stage on it.

``attach_viewer_offices`` loads, in one query, the offices through which ``viewer`` handles the complaint (the lead
office or a co-handling one, where ``viewer`` is an effective member) and stores them on the loaded object as
``viewer_offices``, which the pure predicates in ``complaints.permissions`` read. ``queries.get_visible`` calls it
for every complaint it loads; a loader of bare rows (``photos.service.photo_file``) calls it itself.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.accounts.roles import Role
from app.extensions import db
from complaints.intake.models import HandlingStage
from complaints.offices.models import Office, OfficeMember
from complaints.offices.permissions import can_join


def offices_handling(*, complaint_id: int, viewer: Any) -> frozenset[int]:
    """The active offices with an active stage on the complaint in which ``viewer`` is an effective member (a
    deactivated office's members lose their reach at once; an admin transfers its complaints away)."""
    rows = db.session.execute(
        select(Office.id, Office.area_code)
        .join(HandlingStage, HandlingStage.office_id == Office.id)
        .join(OfficeMember, OfficeMember.office_id == Office.id)
        .where(
            HandlingStage.complaint_id == complaint_id,
            HandlingStage.is_active.is_(True),
            Office.is_active.is_(True),
            OfficeMember.user_id == viewer.id,
        )
    ).all()
    return frozenset(r.id for r in rows if can_join(viewer, r))


def attach_viewer_offices(complaint: Any, viewer: Any | None) -> Any:
    """Set ``complaint.viewer_offices`` for an office handler (empty for everyone else); returns the complaint."""
    offices: frozenset[int] = frozenset()
    if viewer is not None and viewer.role == Role.OFFICE_HANDLER and viewer.is_active:
        offices = offices_handling(complaint_id=complaint.id, viewer=viewer)
    complaint.viewer_offices = offices
    return complaint
