"""Who may do what with personal-data records. Pure predicates: no database, no request."""

from __future__ import annotations

from typing import Any

from app.accounts.roles import Role
from app.areas.codes import level_of


def can_publish_notice(user: Any | None) -> bool:
    """The privacy notice is the deployment's, not an area's: admins whose scope is a whole province (the
    operator's own admins) publish it; anyone else uses ``flask privacy publish-notice``."""
    return bool(
        user is not None and user.is_active and user.role == Role.ADMIN and user.scope and level_of(user.scope) == 1
    )


def can_read_access_log(user: Any | None) -> bool:
    """Admins read the access log of their own area."""
    return bool(user is not None and user.is_active and user.role == Role.ADMIN and user.scope)
