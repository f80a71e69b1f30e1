"""Routing rules, managed by admins in their area: list, create, re-point, delete."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.areas import service as areas
from app.areas.codes import within_area
from app.core.db import flush_unique
from app.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.core.i18n import _
from app.core.pagination import keyset, page
from app.extensions import db
from complaints.categories.models import Category
from complaints.offices.models import Office
from complaints.offices.permissions import can_manage_area, can_manage_office
from complaints.routing import presenters
from complaints.routing.models import RoutingRule
from complaints.routing.permissions import can_manage_rule, can_view_rule, office_covers


def list_rules(
    *,
    actor: Any,
    category_id: int | None,
    default_only: bool,
    area_code: str | None,
    office_id: int | None,
    cursor: str | None,
    limit: int,
) -> dict[str, Any]:
    """A page of the rules for areas inside the actor's scope, by id, with their office (one query), as
    ``presenters.rule`` shapes them."""
    stmt = select(RoutingRule).options(joinedload(RoutingRule.office))
    stmt = stmt.where(within_area(RoutingRule.area_code, actor.scope or "-"))
    if category_id is not None:
        stmt = stmt.where(RoutingRule.category_id == category_id)
    if default_only:
        stmt = stmt.where(RoutingRule.category_id.is_(None))
    if area_code:
        stmt = stmt.where(within_area(RoutingRule.area_code, area_code))
    if office_id is not None:
        stmt = stmt.where(RoutingRule.office_id == office_id)
    stmt = keyset(stmt, keys=[RoutingRule.id], cursor=cursor, limit=limit, types=[int])
    result = page(db.session.scalars(stmt).all(), limit=limit, key=lambda r: [r.id])
    result["items"] = [presenters.rule(r) for r in result["items"]]
    return result


def get_visible(*, actor: Any, rule_id: int) -> RoutingRule:
    """A rule for an area inside the actor's scope; 404 otherwise."""
    stmt = select(RoutingRule).options(joinedload(RoutingRule.office)).where(RoutingRule.id == rule_id)
    rule = db.session.scalars(stmt).one_or_none()
    if rule is None or not can_view_rule(actor, rule):
        raise NotFound("Routing rule not found.")
    return rule


def _office_for(*, actor: Any, office_id: int, area_code: str) -> Office:
    """The office a rule points at: one the actor manages (422 otherwise) whose jurisdiction covers the area."""
    office = db.session.get(Office, office_id)
    if office is None or not can_manage_office(actor, office):
        raise ValidationFailed("Unknown office.", errors={"office_id": ["No office with this id in your area."]})
    if not office_covers(office, area_code):
        raise ValidationFailed(
            "The office does not cover this area.",
            errors={
                "office_id": [
                    _("The office covers {office_area}, not {area}.", office_area=office.area_code, area=area_code)
                ]
            },
        )
    return office


def _flush(*new: object) -> None:
    flush_unique(db.session, *new, conflict=lambda: Conflict("A rule for this category and area already exists."))


def create_rule(*, actor: Any, data: dict[str, Any]) -> RoutingRule:
    """Add a rule for an area inside the actor's scope (403 outside it), unique per (category, area)."""
    area_code, category_id = data["area_code"], data["category_id"]
    areas.require_area(code=area_code, field="area_code")
    if not can_manage_area(actor, area_code):
        raise Forbidden("You can only route complaints of your own area.")
    if category_id is not None and db.session.get(Category, category_id) is None:
        raise ValidationFailed("Unknown category.", errors={"category_id": ["No category with this id."]})
    office = _office_for(actor=actor, office_id=data["office_id"], area_code=area_code)
    taken = select(RoutingRule.id).where(
        RoutingRule.area_code == area_code,
        RoutingRule.category_id.is_(None) if category_id is None else RoutingRule.category_id == category_id,
    )
    if db.session.scalar(taken) is not None:
        raise Conflict(
            "A rule for this category and area already exists; change its office instead.",
            errors={"category_id": ["Already routed in this area."]},
        )
    rule = RoutingRule(category_id=category_id, area_code=area_code, office=office, created_by_id=actor.id)
    _flush(rule)
    return rule


def _require_manage(actor: Any, rule: RoutingRule) -> None:
    if not can_manage_rule(actor, rule, rule.office):
        raise Forbidden("Only an admin who manages the rule's area and its office changes it.")


def update_rule(*, actor: Any, rule: RoutingRule, office_id: int) -> RoutingRule:
    """Point a rule at another office (category and area identify a rule: delete and create to change them)."""
    _require_manage(actor, rule)
    rule.office = _office_for(actor=actor, office_id=office_id, area_code=rule.area_code)
    _flush()
    return rule


def delete_rule(*, actor: Any, rule: RoutingRule) -> None:
    _require_manage(actor, rule)
    db.session.delete(rule)
    db.session.flush()
