"""One complaint as one caller sees it: the detail, with what the other parts add to the complaint's row (the lead
office and stage deadline, the duplicate's original, the reporter's follow-up). The fields every view shares, the
text masking and the list items are ``intake.presenters``; these build on them. Pure functions over what
``views.queries`` loaded; the read schemas (``intake.schemas.ComplaintSchema``) dump these dicts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.core.db import utcnow
from complaints import follow_up
from complaints import permissions as perm
from complaints.intake import presenters
from complaints.states import HANDLING_STATUSES, TRANSITIONS, Status

_DETAIL_FIELDS = (
    "id", "tracking_number", "status", "category_id", "title", "public_title", "address", "public_address",
    "latitude", "longitude", "desa_code", "rw", "is_anonymous", "is_public", "support_count", "photo_count",
    "cover_photo_id", "created_at", "status_changed_at",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DetailExtras:
    """What the detail shows beyond the complaint's row (``queries.detail_extras`` reads it in one query)."""

    #: The lead office {id, name}, or None before routing.
    office: dict[str, Any] | None = None
    #: The complaint this one duplicates {id, tracking_number}, or None.
    duplicate_of: dict[str, Any] | None = None
    #: The reporter's score, or None when not rated.
    rating: int | None = None
    #: The lead stage's next open deadline (None once resolved or before routing).
    due_at: dt.datetime | None = None


NO_EXTRAS = DetailExtras()


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def handling_fields(c: Any, *, viewer: Any | None, extras: DetailExtras, now: dt.datetime) -> dict[str, Any]:
    """Office, deadlines and the reporter's follow-up (all public-safe; the ``can_*`` flags are the caller's)."""
    return {
        "office": extras.office,
        "response_due_at": _iso(getattr(c, "response_due_at", None)),
        "resolution_due_at": _iso(getattr(c, "resolution_due_at", None)),
        "overdue": bool(extras.due_at is not None and extras.due_at < now and Status(c.status) in HANDLING_STATUSES),
        "rejection_reason": getattr(c, "rejection_reason", None),
        "duplicate_of": extras.duplicate_of,
        "can_reopen": bool(
            c.status == Status.CLOSED  # first: a new submission's row has no follow-up columns
            and perm.can_reopen(viewer, c)
            and follow_up.reopen_refusal(c, now=now) is None
        ),
        "can_rate": perm.can_rate(viewer, c) and follow_up.may_be_rated(c, rated=extras.rating is not None),
        "rating": extras.rating,
    }


def detail(
    c: Any,
    *,
    viewer: Any | None,
    photos: Sequence[Any],
    reporter_name: str | None,
    supported_by_me: bool | None,
    extras: DetailExtras = NO_EXTRAS,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """One complaint for one caller (``reporter_name`` is the account's name; shown only if the caller may).
    ``extras`` are the office, duplicate and rating (``queries.detail_extras``; none for a new submission)."""
    original = perm.sees_original(viewer, c)
    identity = perm.sees_reporter_identity(viewer, c) and reporter_name is not None
    description = c.description if original else (c.public_description or c.description)
    out = {
        **presenters.common_fields({name: getattr(c, name) for name in _DETAIL_FIELDS}, original),
        "excerpt": presenters.excerpt(description),
        "description": description,
        "photos": [presenters.photo_view(c.id, p) for p in photos if p.kind == "intake"],
        "resolution_photos": [presenters.photo_view(c.id, p) for p in photos if p.kind == "resolution"],
        "location_accuracy_m": c.location_accuracy_m,
        "reporter_name": reporter_name if identity else presenters.public_reporter_name(c),
        "reporter": {"id": c.reporter_id, "name": reporter_name} if identity else None,
        "supported_by_me": supported_by_me if viewer is not None else None,
        "can_support": perm.can_support(viewer, c),
        "can_withdraw": perm.can_withdraw(viewer, c) and Status.WITHDRAWN in TRANSITIONS[Status(c.status)],
        "can_add_photos": perm.can_add_photo(viewer, c) and c.status == Status.SUBMITTED,
        **handling_fields(c, viewer=viewer, extras=extras, now=now or utcnow()),
    }
    if perm.sees_screening(viewer, c):
        out["screening"] = dict(c.screening or {"flags": [], "abusive_terms": [], "pii_types": []})
    return out
