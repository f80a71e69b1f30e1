from __future__ import annotations

import marshmallow as ma

from app.areas.codes import AREA_CODE_PATTERN
from app.areas.models import AREA_TYPES
from app.core.fields import Pattern, TrimmedString, WholeInteger
from app.core.pagination import PageArgs


class AreaSchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"example": "32.73.01.1001"})
    name = ma.fields.String(required=True, metadata={"example": "Sukarasa"})
    level = ma.fields.Integer(
        required=True, metadata={"description": "1 provinsi, 2 kab/kota, 3 kecamatan, 4 desa/kelurahan", "example": 4}
    )
    type = ma.fields.String(required=True, metadata={"enum": list(AREA_TYPES), "example": "kelurahan"})
    postal_code = ma.fields.String(required=True, allow_none=True, metadata={"example": "40152"})
    parent_code = ma.fields.String(required=True, allow_none=True, metadata={"example": "32.73.01"})


class AreaDetailSchema(AreaSchema):
    ancestors = ma.fields.List(
        ma.fields.Nested(AreaSchema),
        required=True,
        metadata={"description": "From the province down to the parent."},
    )


class AreaSearchArgs(PageArgs):
    q = TrimmedString(
        required=True,
        validate=ma.validate.Length(min=2, max=100),
        metadata={"description": "Part of the name, any case.", "example": "bandung"},
    )
    level = WholeInteger(load_default=None, validate=ma.validate.Range(1, 4))
    within = ma.fields.String(
        load_default=None,
        validate=Pattern(AREA_CODE_PATTERN),
        metadata={"description": "Only areas inside this one.", "example": "32"},
    )
