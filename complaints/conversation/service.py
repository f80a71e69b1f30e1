"""The conversation on a complaint: the reporter and staff in scope write; internal notes stay among staff."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from app.core.db import utcnow
from app.core.errors import Conflict, Forbidden
from app.core.events import emit
from app.core.i18n import _
from app.extensions import db
from complaints import permissions as perm
from complaints.conversation.models import Message
from complaints.events import COMPLAINT_INTERNAL_NOTE_ADDED, COMPLAINT_MESSAGE_POSTED, message_payload
from complaints.intake import queries
from complaints.intake.models import Complaint
from complaints.states import FINAL_STATUSES, Status


def post_message(*, complaint_id: int, author: Any, body: str, visibility: str) -> tuple[Complaint, Message]:
    """A message or internal note on the complaint; returns the complaint and the stored message."""
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
    return c, m
