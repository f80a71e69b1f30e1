"""Who may manage routing rules and ask where a complaint would go. Pure predicates: no database, no request."""

from __future__ import annotations

from typing import Any

from app.accounts.roles import Role
from app.areas.codes import area_contains
from complaints.offices.permissions import HasArea, can_manage_area, can_manage_office


def can_view_rule(user: Any, rule: HasArea) -> bool:
    """Admins see the rules for areas inside their scope."""
    return can_manage_area(user, rule.area_code)


def can_manage_rule(user: Any, rule: HasArea, office: HasArea) -> bool:
    """Create, change or delete a rule: the admin manages both its area and the office it points at."""
    return can_manage_area(user, rule.area_code) and can_manage_office(user, office)


def office_covers(office: HasArea, area_code: str) -> bool:
    """An office handles complaints only inside its jurisdiction, so a rule's area lies inside it."""
    return area_contains(office.area_code, area_code)


def can_explain_routing(user: Any, area_code: str) -> bool:
    """Admins and moderators may ask where complaints of an area inside their scope would go."""
    return bool(
        user.is_active
        and user.role in (Role.ADMIN, Role.MODERATOR)
        and user.scope is not None
        and area_contains(user.scope, area_code)
    )
