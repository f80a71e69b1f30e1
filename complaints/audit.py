"""Access-log notes for complaints: the places that show staff a reporter's identity or a redaction's original
call these (``app.accounts.privacy.audit`` writes the rows after a 2xx answer).

At the bottom of the complaints layers (no rules here: the callers have already decided what to show).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.accounts.privacy.audit import record
from app.accounts.privacy.models import ACCESS_IDENTITY, ACCESS_REDACTION
from app.areas.codes import scope_key


def _office(complaint: Any) -> int | None:
    offices = getattr(complaint, "viewer_offices", None) or ()
    return min(offices) if offices else None


def identity_shown(viewer: Any, complaint: Any) -> None:
    """``viewer`` was shown the reporter's name of ``complaint`` (an ORM object or a row with its columns)."""
    record(
        actor=viewer,
        kind=ACCESS_IDENTITY,
        subject_id=complaint.reporter_id,
        object_type="complaint",
        object_id=complaint.id,
        area_key=scope_key(complaint.desa_code, complaint.rw),
        office_id=_office(complaint),
    )


def identities_shown(viewer: Any, complaints: Iterable[Any]) -> None:
    for c in complaints:
        identity_shown(viewer, c)


def redaction_originals_shown(viewer: Any, complaint: Any) -> None:
    record(
        actor=viewer,
        kind=ACCESS_REDACTION,
        subject_id=complaint.reporter_id,
        object_type="complaint",
        object_id=complaint.id,
        area_key=scope_key(complaint.desa_code, complaint.rw),
        office_id=_office(complaint),
    )
