"""The pure predicates behind offices (no database)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.areas.codes import scope_key
from complaints.offices.permissions import (
    can_be_parent,
    can_join,
    can_manage_area,
    can_manage_office,
    can_view_members,
    can_view_office,
    member_reach,
)


@dataclass
class U:
    role: str
    area: str | None
    is_active: bool = True
    rw: int | None = None

    @property
    def scope(self):
        return scope_key(self.area, self.rw) if self.area else None


@dataclass
class Area:
    area_code: str


@pytest.mark.parametrize(
    ("user", "area", "expected"),
    [
        (U("admin", "32.73"), "32.73", True),
        (U("admin", "32.73"), "32.73.01.1001", True),
        (U("admin", "32"), "32.73", True),
        (U("admin", "32.73"), "32", False),  # wider than the admin
        (U("admin", "32.73"), "32.04", False),  # Kabupaten Bandung
        (U("admin", "32.73", is_active=False), "32.73", False),
        (U("moderator", "32.73"), "32.73", False),
        (U("office_handler", "32.73"), "32.73", False),
        (U("resident", None), "32.73", False),
    ],
)
def test_can_manage_area(user, area, expected):
    assert can_manage_area(user, area) is expected
    assert can_manage_office(user, Area(area)) is expected


@pytest.mark.parametrize(
    ("area", "reach"),
    [("32", "32"), ("32.73", "32.73"), ("32.73.01", "32.73"), ("32.73.01.1001", "32.73")],
)
def test_member_reach_is_the_kab_kota(area, reach):
    assert member_reach(area) == reach


@pytest.mark.parametrize(
    ("candidate", "office_area", "expected"),
    [
        (U("office_handler", "32.73"), "32.73", True),
        (U("office_handler", "32.73.01"), "32.73", True),  # a kecamatan handler in the city's dinas
        (U("office_handler", "32.73"), "32.73.01", True),  # a city handler in a kecamatan UPT
        (U("office_handler", "32.73.02"), "32.73.01", True),  # another kecamatan of the same city
        (U("office_handler", "32.04"), "32.73", False),  # another kabupaten
        (U("office_handler", "32"), "32.73", False),  # province staff are not city staff
        (U("office_handler", "32.73"), "32", True),  # a province office may take staff scoped inside it
        (U("office_handler", "33.01"), "32", False),
        (U("office_handler", "32.73", is_active=False), "32.73", False),
        (U("moderator", "32.73"), "32.73", False),
        (U("admin", "32.73"), "32.73", False),
    ],
)
def test_can_join(candidate, office_area, expected):
    assert can_join(candidate, Area(office_area)) is expected


def test_members_see_the_office_heads_see_members():
    handler = U("office_handler", "32.73")
    office = Area("32.73")
    assert can_view_office(handler, office, is_member=True)
    assert not can_view_office(handler, office, is_member=False)
    assert not can_view_members(handler, office, is_head=False)
    assert can_view_members(handler, office, is_head=True)
    assert not can_view_members(U("office_handler", "32.73", is_active=False), office, is_head=True)
    assert not can_view_office(U("moderator", "32.73"), office, is_member=True)
    assert can_view_members(U("admin", "32"), office, is_head=False)


def test_sub_unit_lies_inside_parent():
    assert can_be_parent(Area("32.73"), Area("32.73.01"))
    assert can_be_parent(Area("32.73"), Area("32.73"))
    assert not can_be_parent(Area("32.73.01"), Area("32.73"))
    assert not can_be_parent(Area("32.73"), Area("32.04.01"))
