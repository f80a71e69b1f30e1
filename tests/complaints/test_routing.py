"""Routing precedence: the category's own rules by most specific area, then parent categories, then defaults."""

from __future__ import annotations

import pytest

from app.extensions import db
from complaints.categories.models import Category
from complaints.routing.service import category_chain, explain, resolve
from tests.complaints.office_factories import office, rule

JALAN, SAMPAH = 1, 2  # seeded categories
DESA = "32.73.01.1001"  # Sukarasa, Sukasari, Kota Bandung


@pytest.fixture
def berlubang() -> Category:
    """A sub-category of "Jalan rusak"."""
    child = Category(slug="jalan-berlubang", name="Jalan berlubang", parent_id=JALAN)
    db.session.add(child)
    db.session.flush()
    return child


def test_most_specific_area_wins():
    province, city, kecamatan, desa = office("32"), office("32.73"), office("32.73.01"), office(DESA)
    by_area = {
        "32": rule(province, "32", JALAN),
        "32.73": rule(city, "32.73", JALAN),
        "32.73.01": rule(kecamatan, "32.73.01", JALAN),
        DESA: rule(desa, DESA, JALAN),
    }
    expected = [
        (DESA, desa, DESA),
        ("32.73.01.1002", kecamatan, "32.73.01"),
        ("32.73.02.1001", city, "32.73"),
        ("32.04.01.2001", province, "32"),
    ]
    for where, office_, rule_area in expected:
        got = resolve(category_id=JALAN, desa_code=where)
        assert got is not None and got.office_id == office_.id, where
        assert (got.rule_id, got.rule_area_code, got.match, got.rule_category_id) == (
            by_area[rule_area].id,
            rule_area,
            "category",
            JALAN,
        )
    assert resolve(category_id=JALAN, desa_code="33.01.01.2001") is None  # Jawa Tengah: no rule


def test_parent_category_applies_when_the_category_has_no_rule(berlubang):
    roads = office("32.73")
    parent_rule = rule(roads, "32.73", JALAN)
    got = resolve(category_id=berlubang.id, desa_code=DESA)
    assert got is not None and (got.office_id, got.rule_id, got.match) == (roads.id, parent_rule.id, "parent_category")
    assert category_chain(berlubang.id) == [berlubang.id, JALAN]


def test_own_category_beats_a_more_specific_parent_category_rule(berlubang):
    upt, city = office("32.73.01"), office("32.73")
    rule(upt, DESA, JALAN)  # the parent category, at the desa
    own = rule(city, "32.73", berlubang.id)  # the category itself, at the city
    got = resolve(category_id=berlubang.id, desa_code=DESA)
    assert got is not None and (got.rule_id, got.match) == (own.id, "category")


def test_default_office_of_the_kab_kota_comes_last(berlubang):
    diskominfo, dlh = office("32.73"), office("32.73")
    default = rule(diskominfo, "32.73")
    rule(dlh, "32.73", SAMPAH)
    got = resolve(category_id=JALAN, desa_code=DESA)
    assert got is not None and (got.office_id, got.rule_id, got.match) == (diskominfo.id, default.id, "default")
    assert got.rule_category_id is None
    assert resolve(category_id=SAMPAH, desa_code=DESA).office_id == dlh.id
    province_default = rule(office("32"), "32")
    assert resolve(category_id=JALAN, desa_code="32.04.01.2001").rule_id == province_default.id
    assert resolve(category_id=berlubang.id, desa_code=DESA).rule_id == default.id


def test_a_category_rule_anywhere_beats_a_default_nearby():
    province_roads = rule(office("32"), "32", JALAN)
    rule(office(DESA), DESA)  # a default at the desa itself
    assert resolve(category_id=JALAN, desa_code=DESA).rule_id == province_roads.id


def test_inactive_office_is_skipped():
    closed_upt, city = office("32.73.01", active=False), office("32.73")
    skipped = rule(closed_upt, "32.73.01", JALAN)
    applied = rule(city, "32.73", JALAN)
    later = rule(office("32.73"), "32.73")
    got = resolve(category_id=JALAN, desa_code=DESA)
    assert got is not None and (got.office_id, got.rule_id) == (city.id, applied.id)
    expl = explain(category_id=JALAN, area_code=DESA)
    assert [(c.rule_id, c.match, c.outcome) for c in expl.candidates] == [
        (skipped.id, "category", "skipped_inactive_office"),
        (applied.id, "category", "applied"),
        (later.id, "default", "not_reached"),
    ]


def test_only_inactive_offices_means_no_resolution():
    rule(office("32.73", active=False), "32.73", JALAN)
    rule(office("32.73", active=False), "32.73")
    assert resolve(category_id=JALAN, desa_code=DESA) is None
    outcomes = [c.outcome for c in explain(category_id=JALAN, area_code=DESA).candidates]
    assert outcomes == ["skipped_inactive_office", "skipped_inactive_office"]


def test_no_rule_is_none():
    rule(office("32.04"), "32.04", JALAN)  # another kabupaten
    rule(office("32.73"), "32.73", SAMPAH)  # another category
    assert resolve(category_id=JALAN, desa_code=DESA) is None
    assert explain(category_id=JALAN, area_code=DESA).candidates == ()


def test_rw_key_and_kecamatan_resolve_like_their_desa():
    upt = office("32.73.01")
    rule(upt, "32.73.01", JALAN)
    assert resolve(category_id=JALAN, desa_code=DESA + ".005").office_id == upt.id
    assert resolve(category_id=JALAN, desa_code="32.73.01").office_id == upt.id


def test_resolution_uses_a_fixed_number_of_queries(berlubang):
    from sqlalchemy import event

    for area in ("32", "32.73", "32.73.01", DESA):
        rule(office(area), area, JALAN)
        rule(office(area), area, berlubang.id)
        rule(office(area), area)
    db.session.expire_all()
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        expl = explain(category_id=berlubang.id, area_code=DESA)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(expl.candidates) == 12
    assert len(statements) <= 3  # two category look-ups and one query for every rule
