"""What each caller sees of an announcement: dicts in exactly the documented shapes (``schemas.py``).

Residents and staff see the same public fields; those who may edit it also get the Markdown source and the push
state. Nobody sees who opened it (receipts are counts, ``receipts_view``) or who wrote it beyond the role.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from typing import Any

from app.core.i18n import render
from news.announcements.categories import CATEGORIES, URGENT

PREFIX = "/api/v1/announcements"


@functools.cache
def _labels(locale: str) -> dict[str, str]:
    """The category labels in one language (translated once per process)."""
    return {slug: render(label, locale) for slug, label in CATEGORIES.items()}


def image_view(announcement_id: int, image: Any) -> dict[str, Any]:
    url = f"{PREFIX}/{announcement_id}/images/{image.id}"
    return {
        "id": image.id,
        "url": url,
        "thumbnail_url": url + "/thumbnail",
        "width": image.width,
        "height": image.height,
    }


def status_of(m: Mapping[str, Any], now: dt.datetime) -> str:
    if m["published_at"] is None:
        return "scheduled"
    valid_until = m["valid_until"]
    return "expired" if valid_until is not None and valid_until <= now else "published"


def item(m: Mapping[str, Any], *, locale: str, now: dt.datetime) -> dict[str, Any]:
    """A list entry from a row mapping (the list queries' columns)."""
    aid, cover, category = m["id"], m["cover_image_id"], m["category"]
    has_place = m["place_name"] is not None or m["place_lat"] is not None
    return {
        "id": aid,
        "title": m["title"],
        "excerpt": m["excerpt"],
        "category": category,
        "category_label": _labels(locale)[category],
        "urgent": category in URGENT,
        "area_code": m["area_code"],
        "rw": m["rw"],
        "pinned": bool(m["pinned"]),
        "status": status_of(m, now),
        "event_starts_at": m["event_starts_at"],
        "event_ends_at": m["event_ends_at"],
        "place": (
            {"name": m["place_name"], "latitude": m["place_lat"], "longitude": m["place_lon"]} if has_place else None
        ),
        "valid_until": m["valid_until"],
        "link": {"type": m["link_type"], "id": m["link_id"]} if m["link_type"] is not None else None,
        "published_at": m["published_at"],
        "publish_at": m["publish_at"],
        "edited_at": m["edited_at"],
        "updated_at": m["updated_at"],
        "image_count": m["image_count"],
        "thumbnail_url": f"{PREFIX}/{aid}/images/{cover}/thumbnail" if cover is not None else None,
        "author_role": m["author_role"],
    }


def detail(
    m: Mapping[str, Any], *, images: Sequence[Any], manages: bool, locale: str, now: dt.datetime
) -> dict[str, Any]:
    out = item(m, locale=locale, now=now)
    out.update(
        body_html=m["body_html"],
        body=m["body"] if manages else None,
        images=[image_view(m["id"], i) for i in images],
        notify=bool(m["notify"]) if manages else None,
        notified_at=m["notified_at"] if manages else None,
        can_edit=manages,
    )
    return out


def receipts_view(*, opened: int, residents: int) -> dict[str, int]:
    return {"opened": opened, "residents": residents}


def categories_view(locale: str) -> list[dict[str, Any]]:
    return [{"slug": s, "label": label, "urgent": s in URGENT} for s, label in _labels(locale).items()]
