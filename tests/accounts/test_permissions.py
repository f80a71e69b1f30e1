"""The pure predicates behind staff management (no database)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.accounts.permissions import can_grant, can_manage
from app.areas.codes import scope_key


@dataclass
class U:
    id: int
    role: str
    area: str | None
    rw: int | None = None
    is_active: bool = True

    @property
    def scope(self):
        return scope_key(self.area, self.rw) if self.area else None


def test_inactive_staff_grant_nothing():
    assert not can_grant(U(1, "admin", "32", is_active=False), role="moderator", area_code="32.73", rw=None)


def test_unknown_role_is_never_granted():
    assert not can_grant(U(1, "admin", "32"), role="root", area_code="32.73", rw=None)


@pytest.mark.parametrize(
    ("actor", "target", "expected"),
    [
        (U(1, "admin", "32.73"), U(2, "moderator", "32.73.01"), True),
        (U(1, "admin", "32.73"), U(1, "admin", "32.73"), False),  # self
        (U(1, "admin", "32.73"), U(2, "moderator", "32"), False),
        (U(1, "village_official", "32.73.01.1001"), U(2, "rw_official", "32.73.01.1001", 4), True),
        (U(1, "rw_official", "32.73.01.1001", 4), U(2, "rw_official", "32.73.01.1001", 4), False),
        (U(1, "admin", "32.73"), U(2, "resident", None), False),
    ],
)
def test_can_manage(actor, target, expected):
    assert can_manage(actor, target) is expected
