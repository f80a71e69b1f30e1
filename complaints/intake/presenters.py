"""What each caller sees of a complaint. The read schemas dump these dicts; nothing private leaves otherwise.

Everyone but the reporter and staff in scope reads the masked copies of the texts (stored at submission) and the
public reporter label ("Anonim" or a masked name). Phone, e-mail, NIK and home address are never part of any view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.core.db import utcnow
from complaints import permissions as perm
from complaints.feedback import rules as feedback
from complaints.intake.pii import masked_name
from complaints.states import HANDLING_STATUSES, TRANSITIONS, Status

EXCERPT_CHARS = 200
ANONYMOUS = "Anonim"
#: The stored label's column width (``complaints.reporter_label``).
REPORTER_LABEL_CHARS = 100


def photo_view(complaint_id: int, photo: Any) -> dict[str, Any]:
    url = f"/api/v1/complaints/{complaint_id}/photos/{photo.id}"
    return {
        "id": photo.id,
        "url": url,
        "thumbnail_url": url + "/thumbnail",
        "width": photo.width,
        "height": photo.height,
    }


def excerpt(text: str) -> str:
    if len(text) <= EXCERPT_CHARS:
        return text
    return text[: EXCERPT_CHARS - 1].rstrip() + "…"


def reporter_label(name: str) -> str:
    """The masked name the public sees, fixed at submission: always fits its column. Every word of a name costs at
    least five characters ("a*** "), so a valid name of 21 or more short words is cut after a whole word with "…"."""
    label = masked_name(name)
    if len(label) <= REPORTER_LABEL_CHARS:
        return label
    return label[: REPORTER_LABEL_CHARS - 1].rsplit(" ", 1)[0] + " …"


class _Attrs:
    """Attribute access to a row mapping, for the permission predicates (rows read fastest as mappings)."""

    __slots__ = ("_m",)

    def __init__(self, mapping: Mapping[str, Any]) -> None:
        self._m = mapping

    def __getattr__(self, name: str) -> Any:
        try:
            return self._m[name]
        except KeyError:
            raise AttributeError(name) from None


def _common(m: Mapping[str, Any], original: bool) -> dict[str, Any]:
    """The fields every view has, in one dict literal (lists build thousands of these a second)."""
    cover = m["cover_photo_id"]
    return {
        "id": m["id"],
        "tracking_number": m["tracking_number"],
        "status": m["status"],
        "category_id": m["category_id"],
        "title": m["title"] if original else (m["public_title"] or m["title"]),
        "address": m["address"] if original else (m["public_address"] or m["address"]),
        "latitude": m["latitude"],
        "longitude": m["longitude"],
        "desa_code": m["desa_code"],
        "rw": m["rw"],
        "is_anonymous": m["is_anonymous"],
        "is_public": m["is_public"],
        "support_count": m["support_count"],
        "photo_count": m["photo_count"],
        "thumbnail_url": f"/api/v1/complaints/{m['id']}/photos/{cover}/thumbnail" if cover else None,
        "created_at": m["created_at"].isoformat(),
        "status_changed_at": m["status_changed_at"].isoformat(),
    }


def list_item(m: Mapping[str, Any], *, viewer: Any | None, distance: float | None = None) -> dict[str, Any]:
    """A row of a list (a mapping of ``queries.LIST_COLUMNS``): the caller's own complaints with their name and
    texts as written, others as the public sees them (staff lists with reporter names belong to moderation)."""
    original = viewer is not None and perm.sees_original(viewer, _Attrs(m))
    item = _common(m, original)
    item["excerpt"] = excerpt(m["excerpt"] if original else (m["public_excerpt"] or m["excerpt"]))
    own = viewer is not None and viewer.id == m["reporter_id"]
    item["reporter_name"] = viewer.name if own else (ANONYMOUS if m["is_anonymous"] else m["reporter_label"])
    if distance is not None:
        item["distance_m"] = round(distance, 1)
    return item


def public_item(m: Mapping[str, Any], *, distance: float | None = None) -> dict[str, Any]:
    """A row of the public feed (``queries.PUBLIC_COLUMNS``: the texts are already the public ones)."""
    item = _common(m, True)
    item["excerpt"] = excerpt(m["excerpt"])
    item["reporter_name"] = ANONYMOUS if m["is_anonymous"] else m["reporter_label"]
    if distance is not None:
        item["distance_m"] = round(distance, 1)
    return item


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
            and feedback.reopen_refusal(c, now=now) is None
        ),
        "can_rate": perm.can_rate(viewer, c) and feedback.may_be_rated(c, rated=extras.rating is not None),
        "rating": extras.rating,
    }


def public_reporter_name(c: Any) -> str:
    return ANONYMOUS if c.is_anonymous else c.reporter_label


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
        **_common({name: getattr(c, name) for name in _DETAIL_FIELDS}, original),
        "excerpt": excerpt(description),
        "description": description,
        "photos": [photo_view(c.id, p) for p in photos if p.kind == "intake"],
        "resolution_photos": [photo_view(c.id, p) for p in photos if p.kind == "resolution"],
        "location_accuracy_m": c.location_accuracy_m,
        "reporter_name": reporter_name if identity else public_reporter_name(c),
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
