"""Read queries of the conversation: a complaint's messages as the caller may read them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.core.errors import Forbidden
from app.core.pagination import keyset, page
from app.extensions import db
from complaints import audit
from complaints import permissions as perm
from complaints.conversation import presenters
from complaints.conversation.models import Message
from complaints.intake import queries


def list_messages(*, complaint_id: int, viewer: Any, cursor: str | None, limit: int) -> dict[str, Any]:
    """The conversation, oldest first; internal notes only for staff in scope."""
    c = queries.get_visible(complaint_id=complaint_id, viewer=viewer)
    if not perm.can_read_conversation(viewer, c):
        raise Forbidden("Only the reporter and the staff handling it read this conversation.")
    stmt = (
        select(
            Message.id,
            Message.body,
            Message.visibility,
            Message.from_reporter,
            Message.author_role,
            Message.author_id,
            Message.created_at,
            User.name.label("author_name"),
        )
        .outerjoin(User, User.id == Message.author_id)
        .where(Message.complaint_id == c.id)
    )
    if not perm.can_read_internal_notes(viewer, c):
        stmt = stmt.where(Message.visibility == "shared")
    rows = db.session.execute(keyset(stmt, keys=[Message.id], cursor=cursor, limit=limit, types=[int])).all()
    result = page(rows, limit=limit, key=lambda m: [m.id])
    result["items"] = [
        presenters.message(m, author_name=m.author_name, viewer=viewer, complaint=c) for m in result["items"]
    ]
    named = not perm.is_reporter(viewer, c) and perm.sees_reporter_identity(viewer, c)
    if named and any(m["from_reporter"] for m in result["items"]):
        audit.identity_shown(viewer, c)
    return result
