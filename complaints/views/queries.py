"""Read queries of the complaint detail: what it shows beyond the complaint's own row (photos, the lead office and
stage, the duplicate's original, the rating). One query each; the complaint itself is loaded by
``intake.queries.get_visible``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from app.extensions import db
from complaints.follow_up import Rating
from complaints.intake.models import Complaint, HandlingStage
from complaints.offices.models import Office
from complaints.photos.models import ComplaintPhoto
from complaints.views import presenters


def photos_for(complaint_ids: Sequence[int], *, kinds: Sequence[str] = ("intake",)) -> dict[int, list[Any]]:
    """Photos of several complaints (intake ones unless ``kinds`` says more), by kind, in upload order (one query)."""
    if not complaint_ids:
        return {}
    P = ComplaintPhoto
    rows = db.session.execute(
        select(P.id, P.complaint_id, P.kind, P.width, P.height)
        .where(P.complaint_id.in_(complaint_ids), P.kind.in_(kinds))
        .order_by(P.complaint_id, P.kind, P.position)
    )
    out: dict[int, list[Any]] = defaultdict(list)
    for r in rows:
        out[r.complaint_id].append(r)
    return out


_Original = aliased(Complaint, name="original")


def detail_extras(complaint_id: int) -> presenters.DetailExtras:
    """What the detail shows beyond the complaint's own row, in one query: the lead office's name, the complaint
    this one duplicates, the rating's score, and the lead stage's next deadline (for ``overdue``)."""
    A = HandlingStage
    lead = and_(A.complaint_id == Complaint.id, A.is_active.is_(True), A.role == "lead")
    row = db.session.execute(
        select(
            Office.id.label("office_id"),
            Office.name.label("office_name"),
            _Original.id.label("original_id"),
            _Original.tracking_number.label("original_tracking_number"),
            Rating.score,
            A.due_at,
        )
        .select_from(Complaint)
        .outerjoin(Office, Office.id == Complaint.office_id)
        .outerjoin(_Original, _Original.id == Complaint.duplicate_of_id)
        .outerjoin(Rating, Rating.complaint_id == Complaint.id)
        .outerjoin(A, lead)
        .where(Complaint.id == complaint_id)
        .limit(1)
    ).first()
    if row is None:
        return presenters.DetailExtras()
    return presenters.DetailExtras(
        office={"id": row.office_id, "name": row.office_name} if row.office_id is not None else None,
        duplicate_of=(
            {"id": row.original_id, "tracking_number": row.original_tracking_number}
            if row.original_id is not None
            else None
        ),
        rating=row.score,
        due_at=row.due_at,
    )
