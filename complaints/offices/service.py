"""Offices: the public look-ups moderation and handling use, and admin changes.

Public functions (positional ids, typed, one or two queries each) for other parts of ``complaints``:
``get_office``, ``offices_of``, ``is_member``, ``is_head``, ``heads_of``, ``members_of``, ``sub_units``.
A membership counts only while its account qualifies (see ``permissions.can_join``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select

from app.accounts.models import User
from app.accounts.roles import Role
from app.areas import service as areas
from app.areas.codes import area_contains, within_area
from app.core.db import flush_unique
from app.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.core.events import emit
from app.core.i18n import _
from app.core.pagination import keyset, page
from app.extensions import db
from complaints.events import OFFICE_AREA_CHANGING
from complaints.offices import presenters
from complaints.offices.models import Office, OfficeMember
from complaints.offices.permissions import (
    AccountRef,
    AreaRef,
    can_be_parent,
    can_join,
    can_manage_area,
    can_manage_office,
    can_view_office,
    member_reach,
)

#: Sub-units nest a few levels at most (dinas > UPT > sub-UPT); deeper chains are refused.
MAX_DEPTH = 5


# --- public look-ups -------------------------------------------------------------------------------------------


def get_office(office_id: int) -> Office | None:
    """The office with this id, active or not."""
    return db.session.get(Office, office_id)


def _effective_members(office: Office) -> Select[Any]:
    """Members of ``office`` whose account still qualifies, in SQL (the reach is one range test)."""
    return (
        select(OfficeMember.user_id)
        .join(User, User.id == OfficeMember.user_id)
        .where(
            OfficeMember.office_id == office.id,
            User.is_active.is_(True),
            User.role == Role.OFFICE_HANDLER.value,
            within_area(User.scope_area_code, member_reach(office.area_code)),
        )
        .order_by(OfficeMember.user_id)
    )


def members_of(office_id: int) -> list[int]:
    """User ids of the office's effective members (heads included), ascending."""
    office = get_office(office_id)
    return list(db.session.scalars(_effective_members(office))) if office else []


def heads_of(office_id: int) -> list[int]:
    """User ids of the office's effective heads, ascending (may be empty: escalate to moderators then)."""
    office = get_office(office_id)
    if office is None:
        return []
    return list(db.session.scalars(_effective_members(office).where(OfficeMember.is_head.is_(True))))


def _membership(user_id: int, office_id: int) -> OfficeMember | None:
    """The membership row if it exists and counts."""
    row = db.session.execute(
        select(OfficeMember, Office.area_code, User.role, User.is_active, User.scope_area_code, User.scope_rw)
        .join(Office, Office.id == OfficeMember.office_id)
        .join(User, User.id == OfficeMember.user_id)
        .where(OfficeMember.office_id == office_id, OfficeMember.user_id == user_id)
    ).first()
    if row is None:
        return None
    member, area_code, *account = row
    return member if can_join(AccountRef(*account), AreaRef(area_code)) else None


def is_member(user_id: int, office_id: int) -> bool:
    """Whether the user works for the office (any member, head or not)."""
    return _membership(user_id, office_id) is not None


def is_head(user_id: int, office_id: int) -> bool:
    """Whether the user is a head of the office."""
    member = _membership(user_id, office_id)
    return member is not None and member.is_head


def offices_of(user_id: int) -> list[int]:
    """Ids of the offices (active or not) the user effectively works for, ascending."""
    user = db.session.get(User, user_id)
    if user is None:
        return []
    rows = db.session.execute(
        select(Office.id, Office.area_code)
        .join(OfficeMember, OfficeMember.office_id == Office.id)
        .where(OfficeMember.user_id == user_id)
        .order_by(Office.id)
    )
    return [office_id for office_id, area_code in rows if can_join(user, AreaRef(area_code))]


def sub_units(office_id: int, *, recursive: bool = False, active_only: bool = False) -> list[int]:
    """Ids of the office's sub-units (``recursive``: their sub-units too), ascending."""
    if recursive:
        tree = select(Office.id).where(Office.parent_id == office_id).cte("office_tree", recursive=True)
        tree = tree.union_all(select(Office.id).join(tree, Office.parent_id == tree.c.id))
        stmt = select(Office.id).where(Office.id.in_(select(tree.c.id)))
    else:
        stmt = select(Office.id).where(Office.parent_id == office_id)
    if active_only:
        stmt = stmt.where(Office.is_active.is_(True))
    return list(db.session.scalars(stmt.order_by(Office.id)))


# --- admin and member views ------------------------------------------------------------------------------------


def get_visible(*, actor: Any, office_id: int) -> Office:
    """The office if the actor may see it (managing admin or member); 404 otherwise, so ids reveal nothing."""
    office = get_office(office_id)
    if office is None or not can_view_office(actor, office, is_member=_is_member_of(actor, office)):
        raise NotFound("Office not found.")
    return office


def get_managed(*, actor: Any, office_id: int) -> Office:
    """The office if the actor manages it; 404 when they cannot see it, 403 when they only see it."""
    office = get_visible(actor=actor, office_id=office_id)
    if not can_manage_office(actor, office):
        raise Forbidden("Only an admin whose area contains the office manages it.")
    return office


