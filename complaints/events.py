"""Events the complaints feature emits through ``app.core.events.emit``, with their payloads.

Listeners (notifications: push and inbox) register with ``app.core.events.on(NAME)`` and receive the payload as
keyword arguments. Events are emitted inside the request's transaction, after the change is flushed: a listener that
sends anything must defer it with ``app.core.events.after_commit``. Payloads hold plain values only (ids, strings),
never ORM objects, and never the reporter's contact data.

``COMPLAINT_SUBMITTED``: a resident submitted a complaint (tell the reporter it was received).
    complaint_id, reporter_id, tracking_number, title, status ("submitted"), category_id, desa_code, rw,
    is_anonymous, is_public, created_at (ISO 8601)

``COMPLAINT_STATUS_CHANGED``: the status changed (every change goes through ``complaints.states.transition``), or
    an event the reporter may see happened without a status change (``states.record``: a transfer, a co-handling
    office added; then old_status == new_status).
    complaint_id, reporter_id, tracking_number, title, old_status, new_status, actor_id (None for the system),
    note (what the reporter is told, or None), changed_at (ISO 8601), event ("status", "transfer", "co_handling",
    "reopen", "validation_failed"), office_id (the office concerned, or None)

``COMPLAINT_MESSAGE_POSTED``: a message the reporter can read was posted (visibility "shared").
    complaint_id, reporter_id, tracking_number, title, message_id, author_id, from_reporter (bool),
    author_role, posted_at (ISO 8601). Notify the reporter when ``from_reporter`` is False, and staff in scope when
    it is True.

``COMPLAINT_INTERNAL_NOTE_ADDED``: a staff-only internal note was added. Same payload as above. Never forward it to
    the reporter or any resident.

``OFFICE_AREA_CHANGING``: an office's jurisdiction is about to become ``area_code`` (inside the office update, before
    the flush). office_id, area_code. A listener that cannot allow it raises ``ValidationFailed`` (routing: its rules
    pointing at the office must stay inside). Not a notification: not in ``EVENT_NAMES``.

``title`` is the reporter's own text (unmasked): send it only to the reporter and to staff.
"""

from __future__ import annotations

from typing import Any

COMPLAINT_SUBMITTED = "complaints.submitted"
COMPLAINT_STATUS_CHANGED = "complaints.status_changed"
COMPLAINT_MESSAGE_POSTED = "complaints.message_posted"
COMPLAINT_INTERNAL_NOTE_ADDED = "complaints.internal_note_added"

OFFICE_AREA_CHANGING = "complaints.office_area_changing"

EVENT_NAMES = (COMPLAINT_SUBMITTED, COMPLAINT_STATUS_CHANGED, COMPLAINT_MESSAGE_POSTED, COMPLAINT_INTERNAL_NOTE_ADDED)


def _base(complaint: Any) -> dict[str, Any]:
    return {
        "complaint_id": complaint.id,
        "reporter_id": complaint.reporter_id,
        "tracking_number": complaint.tracking_number,
        "title": complaint.title,
    }


def submitted_payload(complaint: Any) -> dict[str, Any]:
    return {
        **_base(complaint),
        "status": complaint.status,
        "category_id": complaint.category_id,
        "desa_code": complaint.desa_code,
        "rw": complaint.rw,
        "is_anonymous": complaint.is_anonymous,
        "is_public": complaint.is_public,
        "created_at": complaint.created_at.isoformat(),
    }


def status_changed_payload(complaint: Any, change: Any) -> dict[str, Any]:
    return {
        **_base(complaint),
        "old_status": change.from_status,
        "new_status": change.to_status,
        "actor_id": change.actor_id,
        "note": change.note,
        "changed_at": change.created_at.isoformat(),
        "event": change.event,
        "office_id": change.office_id,
    }


def message_payload(complaint: Any, message: Any) -> dict[str, Any]:
    return {
        **_base(complaint),
        "message_id": message.id,
        "author_id": message.author_id,
        "from_reporter": message.from_reporter,
        "author_role": message.author_role,
        "posted_at": message.created_at.isoformat(),
    }
