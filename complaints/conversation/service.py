"""The conversation on a complaint: the reporter and staff in scope write; internal notes stay among staff."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from app.core.db import utcnow
from app.core.errors import Conflict, Forbidden
from app.core.events import emit
from app.core.i18n import _
from app.core.pagination import keyset, page
from app.extensions import db
from complaints import audit
from complaints import permissions as perm
from complaints.conversation.models import Message
from complaints.events import COMPLAINT_INTERNAL_NOTE_ADDED, COMPLAINT_MESSAGE_POSTED, message_payload
from complaints.intake import queries
from complaints.intake.models import Complaint
from complaints.states import FINAL_STATUSES, Status

STAFF_LABEL = "Petugas"
REPORTER_LABEL = "Pelapor"


def _view(m: Any, *, author_name: str | None, viewer: Any, complaint: Any) -> dict[str, Any]:
    """A message as the caller sees it: residents learn a staff member's role, never their name or account; staff
    see the reporter's name only where they may know who the reporter is."""
    if m.from_reporter:
        name = author_name if perm.sees_reporter_identity(viewer, complaint) else REPORTER_LABEL
    else:
        name = author_name if perm.is_staff_in_scope(viewer, complaint) else STAFF_LABEL
    return {
        "id": m.id,
        "body": m.body,
        "visibility": m.visibility,
        "from_reporter": m.from_reporter,
        "author_role": m.author_role,
        "author_name": name or (REPORTER_LABEL if m.from_reporter else STAFF_LABEL),
        "is_mine": m.author_id == viewer.id,
        "created_at": m.created_at,
    }


def list_messages(*, complaint_id: int, viewer: Any, cursor: str | None, limit: int) -> dict[str, Any]:
    """The conversation, oldest first; internal notes only for staff in scope."""
    from app.accounts.models import User

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
    result["items"] = [_view(m, author_name=m.author_name, viewer=viewer, complaint=c) for m in result["items"]]
    named = not perm.is_reporter(viewer, c) and perm.sees_reporter_identity(viewer, c)
    if named and any(m["from_reporter"] for m in result["items"]):
        audit.identity_shown(viewer, c)
    return result


def post_message(*, complaint_id: int, author: Any, body: str, visibility: str) -> dict[str, Any]:
    c = queries.get_visible(complaint_id=complaint_id, viewer=author)
    if not perm.can_read_conversation(author, c):
        raise Forbidden("Only the reporter and the staff handling it write in this conversation.")
    if not perm.can_post_message(author, c, visibility=visibility):
        raise Forbidden("Only staff write internal notes.")
    if Status(c.status) in FINAL_STATUSES:
        raise Conflict(_("The complaint is {status}; its conversation is closed.", status=c.status))
    m = Message(
        complaint_id=c.id,
        author_id=author.id,
        from_reporter=perm.is_reporter(author, c),
        author_role=author.role,
        visibility=visibility,
        body=body,
    )
    db.session.add(m)
    db.session.flush()
    if visibility == "shared":  # the reporter's delta sync sees a new message (internal notes stay invisible)
        db.session.execute(
            update(Complaint)
            .where(Complaint.id == c.id)
            .values(updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    event = COMPLAINT_INTERNAL_NOTE_ADDED if visibility == "internal" else COMPLAINT_MESSAGE_POSTED
    emit(event, **message_payload(c, m))
    return _view(m, author_name=author.name, viewer=author, complaint=c)
