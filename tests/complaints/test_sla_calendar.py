"""The working-day arithmetic and the time zones (pure: no database)."""

from __future__ import annotations

import datetime as dt

import lokal
import pytest

from complaints.sla.calendar import (
    add_working_days,
    has_official_data,
    is_working_day,
    official_year,
    years_without_official_data,
)
from complaints.sla.zones import PROVINCE_ZONES, WIB, WIT, WITA, end_of_day, local_date, zone_of

D = dt.date.fromisoformat


def test_lokal_data_behind_the_idul_fitri_case():
    """Idulfitri 1447 H: Nyepi (18-19 March 2026) runs straight into Idulfitri and its cuti bersama (20-24 March)."""
    days = {d.date: d.kind for d in official_year(2026).days}
    assert days[D("2026-03-18")] == "cuti_bersama" and days[D("2026-03-19")] == "libur_nasional"
    assert days[D("2026-03-20")] == "cuti_bersama"
    assert days[D("2026-03-21")] == days[D("2026-03-22")] == "libur_nasional"
    assert days[D("2026-03-23")] == days[D("2026-03-24")] == "cuti_bersama"


def test_across_idul_fitri_and_cuti_bersama():
    # Tuesday 17 March 2026; Wednesday 18 to Tuesday 24 are all off (Nyepi, Idulfitri, cuti bersama, a weekend).
    assert add_working_days(D("2026-03-17"), 1) == D("2026-03-25")
    assert add_working_days(D("2026-03-17"), 3) == D("2026-03-27")
    assert add_working_days(D("2026-03-17"), 14) == D("2026-04-14")  # Good Friday 3 April is off too
    assert not any(is_working_day(D("2026-03-18") + dt.timedelta(days=i)) for i in range(7))


def test_across_the_year_boundary():
    # Wed 23 Dec 2026: 24 (cuti), 25 (Christmas), weekend; 28-31 work; 1 Jan, weekend; 4 Jan; 5 Jan Isra Mikraj.
    assert add_working_days(D("2026-12-23"), 4) == D("2026-12-31")
    assert add_working_days(D("2026-12-23"), 5) == D("2027-01-04")
    assert add_working_days(D("2026-12-23"), 6) == D("2027-01-06")


def test_weekends_and_start_day():
    friday = D("2026-07-10")
    assert add_working_days(friday, 1) == D("2026-07-13")  # Monday
    assert add_working_days(D("2026-07-11"), 1) == D("2026-07-13")  # submitted on Saturday
    assert add_working_days(friday, 0) == friday
    with pytest.raises(ValueError):
        add_working_days(friday, -1)


def test_extra_days_off():
    monday = D("2026-09-21")
    assert add_working_days(monday, 5) == D("2026-09-28")
    assert add_working_days(monday, 5, extra_days_off={D("2026-09-25")}) == D("2026-09-29")
    assert add_working_days(monday, 5, extra_days_off=[D("2026-09-26")]) == D("2026-09-28")  # a Saturday: no change


def test_a_year_the_package_lacks_runs_on_weekends_and_extra_days():
    assert not has_official_data(2028) and has_official_data(2026) and has_official_data(2027)
    with pytest.raises(ValueError):
        lokal.get_holidays(2028)  # the package raises; the calendar does not
    # Wed 29 Dec 2027: 30, 31, (weekend) 3, 4, 5 January 2028.
    assert add_working_days(D("2027-12-29"), 5) == D("2028-01-05")
    assert add_working_days(D("2027-12-29"), 5, extra_days_off={D("2028-01-03")}) == D("2028-01-06")
    assert years_without_official_data(D("2027-12-29"), D("2028-01-05")) == [2028]
    assert years_without_official_data(D("2026-01-01"), D("2027-12-31")) == []
    assert add_working_days(D("2035-06-01"), 2) == D("2035-06-05")  # Friday + 2: Tuesday


def test_agrees_with_lokal_when_there_are_no_extra_days():
    """Cross-check against lokal-id's own (extra-day-less) function for every start day of 2026."""
    day = D("2026-01-01")
    while day.year == 2026:
        for n in (1, 3, 14):
            assert add_working_days(day, n) == lokal.add_working_days(day, n), (day, n)
        day += dt.timedelta(days=1)


def test_every_province_has_a_time_zone():
    assert set(PROVINCE_ZONES) == set(lokal.PROVINCES)
    assert zone_of("32.73.01.1001") is WIB  # Kota Bandung
    assert zone_of("31.71") is WIB and zone_of("62.01") is WIB and zone_of("21") is WIB
    assert zone_of("51.71.01.1001") is WITA  # Kota Denpasar
    assert zone_of("63.01") is WITA and zone_of("65") is WITA and zone_of("73.71") is WITA
    assert zone_of("91.71.01.1001") is WIT  # Kota Jayapura
    assert zone_of("81") is WIT and zone_of("96") is WIT
    with pytest.raises(ValueError):
        zone_of("99.01")


def test_end_of_day_and_local_date():
    day = D("2026-06-03")
    assert end_of_day(day, WIB) == dt.datetime(2026, 6, 3, 16, 59, 59, tzinfo=dt.UTC)
    assert end_of_day(day, WITA) == dt.datetime(2026, 6, 3, 15, 59, 59, tzinfo=dt.UTC)
    assert end_of_day(day, WIT) == dt.datetime(2026, 6, 3, 14, 59, 59, tzinfo=dt.UTC)
    late = dt.datetime(2026, 6, 2, 16, 30, tzinfo=dt.UTC)
    assert local_date(late, WIB) == D("2026-06-02")  # 23:30 WIB
    assert local_date(late, WITA) == D("2026-06-03")  # 00:30 WITA
    with pytest.raises(ValueError):
        local_date(dt.datetime(2026, 6, 2, 16, 30), WIB)
