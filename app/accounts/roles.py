"""Roles and which role may grant which. Pure data and predicates; no database, no request."""

from __future__ import annotations

from enum import StrEnum

from app.areas.codes import LEVEL_DESA


class Role(StrEnum):
    RESIDENT = "resident"
    RW_OFFICIAL = "rw_official"
    VILLAGE_OFFICIAL = "village_official"
    MODERATOR = "moderator"
    OFFICE_HANDLER = "office_handler"
    EDITOR = "editor"
    ADMIN = "admin"


ROLES = tuple(r.value for r in Role)
STAFF_ROLES = tuple(r for r in Role if r is not Role.RESIDENT)

#: Roles each role may create or manage, always inside its own scope. Admins manage every staff role; other staff
#: only their own kind (a moderator adds a moderator for a kecamatan inside their kab/kota), and a village official
#: also the RW heads of their desa. Nobody grants a role outside this table, so nobody grants more than they hold.
GRANTABLE: dict[Role, frozenset[Role]] = {
    Role.ADMIN: frozenset(STAFF_ROLES),
    Role.EDITOR: frozenset({Role.EDITOR}),
    Role.MODERATOR: frozenset({Role.MODERATOR}),
    Role.OFFICE_HANDLER: frozenset({Role.OFFICE_HANDLER}),
    Role.VILLAGE_OFFICIAL: frozenset({Role.VILLAGE_OFFICIAL, Role.RW_OFFICIAL}),
    Role.RW_OFFICIAL: frozenset(),
    Role.RESIDENT: frozenset(),
}


def scope_rule(role: Role) -> tuple[set[int], bool]:
    """(allowed area levels, RW required) for a staff role's scope."""
    if role is Role.RW_OFFICIAL:
        return {LEVEL_DESA}, True
    if role is Role.VILLAGE_OFFICIAL:
        return {LEVEL_DESA}, False
    return {1, 2, 3, 4}, False
