"""The answers of office handling as plain dicts, in exactly the documented shapes (``handling.schemas``): an office's
inbox item, the handling state after an action, and the stage both carry. Pure functions: the rows come from
``handling.queue`` and ``handling.stages``; ``app.core.responses.json_response`` writes the dicts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from complaints.intake.presenters import excerpt


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _thumbnail(m: Mapping[str, Any]) -> str | None:
    cover = m["cover_photo_id"]
    return f"/api/v1/complaints/{m['id']}/photos/{cover}/thumbnail" if cover else None


def stage(m: Mapping[str, Any], *, now: dt.datetime, office: dict[str, Any] | None = None) -> dict[str, Any]:
    """One office's stage on a complaint (``InboxStageSchema``) from a row labelled like ``queue.COLUMNS``; with
    ``office``, the stage as the handling state lists it (``HandlingStageSchema``)."""
    due = m["due_at"]
    assignee = m["assignee_id"]
    out: dict[str, Any] = {"id": m["stage_id"], "role": m["role"]}
    if office is not None:
        out["office"] = office
    out.update(
        {
            "assignee": {"id": assignee, "name": m["assignee_name"]} if assignee is not None else None,
            "started_at": m["started_at"].isoformat(),
            "response_due_at": _iso(m["response_due_at"]),
            "resolution_due_at": _iso(m["resolution_due_at"]),
            "due_at": _iso(due),
            "overdue": due is not None and due < now,
            "due_provisional": bool(m["due_provisional"]),
            "responded_at": _iso(m["responded_at"]),
            "reason": m["reason"],
        }
    )
    return out


def inbox_item(m: Mapping[str, Any], *, now: dt.datetime) -> dict[str, Any]:
    """One inbox row (a mapping of ``queue.COLUMNS``): the complaint and the office's stage on it."""
    return {
        "id": m["id"],
        "tracking_number": m["tracking_number"],
        "status": m["status"],
        "category_id": m["category_id"],
        "title": m["title"],
        "excerpt": excerpt(m["excerpt"]),
        "address": m["address"],
        "desa_code": m["desa_code"],
        "rw": m["rw"],
        "created_at": m["created_at"].isoformat(),
        "photo_count": m["photo_count"],
        "thumbnail_url": _thumbnail(m),
        "stage": stage(m, now=now),
    }


def handling(c: Any, stages: list[Mapping[str, Any]], *, now: dt.datetime) -> dict[str, Any]:
    """Where the handling stands (``HandlingSchema``): status, lead office, deadlines and the active stages (rows of
    ``stages.active_with_offices``)."""
    return {
        "id": c.id,
        "tracking_number": c.tracking_number,
        "status": c.status,
        "office_id": c.office_id,
        "first_response_at": _iso(c.first_response_at),
        "resolved_at": _iso(c.resolved_at),
        "response_due_at": _iso(c.response_due_at),
        "resolution_due_at": _iso(c.resolution_due_at),
        "stages": [
            stage(m, now=now, office={"id": m["office_id"], "code": m["office_code"], "name": m["office_name"]})
            for m in stages
        ],
    }


def my_office(m: Mapping[str, Any]) -> dict[str, Any]:
    """An office the caller works for (``MyOfficeSchema``)."""
    return {
        "id": m["id"],
        "code": m["code"],
        "name": m["name"],
        "area_code": m["area_code"],
        "parent_id": m["parent_id"],
        "is_active": m["is_active"],
        "is_head": m["is_head"],
    }
