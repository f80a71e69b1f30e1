"""Offices, members and routing rules for tests (flushed into the test's transaction)."""

from __future__ import annotations

import itertools

from app.accounts.models import User
from app.extensions import db
from complaints.offices.models import Office, OfficeMember
from complaints.routing.models import RoutingRule

_codes = itertools.count(1)


def office(
    area: str = "32.73", *, parent: Office | None = None, active: bool = True, code: str | None = None
) -> Office:
    row = Office(
        code=code or f"OPD-{next(_codes):04d}",
        name=f"Dinas Uji {area}",
        area_code=area,
        parent_id=parent.id if parent else None,
        is_active=active,
    )
    db.session.add(row)
    db.session.flush()
    return row


def member(of: Office, user: User, *, head: bool = False) -> OfficeMember:
    row = OfficeMember(office_id=of.id, user_id=user.id, is_head=head)
    db.session.add(row)
    db.session.flush()
    return row


def rule(to: Office, area: str, category_id: int | None = None) -> RoutingRule:
    row = RoutingRule(category_id=category_id, area_code=area, office_id=to.id)
    db.session.add(row)
    db.session.flush()
    return row
