"""Who may manage, see and join offices. Pure predicates: no database, no request.

Rules:
- An **admin** manages the offices whose jurisdiction lies inside the admin's scope, and creates offices only there.
  The same test (``can_manage_area``) gates routing rules and SLA holidays.
- A **member** must be an active ``office_handler`` whose scope lies inside the office's *reach*: the jurisdiction
  widened to its kabupaten/kota (a province office: its province). The kab/kota (or province) is the autonomous
  government that employs the office's staff, so a Kota Bandung handler scoped to the whole city or to any
  kecamatan of it may work for a Bandung UPT, while a Kabupaten Bandung or a province-wide handler may not.
  A membership counts only while this holds: an admin who changes a handler's role or scope, or deactivates the
  account, ends its effect at once.
- **Heads** see their office and its members; every member sees the office itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from app.accounts.principal import AreaScoped
from app.accounts.roles import Role
from app.areas.codes import LEVEL_KABKOTA, ancestors_of, area_contains, level_of


class Actor(Protocol):
    role: str
    is_active: bool

    @property
    def scope(self) -> str | None: ...


class HasArea(Protocol):
    area_code: str


@dataclass(frozen=True, slots=True)
class AccountRef(AreaScoped):
    """An account's role and scope read as plain columns (to test memberships of many rows without ORM objects)."""

    role: str
    is_active: bool
    scope_area_code: str | None
    scope_rw: int | None


@dataclass(frozen=True, slots=True)
class AreaRef:
    """An office's jurisdiction read as a plain column."""

    area_code: str


def can_manage_area(user: Actor, area_code: str) -> bool:
    """Whether ``user`` is an active admin whose scope contains ``area_code``."""
    return bool(
        user.is_active and user.role == Role.ADMIN and user.scope is not None and area_contains(user.scope, area_code)
    )


def can_manage_office(user: Actor, office: HasArea) -> bool:
    """Change the office, its sub-units' link to it, its members and the routing rules pointing at it."""
    return can_manage_area(user, office.area_code)


def can_view_office(user: Actor, office: HasArea, *, is_member: bool) -> bool:
    """See the office: admins who manage it and its members (``is_member``: an effective membership)."""
    return can_manage_office(user, office) or (is_member and user.is_active and user.role == Role.OFFICE_HANDLER)


def can_view_members(user: Actor, office: HasArea, *, is_head: bool) -> bool:
    """See who works in the office: admins who manage it and its heads."""
    return can_manage_office(user, office) or (is_head and user.is_active and user.role == Role.OFFICE_HANDLER)


def member_reach(area_code: str) -> str:
    """The area inside which an office's members must be scoped: the jurisdiction cut to its kab/kota."""
    return ancestors_of(area_code)[min(level_of(area_code), LEVEL_KABKOTA) - 1]


def can_join(candidate: Actor, office: HasArea) -> bool:
    """Whether an account may be (or still counts as) a member of ``office``."""
    return bool(
        candidate.is_active
        and candidate.role == Role.OFFICE_HANDLER
        and candidate.scope is not None
        and area_contains(member_reach(office.area_code), candidate.scope)
    )


def can_be_parent(parent: HasArea, child: HasArea) -> bool:
    """A sub-unit's jurisdiction lies inside its parent office's."""
    return area_contains(parent.area_code, child.area_code)
