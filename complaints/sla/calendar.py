"""Working-day arithmetic. Pure: no database, no request.

Days off are Saturdays and Sundays, the libur nasional and cuti bersama of the SKB 3 Menteri (from lokal-id's
``get_holidays(year)``), and any extra days the caller passes (holidays admins added for the area). lokal-id has
data for a few years only and raises for the others; such a year still works on weekends and the extra days, and
``has_official_data`` lets callers flag it. lokal-id's own ``add_working_days`` cannot take extra days, hence this.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

import lokal

#: ``date.weekday()`` of Saturday and Sunday.
WEEKEND = frozenset({5, 6})
#: Give up after this many calendar days (a calendar with no working day for ten years is misconfigured).
MAX_SCAN_DAYS = 3660

OfficialKind = Literal["libur_nasional", "cuti_bersama"]


@dataclass(frozen=True, slots=True)
class OfficialDay:
    date: dt.date
    name: str
    kind: OfficialKind


@dataclass(frozen=True, slots=True)
class OfficialYear:
    year: int
    decree: str
    source: str
    days: tuple[OfficialDay, ...]
    dates: frozenset[dt.date]


@functools.cache
def official_year(year: int) -> OfficialYear | None:
    """The year's national holidays and cuti bersama from lokal-id, or None when the package lacks the year."""
    try:
        data = lokal.get_holidays(year)
    except ValueError:
        return None
    days = tuple(OfficialDay(dt.date.fromisoformat(h.date), h.name, h.type) for h in data.holidays)
    return OfficialYear(year, data.decree, data.source, days, frozenset(d.date for d in days))


def has_official_data(year: int) -> bool:
    return official_year(year) is not None


def is_working_day(day: dt.date, *, extra_days_off: Collection[dt.date] = ()) -> bool:
    """Not a weekend, not an official holiday or cuti bersama, not one of ``extra_days_off``."""
    if day.weekday() in WEEKEND or day in extra_days_off:
        return False
    official = official_year(day.year)
    return official is None or day not in official.dates


def add_working_days(start: dt.date, n: int, *, extra_days_off: Collection[dt.date] = ()) -> dt.date:
    """The ``n``-th working day after ``start`` (``start`` itself never counts; ``n == 0`` gives ``start``).

    Submitted on a Friday with ``n == 1``: the next Monday, unless that is a day off.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    extra = frozenset(extra_days_off)
    day, left = start, n
    for _ in range(MAX_SCAN_DAYS):
        if left == 0:
            return day
        day += dt.timedelta(days=1)
        if is_working_day(day, extra_days_off=extra):
            left -= 1
    raise ValueError(f"no {n} working days within {MAX_SCAN_DAYS} days of {start}")


def years_without_official_data(start: dt.date, end: dt.date) -> list[int]:
    """The years from ``start`` to ``end`` that run on weekends and admin-added days only."""
    return [year for year in range(start.year, end.year + 1) if not has_official_data(year)]
