"""The answers of the personal-data endpoints, in exactly their documented shapes. Pure functions over what
``consent``, ``export`` and ``audit`` loaded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from app.accounts.privacy.models import EXPORT_READY, AccessLog, DataExport, PrivacyNotice


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def notice(n: PrivacyNotice) -> dict[str, Any]:
    return {
        "version": n.version,
        "published_at": n.published_at.isoformat(),
        "title": {"id": n.title_id, "en": n.title_en},
        "body": {"id": n.body_id, "en": n.body_en},
    }


def consent_state(state: dict[str, Any]) -> dict[str, Any]:
    return {**state, "accepted_at": _iso(state["accepted_at"])}


def data_export(e: DataExport) -> dict[str, Any]:
    ready = e.status == EXPORT_READY
    return {
        "id": e.id,
        "status": e.status,
        "requested_at": e.requested_at.isoformat(),
        "ready_at": _iso(e.ready_at),
        "expires_at": _iso(e.expires_at),
        "size_bytes": e.size_bytes,
        "download_url": f"/api/v1/me/data-export/{e.id}/download" if ready else None,
    }


def _object(r: AccessLog) -> dict[str, Any]:
    return {"type": r.object_type, "id": r.object_id}


def my_access_page(result: dict[str, Any]) -> dict[str, Any]:
    """A resident's view of the log (``audit.list_for_subject``, with the page's ``office_names``): roles and
    offices, never which staff member (no actor id or name)."""
    rows: Sequence[AccessLog] = result["items"]
    names: dict[int, str] = result["office_names"]
    return {
        "items": [
            {
                "id": r.id,
                "created_at": r.created_at.isoformat(),
                "kind": r.kind,
                "actor_role": r.actor_role,
                "office": {"id": r.office_id, "name": names.get(r.office_id)} if r.office_id is not None else None,
                "object": _object(r),
            }
            for r in rows
        ],
        "next_cursor": result["next_cursor"],
    }


def access_log_page(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "items": [
            {
                "id": r.id,
                "created_at": r.created_at.isoformat(),
                "kind": r.kind,
                "actor": {"id": r.actor_id, "role": r.actor_role, "scope": r.actor_scope},
                "office_id": r.office_id,
                "subject_id": r.subject_id,
                "object": _object(r),
                "area_key": r.area_key,
                "ip": r.ip,
                "endpoint": r.endpoint,
            }
            for r in result["items"]
        ],
        "next_cursor": result["next_cursor"],
    }
