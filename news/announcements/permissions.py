"""Who may post, edit, read an announcement and see its read receipts. Pure predicates: no database, no request.

The one scope rule: staff may target key ``T = scope_key(area, rw)`` iff ``area_contains(principal.scope, T)``.
A village official's scope is their desa (the whole desa or any RW in it), an RW official's is ``desa.RW`` (that RW
only), an editor's or admin's an area at any level (anything inside it, down to one RW).
"""

from __future__ import annotations

from typing import Any

from app.accounts.roles import Role
from app.areas.codes import ancestors_of, area_contains, scope_key

#: Roles that post announcements (each inside its own scope).
POSTING_ROLES: frozenset[str] = frozenset({Role.VILLAGE_OFFICIAL, Role.RW_OFFICIAL, Role.EDITOR, Role.ADMIN})


def may_target(principal: Any, area_code: str, rw: int | None) -> bool:
    """Whether ``principal`` may post to (or move an announcement to) the area, or one RW of a desa."""
    if principal is None or not principal.is_active or principal.role not in POSTING_ROLES:
        return False
    scope = principal.scope
    return scope is not None and area_contains(scope, scope_key(area_code, rw))


def may_post(principal: Any) -> bool:
    """The gate before any body is read: a posting role with a scope."""
    return principal is not None and principal.role in POSTING_ROLES and principal.scope is not None


def can_manage(principal: Any, announcement: Any) -> bool:
    """Edit, delete, add images, read the receipts: the announcement's target lies in the caller's scope."""
    return may_target(principal, announcement.area_code, announcement.rw)


def reader_keys(principal: Any) -> list[str]:
    """The target keys whose announcements reach someone living at ``principal``'s home (a resident) or working
    at their scope (staff): every level from the province down, never a sibling RW."""
    where = principal.home if principal.role == Role.RESIDENT else principal.scope
    return ancestors_of(where) if where else []


def can_read(principal: Any, announcement: Any) -> bool:
    """A resident: published, not deleted, aimed at their home (desa-wide or their own RW, or above). Staff: also
    everything inside their scope (scheduled ones too)."""
    if principal is None or not principal.is_active or announcement.deleted_at is not None:
        return False
    if principal.role != Role.RESIDENT and principal.scope and area_contains(principal.scope, announcement.target_key):
        return True
    return announcement.published_at is not None and announcement.target_key in reader_keys(principal)


def sees_receipts(principal: Any, announcement: Any) -> bool:
    """Read receipts (counts only): the author and staff who manage it."""
    return announcement.author_id == getattr(principal, "id", None) or can_manage(principal, announcement)
