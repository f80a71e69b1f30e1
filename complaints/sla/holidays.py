"""Admin-added days off, and the calendar view that tells admins which years lack official data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

import lokal
from sqlalchemy import ColumnElement, extract, func, or_, select, tuple_

from app.areas import service as areas
from app.areas.codes import ancestors_of, area_contains, within_area
from app.core.db import flush_unique
from app.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.core.pagination import decode_cursor, page
from app.extensions import db
from complaints.offices.permissions import can_manage_area
from complaints.sla import presenters
from complaints.sla.calendar import WEEKEND, official_year
from complaints.sla.models import Holiday

DayKind = Literal["libur_nasional", "cuti_bersama", "admin"]
YearStatus = Literal["official", "weekends_and_admin_days_only"]


def _applying_to(scope: str) -> ColumnElement[bool]:
    """Holidays that affect complaints inside ``scope``: those inside it and those of the areas containing it."""
    return or_(within_area(Holiday.area_code, scope), Holiday.area_code.in_(ancestors_of(scope)))


def list_holidays(
    *, actor: Any, year: int | None, area_code: str | None, cursor: str | None, limit: int
) -> dict[str, Any]:
    """A page of the admin-added days that affect the actor's area, by date, as ``presenters.holiday`` shapes them."""
    stmt = select(Holiday).where(_applying_to(actor.scope or "-"))
    if year is not None:
        stmt = stmt.where(Holiday.date >= dt.date(year, 1, 1), Holiday.date <= dt.date(year, 12, 31))
    if area_code:
        stmt = stmt.where(_applying_to(area_code))
    after = decode_cursor(cursor, types=[str, int])
    if after is not None:
        try:
            after_date = dt.date.fromisoformat(after[0])
        except ValueError:
            raise ValidationFailed("Invalid cursor.", errors={"cursor": ["Invalid cursor."]}) from None
        stmt = stmt.where(tuple_(Holiday.date, Holiday.id) > tuple_(after_date, after[1]))
    rows = db.session.scalars(stmt.order_by(Holiday.date, Holiday.id).limit(limit + 1)).all()
    result = page(rows, limit=limit, key=lambda h: [h.date.isoformat(), h.id])
    result["items"] = [presenters.holiday(h) for h in result["items"]]
    return result


def add_holiday(*, actor: Any, data: dict[str, Any]) -> Holiday:
    """Add a day off for an area inside the actor's scope (403 outside it); one per area and date."""
    areas.require_area(code=data["area_code"], field="area_code")
    if not can_manage_area(actor, data["area_code"]):
        raise Forbidden("You can only add days off for your own area.")
    holiday = Holiday(**data, created_by_id=actor.id)
    flush_unique(
        db.session,
        holiday,
        conflict=lambda: Conflict(
            "This area already has a day off on this date.", errors={"date": ["Already a day off here."]}
        ),
    )
    return holiday


def remove_holiday(*, actor: Any, holiday_id: int) -> None:
    """Remove a day off: 404 when it does not affect the actor's area, 403 when it belongs to a wider area."""
    holiday = db.session.get(Holiday, holiday_id)
    scope = actor.scope or "-"
    if holiday is None or not (area_contains(scope, holiday.area_code) or holiday.area_code in ancestors_of(scope)):
        raise NotFound("Holiday not found.")
    if not can_manage_area(actor, holiday.area_code):
        raise Forbidden("This day off was set for a wider area; an admin of that area removes it.")
    db.session.delete(holiday)
    db.session.flush()


@dataclass(frozen=True, slots=True)
class DayOff:
    date: dt.date
    name: str
    kind: DayKind
    #: For admin-added days: the area it was set for, and its id.
    area_code: str | None = None
    holiday_id: int | None = None


@dataclass(frozen=True, slots=True)
class YearInfo:
    year: int
    status: YearStatus
    decree: str | None
    source: str | None
    admin_days: int


@dataclass(frozen=True, slots=True)
class CalendarView:
    area_code: str
    year: int
    status: YearStatus
    decree: str | None
    source: str | None
    working_days: int
    days_off: tuple[DayOff, ...]
    years: tuple[YearInfo, ...]


def _year_info(year: int, admin_days: int) -> YearInfo:
    official = official_year(year)
    if official is None:
        return YearInfo(year, "weekends_and_admin_days_only", None, None, admin_days)
    return YearInfo(year, "official", official.decree, official.source, admin_days)


def calendar(*, area_code: str, year: int, today: dt.date) -> CalendarView:
    """The days off of ``year`` for complaints in ``area_code``, and which years have official data."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    official = official_year(year)
    days: list[DayOff] = [DayOff(d.date, d.name, d.kind) for d in official.days] if official else []
    admin_rows = db.session.scalars(
        select(Holiday)
        .where(Holiday.area_code.in_(ancestors_of(area_code)), Holiday.date >= first, Holiday.date <= last)
        .order_by(Holiday.date, Holiday.id)
    )
    days += [DayOff(h.date, h.name, "admin", h.area_code, h.id) for h in admin_rows]
    days.sort(key=lambda d: (d.date, d.kind != "admin", d.holiday_id or 0))
    off = {d.date for d in days}
    span = (last - first).days + 1
    working = sum(
        1 for i in range(span) if (day := first + dt.timedelta(days=i)).weekday() not in WEEKEND and day not in off
    )
    year_col = extract("year", Holiday.date)
    rows = db.session.execute(
        select(year_col, func.count()).where(Holiday.area_code.in_(ancestors_of(area_code))).group_by(year_col)
    )
    counts = {int(y): int(n) for y, n in rows}
    years = sorted({*lokal.HOLIDAY_YEARS, today.year, today.year + 1, year, *counts})
    infos = tuple(_year_info(y, counts.get(y, 0)) for y in years)
    this = _year_info(year, 0)
    return CalendarView(area_code, year, this.status, this.decree, this.source, working, tuple(days), infos)
