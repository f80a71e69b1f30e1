"""What each caller sees of a complaint. The read schemas dump these dicts; nothing private leaves otherwise.

Everyone but the reporter and staff in scope reads the masked copies of the texts (stored at submission) and the
public reporter label ("Anonim" or a masked name). Phone, e-mail, NIK and home address are never part of any view.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from complaints import permissions as perm
from complaints.states import TRANSITIONS, Status

EXCERPT_CHARS = 200
ANONYMOUS = "Anonim"


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


def _texts(c: Any, original: bool, *, excerpt_only: bool) -> dict[str, Any]:
    if excerpt_only:  # list rows carry the first characters of each description only
        description = c.excerpt if original else (c.public_excerpt or c.excerpt)
    else:
        description = c.description if original else (c.public_description or c.description)
    return {
        "title": c.title if original else (c.public_title or c.title),
        "address": c.address if original else (c.public_address or c.address),
        "excerpt": excerpt(description),
        **({} if excerpt_only else {"description": description}),
    }


def _common(c: Any, *, photos: Sequence[Any], distance: float | None) -> dict[str, Any]:
    out = {
        "id": c.id,
        "tracking_number": c.tracking_number,
        "status": c.status,
        "category_id": c.category_id,
        "latitude": c.latitude,
        "longitude": c.longitude,
        "desa_code": c.desa_code,
        "rw": c.rw,
        "is_anonymous": c.is_anonymous,
        "is_public": c.is_public,
        "support_count": c.support_count,
        "photos": [photo_view(c.id, p) for p in photos],
        "created_at": c.created_at,
        "status_changed_at": c.status_changed_at,
    }
    if distance is not None:
        out["distance_m"] = round(distance, 1)
    return out


def list_item(
    c: Any,
    *,
    viewer: Any | None,
    photos: Sequence[Any] = (),
    distance: float | None = None,
    reporter_name: str | None = None,
) -> dict[str, Any]:
    """A row of a list. ``reporter_name`` is the real name when the caller may see it (the reporter's own list)."""
    original = perm.sees_original(viewer, c)
    if perm.is_reporter(viewer, c):
        reporter_name = viewer.name
    name = reporter_name if reporter_name is not None and perm.sees_reporter_identity(viewer, c) else None
    return {
        **_common(c, photos=photos, distance=distance),
        **_texts(c, original, excerpt_only=True),
        "reporter_name": name or public_reporter_name(c),
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
) -> dict[str, Any]:
    """One complaint for one caller (``reporter_name`` is the account's name; shown only if the caller may)."""
    original = perm.sees_original(viewer, c)
    identity = perm.sees_reporter_identity(viewer, c) and reporter_name is not None
    out = {
        **_common(c, photos=photos, distance=None),
        **_texts(c, original, excerpt_only=False),
        "location_accuracy_m": c.location_accuracy_m,
        "reporter_name": reporter_name if identity else public_reporter_name(c),
        "reporter": {"id": c.reporter_id, "name": reporter_name} if identity else None,
        "supported_by_me": supported_by_me if viewer is not None else None,
        "can_support": perm.can_support(viewer, c),
        "can_withdraw": perm.can_withdraw(viewer, c) and Status.WITHDRAWN in TRANSITIONS[Status(c.status)],
        "can_add_photos": perm.can_add_photo(viewer, c) and c.status == Status.SUBMITTED,
    }
    if perm.sees_screening(viewer, c):
        out["screening"] = dict(c.screening or {"flags": [], "abusive_terms": [], "pii_types": []})
    return out
