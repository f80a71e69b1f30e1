"""Request and response shapes of intake. Write schemas list exactly what a resident may set; read schemas are
filled by ``presenters`` with what the caller may see."""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma

from app.areas.codes import AREA_CODE_PATTERN, MAX_RW
from app.core.fields import IdField, Pattern, PlainText, StrictBoolean, WholeInteger
from app.core.pagination import PageArgs
from app.core.sync import UpdatedSince
from complaints.geo import LAT_MAX, LAT_MIN, LON_MAX, LON_MIN, in_indonesia
from complaints.intake.models import ADDRESS_MAX, DESCRIPTION_MAX, IDEMPOTENCY_KEY_MAX, REJECTION_REASONS, TITLE_MAX
from complaints.offices.schemas import OfficeNameSchema
from complaints.states import PUBLIC_STATUSES, STATUSES

DESA_PATTERN = r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"
TITLE_MIN, DESCRIPTION_MIN = 5, 10
MAX_RADIUS_M = 5000

_lat = {"validate": ma.validate.Range(LAT_MIN, LAT_MAX, error="Must be inside Indonesia (latitude {min} to {max}).")}
_lon = {"validate": ma.validate.Range(LON_MIN, LON_MAX, error="Must be inside Indonesia (longitude {min} to {max}).")}


class SubmitSchema(ma.Schema):
    category_id = IdField(required=True)
    title = PlainText(
        required=True,
        validate=ma.validate.Length(TITLE_MIN, TITLE_MAX),
        metadata={"example": "Jalan berlubang di depan SDN 5"},
    )
    description = PlainText(
        required=True,
        multiline=True,
        validate=ma.validate.Length(DESCRIPTION_MIN, DESCRIPTION_MAX),
        metadata={"example": "Lubang sedalam 20 cm, sudah dua minggu. Motor sering jatuh saat hujan."},
    )
    latitude = ma.fields.Float(required=True, metadata={"example": -6.8868}, **_lat)
    longitude = ma.fields.Float(required=True, metadata={"example": 107.6045}, **_lon)
    location_accuracy_m = ma.fields.Float(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Range(0, 10_000),
        metadata={"description": "GPS accuracy in metres, as the phone reports it.", "example": 12},
    )
    address = PlainText(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=ADDRESS_MAX),
        metadata={"example": "Jl. Sukajadi No. 10, depan SDN 5"},
    )
    desa_code = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=Pattern(DESA_PATTERN, error="Must be a desa/kelurahan code such as 32.73.01.1001."),
        metadata={
            "description": "Where the problem is; defaults to the reporter's home desa.",
            "example": "32.73.01.1001",
        },
    )
    rw = WholeInteger(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Range(1, MAX_RW),
        metadata={
            "description": "RW inside the desa; defaults to the home RW when the desa is defaulted.",
            "example": 5,
        },
    )
    is_anonymous = StrictBoolean(
        load_default=False, metadata={"description": 'Show the reporter as "Anonim" to everyone but staff.'}
    )
    is_public = StrictBoolean(
        load_default=True,
        metadata={"description": "Listed publicly once verified; false keeps it between the reporter and staff."},
    )


class IdempotencyHeaderSchema(ma.Schema):
    idempotency_key = ma.fields.String(
        data_key="Idempotency-Key",
        load_default=None,
        validate=[
            ma.validate.Length(1, IDEMPOTENCY_KEY_MAX),
            Pattern(r"^[\x21-\x7e]+$", error="Printable ASCII without spaces, e.g. a UUID."),
        ],
        metadata={
            "description": "A unique key per submission (a UUID). Sending the same key and body again returns the "
            "complaint created the first time; the same key with a different body is a 422.",
            "example": "9b2f6c1e-3f0a-4a53-9a53-2f1d4c0e7b11",
        },
    )


class WithdrawSchema(ma.Schema):
    note = PlainText(
        load_default=None,
        allow_none=True,
        multiline=True,
        validate=ma.validate.Length(max=1000),
        metadata={"description": "Why (optional); staff see it in the history.", "example": "Sudah diperbaiki warga."},
    )


class PhotoSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    url = ma.fields.String(required=True, metadata={"example": "/api/v1/complaints/1/photos/1"})
    thumbnail_url = ma.fields.String(required=True, metadata={"example": "/api/v1/complaints/1/photos/1/thumbnail"})
    width = ma.fields.Integer(required=True, metadata={"example": 1920})
    height = ma.fields.Integer(required=True, metadata={"example": 1440})


class ComplaintHeadSchema(ma.Schema):
    """What every list of complaints shows first (public feed, my complaints, office inbox)."""

    id = ma.fields.Integer(required=True)
    tracking_number = ma.fields.String(required=True, metadata={"example": "ADU-7K3Q-M9XP"})
    status = ma.fields.String(required=True, metadata={"enum": list(STATUSES)})
    category_id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    excerpt = ma.fields.String(required=True, metadata={"description": "The first 200 characters of the description."})
    address = ma.fields.String(required=True, allow_none=True)


class ComplaintItemSchema(ComplaintHeadSchema):
    """A complaint in a list: the excerpt of the description, the number of photos and the first one's thumbnail."""

    latitude = ma.fields.Float(required=True)
    longitude = ma.fields.Float(required=True)
    desa_code = ma.fields.String(required=True, metadata={"example": "32.73.01.1001"})
    rw = ma.fields.Integer(required=True, allow_none=True)
    is_anonymous = StrictBoolean(required=True)
    is_public = StrictBoolean(required=True)
    reporter_name = ma.fields.String(
        required=True, metadata={"description": '"Anonim", a masked name, or the name for those who may see it.'}
    )
    support_count = ma.fields.Integer(required=True)
    photo_count = ma.fields.Integer(required=True)
    thumbnail_url = ma.fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "The first photo's thumbnail, or null.",
            "example": "/api/v1/complaints/1/photos/1/thumbnail",
        },
    )
    created_at = ma.fields.DateTime(required=True)
    status_changed_at = ma.fields.DateTime(required=True)
    distance_m = ma.fields.Float(
        metadata={"description": "Metres from the searched point (radius searches only)."}, allow_none=True
    )


class ScreeningSchema(ma.Schema):
    flags = ma.fields.List(ma.fields.String(), required=True, metadata={"example": ["personal_data"]})
    abusive_terms = ma.fields.List(ma.fields.String(), required=True)
    pii_types = ma.fields.List(ma.fields.String(), required=True, metadata={"example": ["PHONE"]})


class ReporterSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)


class DuplicateOfSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    tracking_number = ma.fields.String(required=True, metadata={"example": "ADU-7K3Q-M9XP"})


# The two fields whose nested shape depends on who reads (the moderator's view shows more of the same things):
# one definition each, the shape passed in.
def lead_office_field(shape: type[ma.Schema]) -> ma.fields.Nested:
    return ma.fields.Nested(
        shape,
        required=True,
        allow_none=True,
        metadata={"description": "The office leading the handling (null before routing)."},
    )


def duplicate_of_field(shape: type[ma.Schema]) -> ma.fields.Nested:
    return ma.fields.Nested(
        shape,
        required=True,
        allow_none=True,
        metadata={"description": "`duplicate` only: the complaint this one was merged into."},
    )


