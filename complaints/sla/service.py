"""Deadlines for complaints, and the admin-managed part of the calendar.

Public functions for handling code:
- ``deadline(*, start, working_days, area_code) -> Deadline``: due at the end (23:59:59 local) of the
  ``working_days``-th working day after ``start``, in the area's time zone, as UTC;
- ``sla_deadlines(*, category_id, area_code, start) -> SlaDeadlines``: the category's response and resolution
  deadlines;
- ``days_off_for(*, area_code, start, end) -> dict[date, str]``: the admin-added days that apply to an area.
A deadline is ``provisional`` when a year it spans has no official holiday data yet: only weekends and admin-added
days were skipped, so it may move once the decree is entered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from app.areas.codes import ancestors_of
from app.core.errors import NotFound
from app.extensions import db
from complaints.categories.models import Category
from complaints.sla.calendar import add_working_days, years_without_official_data
from complaints.sla.models import Holiday
from complaints.sla.zones import end_of_day, local_date, zone_of


@dataclass(frozen=True, slots=True)
class Deadline:
    #: When the stage falls due, UTC (23:59:59 local time of ``due_date``).
    due_at: dt.datetime
    #: The last working day, in the area's local calendar.
    due_date: dt.date
    #: ``WIB``, ``WITA`` or ``WIT``.
    zone: str
    #: A year between start and due date lacks official holiday data (weekends and admin days only).
    provisional: bool


@dataclass(frozen=True, slots=True)
class SlaDeadlines:
    response: Deadline
    resolution: Deadline


def days_off_for(*, area_code: str, start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """Admin-added days off from ``start`` to ``end`` (inclusive) applying to ``area_code``: those of the area
    itself and of every area containing it."""
    rows = db.session.execute(
        select(Holiday.date, Holiday.name)
        .where(Holiday.area_code.in_(ancestors_of(area_code)), Holiday.date >= start, Holiday.date <= end)
        .order_by(Holiday.date)
    )
    return {day: name for day, name in rows}


def deadline(*, start: dt.datetime, working_days: int, area_code: str) -> Deadline:
    """The deadline ``working_days`` working days after ``start`` (UTC-aware) for a complaint in ``area_code``."""
    zone = zone_of(area_code)
    first = local_date(start, zone)
    window = 2 * working_days + 30
    while True:  # load the admin days of a window; widen it when the deadline falls beyond it
        last = first + dt.timedelta(days=window)
        extra = days_off_for(area_code=area_code, start=first, end=last)
        due = add_working_days(first, working_days, extra_days_off=extra.keys())
        if due <= last:
            break
        window *= 2
    provisional = bool(years_without_official_data(first, due))
    return Deadline(end_of_day(due, zone), due, str(zone), provisional)


def sla_deadlines(*, category_id: int, area_code: str, start: dt.datetime) -> SlaDeadlines:
    """The first-response and resolution deadlines of a complaint of ``category_id`` routed at ``start``."""
    category = db.session.get(Category, category_id)
    if category is None:
        raise NotFound("Category not found.")
    return SlaDeadlines(
        response=deadline(start=start, working_days=category.sla_response_days, area_code=area_code),
        resolution=deadline(start=start, working_days=category.sla_resolution_days, area_code=area_code),
    )
