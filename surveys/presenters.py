"""Response bodies of surveys, built as the documented dicts (``schemas.SurveySchema`` and friends)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.accounts.privacy.models import EXPORT_READY
from surveys import permissions as perm
from surveys.states import POLL


def item_view(q: Any, options: list[Any]) -> dict[str, Any]:
    condition = None
    if q.condition_question_id is not None:
        condition = {
            "question_id": q.condition_question_id,
            "operator": q.condition_operator,
            "option_id": q.condition_option_id,
        }
    return {
        "id": q.id,
        "position": q.position,
        "type": q.type,
        "title": q.title,
        "description": q.description,
        "required": q.required,
        "options": [{"id": o.id, "label": o.label} for o in options if not o.is_row],
        "rows": [{"id": o.id, "label": o.label} for o in options if o.is_row],
        "min_choices": q.min_choices,
        "max_choices": q.max_choices,
        "max_length": q.max_length,
        "min_value": q.min_value,
        "max_value": q.max_value,
        "integer_only": q.integer_only,
        "allow_other": q.allow_other,
        "condition": condition,
    }


def summary_view(
    s: Any, *, viewer: Any, answered: bool, now: dt.datetime, poll_item: dict[str, Any] | None
) -> dict[str, Any]:
    return {
        "id": s.id,
        "kind": s.kind,
        "status": s.status,
        "title": s.title,
        "description": s.description,
        "area_code": s.area_code,
        "rw": s.rw,
        "opens_at": s.opens_at,
        "closes_at": s.closes_at,
        "anonymous": s.anonymous,
        "results_visibility": s.results_visibility,
        "is_open": perm.is_open(s, now),
        "answered": answered,
        "can_see_results": perm.can_see_results(viewer, s, answered=answered),
        "updated_at": s.updated_at,
        "question": poll_item if s.kind == POLL else None,
    }


def survey_view(
    s: Any,
    items: list[Any],
    options: dict[int, list[Any]],
    *,
    viewer: Any,
    answered: bool,
    has_responses: bool,
    now: dt.datetime,
) -> dict[str, Any]:
    views = [item_view(q, options.get(q.id, [])) for q in items]
    out = summary_view(s, viewer=viewer, answered=answered, now=now, poll_item=views[0] if views else None)
    out.update(
        created_at=s.created_at,
        published_at=s.published_at,
        closed_at=s.closed_at,
        has_responses=has_responses,
        items=views,
    )
    return out


def export_view(e: Any, *, fmt: str) -> dict[str, Any]:
    """The state of one export job (``SurveyExportSchema``); the download link only while ready."""
    ready = e.status == EXPORT_READY
    return {
        "id": e.id,
        "format": fmt,
        "status": e.status,
        "requested_at": e.requested_at.isoformat(),
        "ready_at": e.ready_at.isoformat() if e.ready_at else None,
        "expires_at": e.expires_at.isoformat() if e.expires_at else None,
        "size_bytes": e.size_bytes,
        "download_url": f"/api/v1/surveys/{e.subject_id}/exports/{e.id}/download" if ready else None,
    }