class ComplaintSchema(ComplaintItemSchema):
    """One complaint, as much as the caller may see."""

    description = ma.fields.String(required=True)
    photos = ma.fields.List(ma.fields.Nested(PhotoSchema), required=True)
    resolution_photos = ma.fields.List(
        ma.fields.Nested(PhotoSchema),
        required=True,
        metadata={"description": "Photos of the work done, added by the handling office."},
    )
    location_accuracy_m = ma.fields.Float(required=True, allow_none=True)
    reporter = ma.fields.Nested(
        ReporterSchema,
        required=True,
        allow_none=True,
        metadata={"description": "The reporter's account, for the reporter and the staff allowed to know it."},
    )
    screening = ma.fields.Nested(
        ScreeningSchema, metadata={"description": "Staff in scope only: what screening flagged for moderators."}
    )
    supported_by_me = ma.fields.Boolean(required=True, allow_none=True, metadata={"description": "null if anonymous."})
    can_support = ma.fields.Boolean(required=True)
    can_withdraw = ma.fields.Boolean(required=True)
    can_add_photos = ma.fields.Boolean(required=True)
    office = lead_office_field(OfficeNameSchema)
    response_due_at = ma.fields.DateTime(
        required=True, allow_none=True, metadata={"description": "First response due (working days), or null."}
    )
    resolution_due_at = ma.fields.DateTime(
        required=True, allow_none=True, metadata={"description": "Resolution due (working days), or null."}
    )
    overdue = ma.fields.Boolean(
        required=True, metadata={"description": "Being handled and past the lead office's next deadline."}
    )
    rejection_reason = ma.fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "`rejected` only: spam, abusive, incomplete, not_authority or duplicate.",
            "example": "incomplete",
            "enum": [*REJECTION_REASONS, None],
        },
    )
    duplicate_of = duplicate_of_field(DuplicateOfSchema)
    can_reopen = ma.fields.Boolean(
        required=True, metadata={"description": 'The reporter may still say "belum beres" (closed ≤ 7 days, once).'}
    )
    can_rate = ma.fields.Boolean(
        required=True, metadata={"description": "The reporter may rate it (closed, not rated)."}
    )
    rating = ma.fields.Integer(
        required=True, allow_none=True, metadata={"description": "The reporter's score 1-5, or null.", "example": 4}
    )


class SubmittedSchema(ComplaintSchema):
    likely_duplicates = ma.fields.List(
        ma.fields.Nested(ComplaintItemSchema),
        required=True,
        metadata={"description": "Open complaints of the same category within ~200 m from the last 30 days."},
    )


_NEAR = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


def _parse_point(value: str) -> tuple[float, float]:
    m = _NEAR.match(value)
    if not m:
        raise ma.ValidationError("Use near=latitude,longitude, e.g. near=-6.9147,107.6098.")
    lat, lon = float(m.group(1)), float(m.group(2))
    if not in_indonesia(lat, lon):
        raise ma.ValidationError("The point must be inside Indonesia.")
    return lat, lon


class FeedArgs(PageArgs):
    area = ma.fields.String(
        load_default=None,
        validate=Pattern(AREA_CODE_PATTERN),
        metadata={"description": "Only complaints inside this area (province to desa).", "example": "32.73"},
    )
    category = IdField(load_default=None)
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(sorted(s.value for s in PUBLIC_STATUSES)))
    near = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(max=60),
        metadata={
            "description": "latitude,longitude: only complaints within `radius` of it.",
            "example": "-6.9147,107.6098",
        },
    )
    radius = WholeInteger(
        load_default=1000,
        validate=ma.validate.Range(1, MAX_RADIUS_M),
        metadata={"description": f"Metres around `near` (at most {MAX_RADIUS_M})."},
    )
    sort = ma.fields.String(
        load_default=None,
        validate=ma.validate.OneOf(["newest", "supported", "nearest"]),
        metadata={"description": "newest (default), supported (most supported first), nearest (default with near)."},
    )

    @ma.post_load
    def _point(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if data["near"] is not None:
            try:
                data["near"] = _parse_point(data["near"])
            except ma.ValidationError as exc:
                raise ma.ValidationError({"near": exc.messages}) from None
        sort = data["sort"] or ("nearest" if data["near"] else "newest")
        if sort == "nearest" and data["near"] is None:
            raise ma.ValidationError({"sort": ["sort=nearest needs near=latitude,longitude."]})
        data["sort"] = sort
        return data


class MyComplaintsArgs(PageArgs):
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(list(STATUSES)))
    updated_since = UpdatedSince()


class SimilarArgs(PageArgs):
    lat = ma.fields.Float(required=True, metadata={"example": -6.8868}, **_lat)
    lon = ma.fields.Float(required=True, metadata={"example": 107.6045}, **_lon)
    category = IdField(required=True)
