"""The answers of moderation as plain dicts, in exactly the documented shapes (``moderation.schemas``): a queued
complaint, its likely duplicates, the moderator's view of a complaint and a redaction. Pure functions over what
``moderation.queries`` loaded; ``app.core.responses.json_response`` writes them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from complaints import permissions as perm
from complaints.intake import presenters
from complaints.offices.presenters import office_ref


def queue_item(m: Any, *, viewer: Any, duplicates: list[dict[str, Any]]) -> dict[str, Any]:
    """A queued complaint as its moderator sees it: the texts as written, screening, who reported it."""
    item = presenters.list_item(m, viewer=viewer)
    identity = perm.sees_reporter_identity(viewer, presenters._Attrs(m))
    name = m["reporter_account_name"]
    item["reporter_name"] = name if identity else presenters.public_reporter_name(presenters._Attrs(m))
    item["reporter"] = {"id": m["reporter_id"], "name": name} if identity else None
    item["screening"] = dict(m["screening"] or {"flags": [], "abusive_terms": [], "pii_types": []})
    item["is_flagged"] = m["is_flagged"]
    item["awaiting_route"] = m["awaiting_route"]
    item["likely_duplicates"] = duplicates
    return item


def likely_duplicate(r: Mapping[str, Any]) -> dict[str, Any]:
    """A likely duplicate of a queued complaint (``DuplicateSchema``), by its public face."""
    return {
        "id": r["id"],
        "tracking_number": r["tracking_number"],
        "title": r["title"],
        "status": r["status"],
        "distance_m": round(r["distance_m"], 1),
    }


def moderation_view(detail: dict[str, Any], c: Any, *, office: Any | None, original: Any | None) -> dict[str, Any]:
    """``ModerationViewSchema``: the complaint's detail (``views.presenters.detail`` for the moderator) with the
    lead office's code, the original's title and status, and the moderation outcome."""
    out = dict(detail)
    out.update(
        {
            "awaiting_route": c.awaiting_route,
            "is_flagged": c.is_flagged,
            "office": office_ref(office) if office else None,
            "rejection_reason": c.rejection_reason,
            "duplicate_of": {
                "id": original.id,
                "tracking_number": original.tracking_number,
                "title": original.public_title or original.title,
                "status": original.status,
            }
            if original
            else None,
            "verified_at": c.verified_at,
            "closed_at": c.closed_at,
            "response_due_at": c.response_due_at,
            "resolution_due_at": c.resolution_due_at,
        }
    )
    return out


def redaction(r: Any) -> dict[str, Any]:
    """One redaction with the original text (``RedactionSchema``; admins only)."""
    return {
        "id": r.id,
        "field": r.field,
        "original": r.original,
        "redacted": r.redacted,
        "reason": r.reason,
        "actor": {"id": r.actor_id, "name": r.actor_name} if r.actor_id is not None else None,
        "created_at": r.created_at,
    }
