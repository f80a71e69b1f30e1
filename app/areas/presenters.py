"""The answers of ``/areas`` as plain dicts, in exactly the documented shapes (``app.areas.schemas``). Pure
functions over the ``AreaInfo``/``AreaDetail`` rows ``app.areas.service`` loaded (and caches)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def area(a: Any) -> dict[str, Any]:
    """``AreaSchema``: one area."""
    return {
        "code": a.code,
        "name": a.name,
        "level": a.level,
        "type": a.type,
        "postal_code": a.postal_code,
        "parent_code": a.parent_code,
    }


def area_detail(d: Any) -> dict[str, Any]:
    """``AreaDetailSchema``: the area and its ancestors, province first."""
    out = area(d.area)
    out["ancestors"] = [area(a) for a in d.ancestors]
    return out


def area_page(result: Mapping[str, Any]) -> dict[str, Any]:
    return {"items": [area(a) for a in result["items"]], "next_cursor": result["next_cursor"]}
