"""Read queries of the reporter's follow-up: the public timeline and the rating. The dicts come from
``feedback.presenters``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.core.errors import NotFound
from app.core.pagination import decode_cursor, encode_cursor
from app.extensions import db
from complaints import permissions as perm
from complaints.feedback import presenters
from complaints.follow_up import Rating
from complaints.intake import queries
from complaints.intake.models import HistoryEntry
from complaints.offices.models import Office

#: History events that are staff business even if a row were stored without ``is_internal``.
INTERNAL_EVENTS = ("assignment", "redaction")


def timeline(*, complaint_id: int, viewer: Any | None, cursor: str | None, limit: int) -> dict[str, Any]:
    """The complaint's public history, oldest first (404 when the caller may not see the complaint)."""
    c = queries.get_visible(complaint_id=complaint_id, viewer=viewer)
    notes = perm.sees_history_notes(viewer, c)
    after = decode_cursor(cursor, types=[int])
    first_page = after is None
    # The first page starts with the "submitted" entry, so it holds one history row fewer.
    rows_wanted = limit - 1 if first_page else limit
    S = HistoryEntry
    stmt = (
        select(
            S.id,
            S.created_at,
            S.event,
            S.from_status,
            S.to_status,
            S.office_id,
            Office.name.label("office_name"),
            S.actor_id,
            User.role.label("actor_role"),
            S.note,
        )
        .outerjoin(Office, Office.id == S.office_id)
        .outerjoin(User, User.id == S.actor_id)
        .where(S.complaint_id == c.id, S.is_internal.is_(False), S.event.notin_(INTERNAL_EVENTS))
        .order_by(S.id)
        .limit(rows_wanted + 1)
    )
    if after is not None:
        stmt = stmt.where(S.id > after[0])
    rows = db.session.execute(stmt).all()
    shown = rows[:rows_wanted]
    items = [presenters.submitted_entry(c)] if first_page else []
    items += [presenters.timeline_entry(r, reporter_id=c.reporter_id, notes=notes) for r in shown]
    next_cursor = None
    if len(rows) > rows_wanted:
        next_cursor = encode_cursor([shown[-1].id if shown else 0])
    return {"items": items, "next_cursor": next_cursor}


def get_rating(*, complaint_id: int, viewer: Any | None) -> dict[str, Any]:
    """The rating, to anyone who may see the complaint (404 when not rated)."""
    c = queries.get_visible(complaint_id=complaint_id, viewer=viewer)
    rating = db.session.get(Rating, c.id)
    if rating is None:
        raise NotFound("This complaint has not been rated.")
    return presenters.rating(rating, viewer=viewer, complaint=c)
