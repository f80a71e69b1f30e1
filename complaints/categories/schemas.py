from __future__ import annotations

import marshmallow as ma

from app.core.fields import IdField, Pattern, TrimmedString, WholeInteger
from app.core.pagination import PageArgs
from complaints.categories.models import (
    DEFAULT_RESOLUTION_DAYS,
    DEFAULT_RESPONSE_DAYS,
    MAX_RESOLUTION_DAYS,
    MAX_RESPONSE_DAYS,
)

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"

_response_days = {
    "validate": ma.validate.Range(1, MAX_RESPONSE_DAYS),
    "metadata": {"description": "Working days from routing to the office's first response.", "example": 3},
}
_resolution_days = {
    "validate": ma.validate.Range(1, MAX_RESOLUTION_DAYS),
    "metadata": {
        "description": "Working days from routing to resolution; at least the response days.",
        "example": 14,
    },
}


class CategorySchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata={"example": 1})
    slug = ma.fields.String(required=True, metadata={"example": "jalan-rusak"})
    name = ma.fields.String(required=True, metadata={"example": "Jalan rusak"})
    description = ma.fields.String(required=True)
    icon_key = ma.fields.String(required=True, metadata={"example": "road"})
    parent_id = ma.fields.Integer(required=True, allow_none=True)
    is_active = ma.fields.Boolean(required=True)
    sort_order = ma.fields.Integer(required=True)
    sla_response_days = ma.fields.Integer(required=True, metadata=_response_days["metadata"])
    sla_resolution_days = ma.fields.Integer(required=True, metadata=_resolution_days["metadata"])


class CategoryCreateSchema(ma.Schema):
    slug = ma.fields.String(required=True, validate=[ma.validate.Length(2, 60), Pattern(SLUG)])
    name = TrimmedString(required=True, validate=ma.validate.Length(2, 80))
    description = TrimmedString(load_default="", validate=ma.validate.Length(max=500))
    icon_key = ma.fields.String(load_default="other", validate=Pattern(r"^[a-z0-9-]{1,40}$"))
    parent_id = IdField(load_default=None, allow_none=True)
    is_active = ma.fields.Boolean(load_default=True)
    sort_order = WholeInteger(load_default=0, validate=ma.validate.Range(0, 1000))
    sla_response_days = WholeInteger(load_default=DEFAULT_RESPONSE_DAYS, **_response_days)
    sla_resolution_days = WholeInteger(load_default=DEFAULT_RESOLUTION_DAYS, **_resolution_days)


class CategoryUpdateSchema(ma.Schema):
    name = TrimmedString(validate=ma.validate.Length(2, 80))
    description = TrimmedString(validate=ma.validate.Length(max=500))
    icon_key = ma.fields.String(validate=Pattern(r"^[a-z0-9-]{1,40}$"))
    parent_id = IdField(allow_none=True)
    is_active = ma.fields.Boolean()
    sort_order = WholeInteger(validate=ma.validate.Range(0, 1000))
    sla_response_days = WholeInteger(**_response_days)
    sla_resolution_days = WholeInteger(**_resolution_days)


class CategoryQuerySchema(PageArgs):
    include_inactive = ma.fields.Boolean(
        load_default=False, metadata={"description": "Admins only: also list deactivated categories."}
    )
