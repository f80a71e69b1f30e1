"""The answers of categories as plain dicts, in exactly the documented shape (``CategorySchema``). Pure functions;
``app.core.responses.json_response`` writes them."""

from __future__ import annotations

from typing import Any


def category(c: Any) -> dict[str, Any]:
    """A category, with its working-day SLA."""
    return {
        "id": c.id,
        "slug": c.slug,
        "name": c.name,
        "description": c.description,
        "icon_key": c.icon_key,
        "parent_id": c.parent_id,
        "is_active": c.is_active,
        "sort_order": c.sort_order,
        "sla_response_days": c.sla_response_days,
        "sla_resolution_days": c.sla_resolution_days,
    }
