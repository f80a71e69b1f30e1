"""The answers of routing as plain dicts, in exactly the documented shapes (``routing.schemas``): a rule with its
office, and the explanation of where a complaint would go. Pure functions; ``json_response`` writes them."""

from __future__ import annotations

from typing import Any

from complaints.offices.presenters import active_office_ref
from complaints.routing.service import Candidate, Explanation, Resolution


def rule(r: Any) -> dict[str, Any]:
    """A routing rule (``RuleSchema``), its office loaded with it."""
    return {
        "id": r.id,
        "category_id": r.category_id,
        "area_code": r.area_code,
        "office_id": r.office_id,
        "office": active_office_ref(r.office),
        "created_at": r.created_at,
        "updated_at": r.updated_at,
    }


def _resolution(r: Resolution) -> dict[str, Any]:
    return {
        "office_id": r.office_id,
        "rule_id": r.rule_id,
        "match": r.match,
        "rule_area_code": r.rule_area_code,
        "rule_category_id": r.rule_category_id,
    }


def _candidate(c: Candidate) -> dict[str, Any]:
    return {
        "rule_id": c.rule_id,
        "category_id": c.category_id,
        "area_code": c.area_code,
        "match": c.match,
        "office": active_office_ref(c.office),
        "outcome": c.outcome,
    }


def explanation(e: Explanation) -> dict[str, Any]:
    """Every matching rule in precedence order and the one that applies (``ExplanationSchema``)."""
    return {
        "category_id": e.category_id,
        "area_code": e.area_code,
        "resolution": _resolution(e.resolution) if e.resolution is not None else None,
        "candidates": [_candidate(c) for c in e.candidates],
    }
