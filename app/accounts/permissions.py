"""Who may manage which account. Pure predicates: no database, no request."""

from __future__ import annotations

from typing import Protocol

from app.accounts.roles import GRANTABLE, Role
from app.areas.codes import area_contains, scope_key


class Actor(Protocol):
    id: int
    role: str
    is_active: bool

    @property
    def scope(self) -> str | None: ...


def can_grant(actor: Actor, *, role: str, area_code: str, rw: int | None) -> bool:
    """Whether ``actor`` may give someone ``role`` scoped to (``area_code``, ``rw``): a role it may grant, inside
    its own scope."""
    if not actor.is_active or actor.scope is None:
        return False
    try:
        wanted = Role(role)
    except ValueError:
        return False
    return wanted in GRANTABLE[Role(actor.role)] and area_contains(actor.scope, scope_key(area_code, rw))


def can_manage(actor: Actor, target: Actor) -> bool:
    """Whether ``actor`` may see and change the staff account ``target`` (never their own: use /me)."""
    if actor.id == target.id or target.scope is None:
        return False
    try:
        target_role = Role(target.role)
    except ValueError:
        return False
    return (
        actor.is_active
        and actor.scope is not None
        and target_role in GRANTABLE[Role(actor.role)]
        and area_contains(actor.scope, target.scope)
    )
