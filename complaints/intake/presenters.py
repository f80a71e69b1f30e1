"""What each caller sees of a complaint. The read schemas dump these dicts; nothing private leaves otherwise.

Everyone but the reporter and staff in scope reads the masked copies of the texts (stored at submission) and the
public reporter label ("Anonim" or a masked name). Phone, e-mail, NIK and home address are never part of any view.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from complaints import permissions as perm
from complaints.intake.pii import masked_name

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


def common_fields(m: Mapping[str, Any], original: bool) -> dict[str, Any]:
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
    item = common_fields(m, original)
    item["excerpt"] = excerpt(m["excerpt"] if original else (m["public_excerpt"] or m["excerpt"]))
    own = viewer is not None and viewer.id == m["reporter_id"]
    item["reporter_name"] = viewer.name if own else (ANONYMOUS if m["is_anonymous"] else m["reporter_label"])
    if distance is not None:
        item["distance_m"] = round(distance, 1)
    return item


def public_item(m: Mapping[str, Any], *, distance: float | None = None) -> dict[str, Any]:
    """A row of the public feed (``queries.PUBLIC_COLUMNS``: the texts are already the public ones)."""
    item = common_fields(m, True)
    item["excerpt"] = excerpt(m["excerpt"])
    item["reporter_name"] = ANONYMOUS if m["is_anonymous"] else m["reporter_label"]
    if distance is not None:
        item["distance_m"] = round(distance, 1)
    return item


def public_reporter_name(c: Any) -> str:
    return ANONYMOUS if c.is_anonymous else c.reporter_label
