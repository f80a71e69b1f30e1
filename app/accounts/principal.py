"""The signed-in user of a request, as a read-only snapshot loaded with the token check (``app.core.auth`` asks
``app.accounts.principal_cache.load_principal``, which builds it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.accounts.roles import Role
from app.areas.codes import scope_key


class AreaScoped:
    """Role and area helpers shared by the ``User`` model and the request's ``Principal``."""

    __slots__ = ()
    role: str
    scope_area_code: str | None
    scope_rw: int | None
    home_area_code: str | None
    home_rw: int | None

    @property
    def is_staff(self) -> bool:
        return self.role != Role.RESIDENT

    @property
    def scope(self) -> str | None:
        """The scope key (area code, or area code + RW segment) that containment checks compare."""
        return scope_key(self.scope_area_code, self.scope_rw) if self.scope_area_code else None

    @property
    def home(self) -> str | None:
        """The resident's home as a key that area containment understands (desa, or desa + RW)."""
        return scope_key(self.home_area_code, self.home_rw) if self.home_area_code else None


@dataclass(frozen=True, slots=True)
class Principal(AreaScoped):
    """What permission checks and read endpoints need about the caller; no ORM identity, no lazy loads.

    Field order is the column order of the per-request query in ``app.accounts.principal_cache``.
    """

    id: int
    name: str
    phone: str | None
    email: str | None
    role: str
    home_area_code: str | None
    home_rw: int | None
    scope_area_code: str | None
    scope_rw: int | None
    is_active: bool
    created_at: dt.datetime
