"""Deadlines: working days in the complaint area's time zone, with regional and admin-added days off."""

from __future__ import annotations

import datetime as dt

import pytest

from app.core.errors import NotFound
from app.extensions import db
from complaints.categories.models import Category
from complaints.sla.models import Holiday
from complaints.sla.service import days_off_for, deadline, sla_deadlines

BANDUNG = "32.73.01.1001"  # WIB
KAB_BANDUNG = "32.04.05.2001"  # WIB, another kabupaten
DENPASAR = "51.71.01.1001"  # WITA
JAYAPURA = "91.71.01.1001"  # WIT


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def day_off(area: str, date: str, name: str = "Hari libur daerah") -> Holiday:
    row = Holiday(area_code=area, date=dt.date.fromisoformat(date), name=name)
    db.session.add(row)
    db.session.flush()
    return row


def test_due_at_end_of_the_nth_working_day_across_idul_fitri():
    got = deadline(start=utc(2026, 3, 17, 3, 0), working_days=3, area_code=BANDUNG)  # Tue 10:00 WIB
    assert got.due_date == dt.date(2026, 3, 27)
    assert got.due_at == utc(2026, 3, 27, 16, 59, 59)  # 23:59:59 WIB
    assert got.due_at.tzinfo == dt.UTC and got.zone == "WIB" and not got.provisional


@pytest.mark.parametrize(
    ("area", "zone", "due_at"),
    [
        # 16:30 UTC on Tue 2 June 2026 is still Tuesday in WIB, already Wednesday in WITA and WIT.
        (BANDUNG, "WIB", utc(2026, 6, 3, 16, 59, 59)),  # due end of Wed 3 June, WIB
        (DENPASAR, "WITA", utc(2026, 6, 4, 15, 59, 59)),  # due end of Thu 4 June, WITA
        (JAYAPURA, "WIT", utc(2026, 6, 4, 14, 59, 59)),  # due end of Thu 4 June, WIT
    ],
)
def test_time_zones(area, zone, due_at):
    got = deadline(start=utc(2026, 6, 2, 16, 30), working_days=1, area_code=area)
    assert (got.zone, got.due_at) == (zone, due_at)


def test_regional_day_applies_inside_its_area_only():
    day_off("32.73", "2026-09-25", "Hari Jadi Kota Bandung")  # a Friday
    start = utc(2026, 9, 21, 2, 0)  # Monday morning
    assert deadline(start=start, working_days=5, area_code=BANDUNG).due_date == dt.date(2026, 9, 29)
    assert deadline(start=start, working_days=5, area_code=KAB_BANDUNG).due_date == dt.date(2026, 9, 28)
    assert days_off_for(area_code=BANDUNG, start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30)) == {
        dt.date(2026, 9, 25): "Hari Jadi Kota Bandung"
    }
    assert days_off_for(area_code=KAB_BANDUNG, start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30)) == {}


def test_province_day_applies_to_every_area_inside():
    day_off("32", "2026-09-22")
    start = utc(2026, 9, 21, 2, 0)
    assert deadline(start=start, working_days=1, area_code=BANDUNG).due_date == dt.date(2026, 9, 23)
    assert deadline(start=start, working_days=1, area_code=KAB_BANDUNG).due_date == dt.date(2026, 9, 23)
    assert deadline(start=start, working_days=1, area_code=DENPASAR).due_date == dt.date(2026, 9, 22)


def test_a_year_without_official_data_is_provisional_and_uses_admin_days():
    start = utc(2027, 12, 29, 2, 0)  # Wednesday
    plain = deadline(start=start, working_days=5, area_code=BANDUNG)
    assert plain.due_date == dt.date(2028, 1, 5) and plain.provisional
    day_off("32", "2028-01-03", "Cuti bersama tahun baru (SKB 2028)")  # entered before lokal-id has 2028
    assert deadline(start=start, working_days=5, area_code=BANDUNG).due_date == dt.date(2028, 1, 6)
    assert not deadline(start=utc(2027, 12, 1, 2, 0), working_days=3, area_code=BANDUNG).provisional


def test_many_admin_days_widen_the_search_window():
    for i in range(60):  # two months of regional days off after a Monday
        day_off("32.73", (dt.date(2026, 7, 7) + dt.timedelta(days=i)).isoformat())
    got = deadline(start=utc(2026, 7, 6, 2, 0), working_days=2, area_code=BANDUNG)
    # Off from Tue 7 July to Fri 4 Sep (beyond the first 34-day window), then a weekend: Mon 7 (1st), Tue 8 (2nd).
    assert got.due_date == dt.date(2026, 9, 8)


def test_category_deadlines():
    category = db.session.get(Category, 1)
    category.sla_response_days, category.sla_resolution_days = 2, 10
    db.session.flush()
    got = sla_deadlines(category_id=1, area_code=BANDUNG, start=utc(2026, 3, 17, 3, 0))
    assert got.response.due_date == dt.date(2026, 3, 26)
    assert got.resolution.due_date == dt.date(2026, 4, 8)
    with pytest.raises(NotFound):
        sla_deadlines(category_id=999_999, area_code=BANDUNG, start=utc(2026, 3, 17, 3, 0))
