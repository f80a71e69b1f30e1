"""The answers of the reporter's follow-up as plain dicts, in exactly the documented shapes
(``feedback.schemas``): timeline entries and the rating. Pure functions; ``json_response`` writes them."""

from __future__ import annotations

from typing import Any

from app.accounts.roles import Role
from complaints import permissions as perm
from complaints.states import Status


def actor_label(*, actor_id: int | None, role: str | None, reporter_id: int) -> str:
    """Who acted, as the public may know it: a role, never a person."""
    if actor_id is None:
        return "system"
    if actor_id == reporter_id:
        return "reporter"
    if role == Role.OFFICE_HANDLER:
        return "office"
    if role in perm.MODERATOR_ROLES:
        return "moderator"
    return "staff"


def submitted_entry(c: Any) -> dict[str, Any]:
    """The timeline's first entry, built from the complaint's ``created_at``."""
    return {
        "at": c.created_at,
        "event": "submitted",
        "from_status": None,
        "to_status": Status.SUBMITTED.value,
        "office": None,
        "actor": "reporter",
        "note": None,
    }


def timeline_entry(r: Any, *, reporter_id: int, notes: bool) -> dict[str, Any]:
    """A history row (``feedback.queries.timeline``): who acted as a role label; the note only when ``notes``."""
    return {
        "at": r.created_at,
        "event": r.event,
        "from_status": r.from_status,
        "to_status": r.to_status,
        "office": {"id": r.office_id, "name": r.office_name} if r.office_id is not None else None,
        "actor": actor_label(actor_id=r.actor_id, role=r.actor_role, reporter_id=reporter_id),
        "note": r.note if notes else None,
    }


def rating(rating: Any, *, viewer: Any | None, complaint: Any) -> dict[str, Any]:
    """The rating; its comment only for the reporter and staff in scope."""
    return {
        "score": rating.score,
        "comment": rating.comment if perm.sees_rating_comment(viewer, complaint) else None,
        "created_at": rating.created_at,
    }