def _is_member_of(actor: Any, office: Office) -> bool:
    return actor.role == Role.OFFICE_HANDLER and is_member(actor.id, office.id)


def list_offices(
    *,
    actor: Any,
    area_code: str | None,
    parent_id: int | None,
    is_active: bool | None,
    cursor: str | None,
    limit: int,
) -> dict[str, Any]:
    """A page of the offices the actor manages (admins) or works for (office handlers), by id, as
    ``presenters.office`` shapes them."""
    stmt = select(Office)
    if actor.role == Role.ADMIN:
        stmt = stmt.where(within_area(Office.area_code, actor.scope or "-"))
    else:
        stmt = stmt.where(Office.id.in_(offices_of(actor.id) or [0]))
    if area_code:
        stmt = stmt.where(within_area(Office.area_code, area_code))
    if parent_id is not None:
        stmt = stmt.where(Office.parent_id == parent_id)
    if is_active is not None:
        stmt = stmt.where(Office.is_active.is_(is_active))
    stmt = keyset(stmt, keys=[Office.id], cursor=cursor, limit=limit, types=[int])
    result = page(db.session.scalars(stmt).all(), limit=limit, key=lambda o: [o.id])
    result["items"] = [presenters.office(o) for o in result["items"]]
    return result


def _check_area(actor: Any, area_code: str) -> None:
    areas.require_area(code=area_code, field="area_code")
    if not can_manage_area(actor, area_code):
        raise Forbidden("You can only manage offices inside your own area.")


def _parent_for(*, actor: Any, office: Office | None, parent_id: int) -> Office:
    """The parent office chosen by the actor: one they manage, not the office itself or one of its sub-units."""
    parent = get_office(parent_id)
    if parent is None or not can_manage_office(actor, parent):
        raise ValidationFailed("Unknown parent office.", errors={"parent_id": ["No office with this id in your area."]})
    node: Office | None = parent
    depth = 1
    while node is not None:
        if office is not None and node.id == office.id:
            raise ValidationFailed("An office cannot be its own sub-unit.", errors={"parent_id": ["Cycle."]})
        depth += 1
        node = get_office(node.parent_id) if node.parent_id else None
    if depth > MAX_DEPTH:
        raise ValidationFailed(
            "Sub-units nest too deep.", errors={"parent_id": [_("At most {count} levels.", count=MAX_DEPTH)]}
        )
    return parent


def _check_inside_parent(parent: Office, area_code: str, *, field: str) -> None:
    if not can_be_parent(parent, AreaRef(area_code)):
        raise ValidationFailed(
            "A sub-unit's area must lie inside its parent office's area.",
            errors={
                field: [
                    _(
                        "The parent office covers {office_area}, not {area}.",
                        office_area=parent.area_code,
                        area=area_code,
                    )
                ]
            },
        )


def _check_children_fit(office: Office, area_code: str) -> None:
    children = db.session.execute(select(Office.code, Office.area_code).where(Office.parent_id == office.id))
    outside = sorted(code for code, child_area in children if not area_contains(area_code, child_area))
    if outside:
        raise ValidationFailed(
            "Sub-units would lie outside the office's new area.",
            errors={
                "area_code": [_("Sub-units outside {area}: {codes}.", area=area_code, codes=", ".join(outside[:10]))]
            },
        )


def _flush(*new: object) -> None:
    flush_unique(
        db.session,
        *new,
        conflict=lambda: Conflict("An office with this code already exists.", errors={"code": ["Already taken."]}),
    )


def _check_code_free(code: str, *, exclude_id: int | None = None) -> None:
    stmt = select(func.count()).select_from(Office).where(Office.code == code)
    if exclude_id is not None:
        stmt = stmt.where(Office.id != exclude_id)
    if db.session.scalar(stmt):
        raise Conflict("An office with this code already exists.", errors={"code": ["Already taken."]})


def create_office(*, actor: Any, data: dict[str, Any]) -> Office:
    """Create an office inside the actor's area (403 outside it)."""
    _check_area(actor, data["area_code"])
    if data.get("parent_id") is not None:
        parent = _parent_for(actor=actor, office=None, parent_id=data["parent_id"])
        _check_inside_parent(parent, data["area_code"], field="parent_id")
    _check_code_free(data["code"])
    office = Office(**data, created_by_id=actor.id)
    _flush(office)
    return office


def update_office(*, actor: Any, office: Office, changes: dict[str, Any]) -> Office:
    """Rename, recode, move, re-parent or (de)activate an office the actor manages."""
    area_code = changes.get("area_code", office.area_code)
    if "area_code" in changes:
        _check_area(actor, area_code)
        _check_children_fit(office, area_code)
        emit(OFFICE_AREA_CHANGING, office_id=office.id, area_code=area_code)  # routing vetoes rules left outside
    if changes.get("parent_id") is not None:
        parent = _parent_for(actor=actor, office=office, parent_id=changes["parent_id"])
        _check_inside_parent(parent, area_code, field="parent_id")
    elif "area_code" in changes and "parent_id" not in changes and office.parent_id is not None:
        parent = get_office(office.parent_id)
        assert parent is not None
        _check_inside_parent(parent, area_code, field="area_code")
    if "code" in changes:
        _check_code_free(changes["code"], exclude_id=office.id)
    for key, value in changes.items():
        setattr(office, key, value)
    _flush()
    return office
