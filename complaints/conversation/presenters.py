"""The conversation's answers as plain dicts, in exactly the documented shape (``MessageSchema``). Pure; the
caller's view of who wrote decides the name shown."""

from __future__ import annotations

from typing import Any

from complaints import permissions as perm

STAFF_LABEL = "Petugas"
REPORTER_LABEL = "Pelapor"


def message(m: Any, *, author_name: str | None, viewer: Any, complaint: Any) -> dict[str, Any]:
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
