from __future__ import annotations

import marshmallow as ma

from app.areas.codes import AREA_CODE_PATTERN
from app.core.fields import Pattern, TrimmedString, WholeInteger
from app.core.i18n import _
from app.core.pagination import PageArgs

MIN_YEAR, MAX_YEAR = 2000, 2100
_area = Pattern(AREA_CODE_PATTERN, error="An area code such as 32.73.")
_year = {"validate": ma.validate.Range(MIN_YEAR, MAX_YEAR), "metadata": {"example": 2026}}
_status = {
    "enum": ["official", "weekends_and_admin_days_only"],
    "description": "`official`: lokal-id has the year's libur nasional and cuti bersama. "
    "`weekends_and_admin_days_only`: it does not; deadlines skip only weekends and admin-added days (add the "
    "year's decree as admin days at the province until the package has it).",
}


def _in_range(value):
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ma.ValidationError(_("The year must be between {min} and {max}.", min=MIN_YEAR, max=MAX_YEAR))


class HolidaySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    date = ma.fields.Date(required=True, metadata={"example": "2026-09-25"})
    name = ma.fields.String(required=True, metadata={"example": "Hari Jadi Kota Bandung"})
    area_code = ma.fields.String(required=True, metadata={"example": "32.73"})
    created_at = ma.fields.DateTime(required=True)


class HolidayCreateSchema(ma.Schema):
    date = ma.fields.Date(required=True, validate=_in_range, metadata={"example": "2026-09-25"})
    name = TrimmedString(
        required=True, validate=ma.validate.Length(3, 120), metadata={"example": "Hari Jadi Kota Bandung"}
    )
    area_code = ma.fields.String(
        required=True,
        validate=_area,
        metadata={"description": "The day is off for complaints inside this area.", "example": "32.73"},
    )


class HolidayQuerySchema(PageArgs):
    year = WholeInteger(load_default=None, **_year)
    area_code = ma.fields.String(
        load_default=None,
        validate=_area,
        metadata={"description": "Only days that apply to this area (its own and its parents').", "example": "32.73"},
    )


class CalendarQuerySchema(ma.Schema):
    year = WholeInteger(
        load_default=None, validate=_year["validate"], metadata={"description": "Default: this year.", "example": 2026}
    )
    area_code = ma.fields.String(
        load_default=None,
        validate=_area,
        metadata={"description": "Default: your own area.", "example": "32.73.01.1001"},
    )


class DayOffSchema(ma.Schema):
    date = ma.fields.Date(required=True)
    name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True, metadata={"enum": ["libur_nasional", "cuti_bersama", "admin"]})
    area_code = ma.fields.String(
        required=True, allow_none=True, metadata={"description": "Admin days: the area it was set for."}
    )
    holiday_id = ma.fields.Integer(required=True, allow_none=True)


class YearInfoSchema(ma.Schema):
    year = ma.fields.Integer(required=True)
    status = ma.fields.String(required=True, metadata=_status)
    decree = ma.fields.String(required=True, allow_none=True)
    source = ma.fields.String(required=True, allow_none=True)
    admin_days = ma.fields.Integer(required=True, metadata={"description": "Admin-added days for this area."})


class CalendarSchema(ma.Schema):
    area_code = ma.fields.String(required=True)
    year = ma.fields.Integer(required=True)
    status = ma.fields.String(required=True, metadata=_status)
    decree = ma.fields.String(required=True, allow_none=True)
    source = ma.fields.String(required=True, allow_none=True)
    working_days = ma.fields.Integer(required=True, metadata={"description": "Working days in the year here."})
    days_off = ma.fields.List(ma.fields.Nested(DayOffSchema), required=True)
    years = ma.fields.List(
        ma.fields.Nested(YearInfoSchema),
        required=True,
        metadata={"description": "Every year with official data, this year and the next, and years with admin days."},
    )
