from __future__ import annotations

import datetime as dt
from typing import Any

import marshmallow as ma

from app.areas.codes import AREA_CODE_PATTERN
from app.core.fields import IdField, Pattern
from complaints.states import STATUSES

#: Dates outside this range are refused (422) rather than turned into timestamps that overflow.
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
_day = ma.validate.Range(FIRST_DAY, LAST_DAY, error="A date between 2000-01-01 and 2100-12-31.")


class StatsQuerySchema(ma.Schema):
    since = ma.fields.Date(
        data_key="from",
        load_default=None,
        validate=_day,
        metadata={
            "description": "First day (inclusive) of the period, by the complaint's submission date in the area's "
            "local time (WIB for Jawa Barat).",
            "example": "2026-01-01",
        },
    )
    until = ma.fields.Date(
        data_key="to",
        load_default=None,
        validate=_day,
        metadata={"description": "Last day (inclusive) of the period.", "example": "2026-03-31"},
    )
    area = ma.fields.String(
        load_default=None,
        validate=Pattern(AREA_CODE_PATTERN, error="An area code such as 32.73."),
        metadata={"description": "Only complaints inside this area, which must lie inside yours.", "example": "32.73"},
    )
    office_id = IdField(
        load_default=None,
        metadata={"description": "Only complaints led by this office (for office handlers: one of yours)."},
    )
    category = IdField(
        load_default=None, metadata={"description": "Only complaints of this category or one of its subcategories."}
    )

    @ma.validates_schema
    def _period(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise ma.ValidationError("`from` must not be after `to`.", field_name="from")


class StatusCountSchema(ma.Schema):
    status = ma.fields.String(required=True, metadata={"enum": list(STATUSES)})
    count = ma.fields.Integer(required=True)


class CategoryCountSchema(ma.Schema):
    category_id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True, metadata={"example": "Jalan rusak"})
    count = ma.fields.Integer(required=True)


class OfficeCountSchema(ma.Schema):
    office_id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True, metadata={"example": "Dinas Sumber Daya Air dan Bina Marga Kota Bandung"})
    count = ma.fields.Integer(required=True)


class DurationSchema(ma.Schema):
    median_hours = ma.fields.Float(
        required=True, allow_none=True, metadata={"description": "null when no complaint has got this far."}
    )
    count = ma.fields.Integer(required=True, metadata={"description": "Complaints the median is taken over."})


def _rate(what: str) -> ma.fields.Float:
    return ma.fields.Float(
        required=True, allow_none=True, metadata={"description": f"{what} met / total (0..1); null when total is 0."}
    )


class SlaSchema(ma.Schema):
    response_met = ma.fields.Integer(required=True, metadata={"description": "First responses by their deadline."})
    response_total = ma.fields.Integer(
        required=True,
        metadata={
            "description": "Complaints whose response deadline is decided: answered, or unanswered past the deadline "
            "(those count as missed). Unanswered ones still within their deadline are left out."
        },
    )
    response_rate = _rate("Responses:")
    resolution_met = ma.fields.Integer(required=True, metadata={"description": "Resolutions by their deadline."})
    resolution_total = ma.fields.Integer(
        required=True,
        metadata={"description": "Resolved, or unresolved past the resolution deadline (counted as missed)."},
    )
    resolution_rate = _rate("Resolutions:")
    overdue_open = ma.fields.Integer(
        required=True,
        metadata={
            "description": "Routed complaints still verified, accepted or in progress whose next deadline (response "
            "until answered, then resolution) has passed."
        },
    )


class RatingSummarySchema(ma.Schema):
    average = ma.fields.Float(required=True, allow_none=True, metadata={"example": 4.2})
    count = ma.fields.Integer(required=True)


class ComplaintStatsSchema(ma.Schema):
    total = ma.fields.Integer(required=True, metadata={"example": 1250})
    by_status = ma.fields.List(
        ma.fields.Nested(StatusCountSchema),
        required=True,
        metadata={"description": "Every status, in lifecycle order, zeros included."},
    )
    by_category = ma.fields.List(
        ma.fields.Nested(CategoryCountSchema),
        required=True,
        metadata={"description": "Categories with complaints, most first."},
    )
    by_office = ma.fields.List(
        ma.fields.Nested(OfficeCountSchema),
        required=True,
        metadata={"description": "Lead offices of routed complaints, most first."},
    )
    first_response = ma.fields.Nested(
        DurationSchema, required=True, metadata={"description": "Hours from verification to the first response."}
    )
    resolution = ma.fields.Nested(
        DurationSchema, required=True, metadata={"description": "Hours from verification to resolution."}
    )
    sla = ma.fields.Nested(SlaSchema, required=True)
    rating = ma.fields.Nested(RatingSummarySchema, required=True)


EXAMPLE = {
    "total": 1250,
    "by_status": [
        {"status": s, "count": n} for s, n in zip(STATUSES, (40, 5, 60, 80, 210, 150, 600, 70, 25, 10), strict=True)
    ],
    "by_category": [{"category_id": 1, "name": "Jalan rusak", "count": 420}],
    "by_office": [{"office_id": 3, "name": "Dinas Sumber Daya Air dan Bina Marga Kota Bandung", "count": 390}],
    "first_response": {"median_hours": 26.5, "count": 1040},
    "resolution": {"median_hours": 190.25, "count": 750},
    "sla": {
        "response_met": 880,
        "response_total": 1060,
        "response_rate": 0.8302,
        "resolution_met": 610,
        "resolution_total": 790,
        "resolution_rate": 0.7722,
        "overdue_open": 35,
    },
    "rating": {"average": 4.21, "count": 240},
}
