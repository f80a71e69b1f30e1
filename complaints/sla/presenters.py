"""The answers of the SLA calendar as plain dicts, in exactly the documented shapes (``sla.schemas``): an
admin-added day off and an area's working-day calendar. Pure functions; ``json_response`` writes them (dates are
written here as ISO dates, like marshmallow's ``Date``)."""

from __future__ import annotations

from typing import Any


def holiday(h: Any) -> dict[str, Any]:
    """A day off an admin added for an area (``HolidaySchema``)."""
    return {
        "id": h.id,
        "date": h.date.isoformat(),
        "name": h.name,
        "area_code": h.area_code,
        "created_at": h.created_at,
    }


def _day_off(d: Any) -> dict[str, Any]:
    return {
        "date": d.date.isoformat(),
        "name": d.name,
        "kind": d.kind,
        "area_code": d.area_code,
        "holiday_id": d.holiday_id,
    }


def _year(y: Any) -> dict[str, Any]:
    return {"year": y.year, "status": y.status, "decree": y.decree, "source": y.source, "admin_days": y.admin_days}


def calendar(c: Any) -> dict[str, Any]:
    """The year's days off in an area and which years have official data (``CalendarSchema``), from a
    ``holidays.CalendarView``."""
    return {
        "area_code": c.area_code,
        "year": c.year,
        "status": c.status,
        "decree": c.decree,
        "source": c.source,
        "working_days": c.working_days,
        "days_off": [_day_off(d) for d in c.days_off],
        "years": [_year(y) for y in c.years],
    }
