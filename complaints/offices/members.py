"""Office membership, managed by admins: add, list, make head, remove; and the offices a user effectively works for."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.accounts.permissions import can_manage
from app.accounts.roles import Role
from app.core.db import flush_unique
from app.core.errors import Conflict, NotFound, ValidationFailed
from app.core.i18n import _
from app.core.pagination import keyset, page
from app.extensions import db
from complaints.offices import presenters
from complaints.offices.models import Office, OfficeMember
from complaints.offices.permissions import can_join, member_reach


def list_members(*, office: Office, cursor: str | None, limit: int) -> dict[str, Any]:
    """A page of every membership of the office (effective or not), by user id, as ``presenters.member`` shapes
    them (one query)."""
    stmt = (
        select(OfficeMember, User)
        .join(User, User.id == OfficeMember.user_id)
        .where(OfficeMember.office_id == office.id)
    )
    stmt = keyset(stmt, keys=[OfficeMember.user_id], cursor=cursor, limit=limit, types=[int])
    result = page(db.session.execute(stmt).all(), limit=limit, key=lambda row: [row[0].user_id])
    result["items"] = [presenters.member(member, user, office) for member, user in result["items"]]
    return result


def account_of(member: OfficeMember) -> User:
    """The member's account (from the session when the change just loaded it)."""
    user = db.session.get(User, member.user_id)
    assert user is not None
    return user


def _candidate(*, actor: Any, office: Office, user_id: int) -> User:
    """The account to add: one the actor manages (422 naming ``user_id`` otherwise), qualifying for the office."""
    user = db.session.get(User, user_id)
    if user is None or not can_manage(actor, user):
        raise ValidationFailed(
            "Unknown staff account.", errors={"user_id": ["No staff account with this id in your area."]}
        )
    if user.role != Role.OFFICE_HANDLER:
        raise ValidationFailed("Only office handlers join offices.", errors={"user_id": ["Not an office_handler."]})
    if not can_join(user, office):
        reach = member_reach(office.area_code)
        raise ValidationFailed(
            "The account is not scoped inside the office's reach.",
            errors={"user_id": [_("Inactive, or scoped to {scope}, outside {reach}.", scope=user.scope, reach=reach)]},
        )
    return user


def add_member(*, actor: Any, office: Office, user_id: int, is_head: bool) -> OfficeMember:
    """Add an office handler to the office (409 if already a member)."""
    _candidate(actor=actor, office=office, user_id=user_id)
    if db.session.get(OfficeMember, (office.id, user_id)) is not None:
        raise Conflict("This account is already a member of the office.", errors={"user_id": ["Already a member."]})
    member = OfficeMember(office_id=office.id, user_id=user_id, is_head=is_head, added_by_id=actor.id)
    flush_unique(db.session, member, conflict=lambda: Conflict("This account is already a member of the office."))
    return member


def _existing(*, office: Office, user_id: int) -> OfficeMember:
    member = db.session.get(OfficeMember, (office.id, user_id))
    if member is None:
        raise NotFound("Member not found.")
    return member


def update_member(*, office: Office, user_id: int, is_head: bool) -> OfficeMember:
    """Make a member a head of the office, or not."""
    member = _existing(office=office, user_id=user_id)
    member.is_head = is_head
    db.session.flush()
    return member


def remove_member(*, office: Office, user_id: int) -> None:
    """Remove an account from the office (work already assigned to it is the handling code's concern)."""
    db.session.delete(_existing(office=office, user_id=user_id))
    db.session.flush()


def my_offices(*, user: Any) -> list[Office]:
    """The offices ``user`` effectively works for (membership, active handler scoped inside the office's reach)."""
    rows = db.session.scalars(
        select(Office).join(OfficeMember, OfficeMember.office_id == Office.id).where(OfficeMember.user_id == user.id)
    ).all()
    return [o for o in rows if can_join(user, o)]
