"""Indonesia's three time zones, by province. Pure.

Indonesia has no daylight saving time, so fixed offsets are exact (and need no tz database):
- **WIB** (UTC+7): Sumatra and its islands (11-19, Kepulauan Riau 21), Java (31-36), Kalimantan Barat (61) and
  Kalimantan Tengah (62);
- **WITA** (UTC+8): Bali and Nusa Tenggara (51-53), Kalimantan Selatan, Timur and Utara (63-65), Sulawesi (71-76);
- **WIT** (UTC+9): Maluku and Maluku Utara (81-82), every Papua province (91-96).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType

WIB = dt.timezone(dt.timedelta(hours=7), "WIB")
WITA = dt.timezone(dt.timedelta(hours=8), "WITA")
WIT = dt.timezone(dt.timedelta(hours=9), "WIT")

_BY_ZONE: dict[dt.timezone, tuple[str, ...]] = {
    WIB: ("11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36", "61", "62"),
    WITA: ("51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"),
    WIT: ("81", "82", "91", "92", "93", "94", "95", "96"),
}

#: Kemendagri province code -> time zone.
PROVINCE_ZONES: Mapping[str, dt.timezone] = MappingProxyType(
    {province: zone for zone, provinces in _BY_ZONE.items() for province in provinces}
)

#: The end of a working day: a deadline falls due at this local time on its last working day.
END_OF_DAY = dt.time(23, 59, 59)


def zone_of(area_code: str) -> dt.timezone:
    """The time zone of an area (any level, or an RW key), from its province. ValueError for an unknown province."""
    try:
        return PROVINCE_ZONES[area_code[:2]]
    except KeyError:
        raise ValueError(f"unknown province in area code {area_code!r}") from None


def local_date(moment: dt.datetime, zone: dt.timezone) -> dt.date:
    """The calendar date a UTC-aware moment falls on in ``zone``."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(zone).date()


def end_of_day(day: dt.date, zone: dt.timezone) -> dt.datetime:
    """23:59:59 of ``day`` in ``zone``, as a UTC datetime."""
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=zone).astimezone(dt.UTC)
