"""The answers of the notification endpoints as plain dicts, in exactly the documented shapes
(``notifications.schemas``): inbox items, the unread badge, push preferences, a device and a delivery. Pure
functions over what ``inbox``, ``devices`` and ``admin`` loaded; ``app.core.responses.json_response`` writes them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from notifications.models import KINDS


def _audience(area_key: str | None) -> str:
    return "area" if area_key else "personal"


def notification(row: Any) -> dict[str, Any]:
    """``NotificationSchema``: one inbox row of ``inbox._item_columns`` (unpacked by position: the hot path)."""
    nid, kind, title, body, link_type, link_id, data, area_key, created_at, read = row
    return {
        "id": nid,
        "kind": kind,
        "title": title,
        "body": body,
        "link": {"type": link_type, "id": link_id} if link_type else None,
        "data": data or {},
        "audience": _audience(area_key),
        "area_key": area_key,
        "created_at": created_at.isoformat(),
        "read": bool(read),
    }


def unread_count(counted: int, *, cap: int) -> dict[str, Any]:
    """``UnreadCountSchema`` from a count that stopped after ``cap`` (``inbox.UNREAD_CAP``): "99+" beyond it."""
    return {"unread": min(counted, cap), "capped": counted > cap}


def preferences(prefs: Mapping[str, bool]) -> dict[str, bool]:
    """``PreferencesSchema``: push on or off, per kind."""
    return {kind: bool(prefs[kind]) for kind in KINDS}


def device(d: Any) -> dict[str, Any]:
    """``DeviceSchema``: one registered app instance."""
    return {
        "token": d.token,
        "token_kind": d.token_kind,
        "platform": d.platform,
        "app_version": d.app_version,
        "locale": d.locale,
        "created_at": d.created_at,
        "last_seen_at": d.last_seen_at,
    }


def delivery(r: Any) -> dict[str, Any]:
    """``DeliverySchema``: push delivery of one notification, without its body (personal texts stay private)."""
    return {
        "id": r.id,
        "kind": r.kind,
        "title": r.title,
        "audience": _audience(r.area_key),
        "area_key": r.area_key,
        "user_id": r.user_id,
        "push_status": r.push_status,
        "push_attempts": r.push_attempts,
        "push_error": r.push_error,
        "sent_count": r.sent_count,
        "failed_count": r.failed_count,
        "pruned_count": r.pruned_count,
        "created_at": r.created_at,
        "pushed_at": r.pushed_at,
    }


def delivery_page(result: Mapping[str, Any]) -> dict[str, Any]:
    return {"items": [delivery(r) for r in result["items"]], "next_cursor": result["next_cursor"]}
