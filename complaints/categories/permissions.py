"""Categories are deployment-wide, so only admins of a whole province manage them."""

from __future__ import annotations

from typing import Any

from app.accounts.roles import Role
from app.areas.codes import LEVEL_PROVINSI, level_of


def can_manage_categories(user: Any) -> bool:
    return bool(user.is_active and user.role == Role.ADMIN and user.scope and level_of(user.scope) == LEVEL_PROVINSI)
