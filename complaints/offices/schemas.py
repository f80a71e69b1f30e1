from __future__ import annotations

import marshmallow as ma

from app.areas.codes import AREA_CODE_PATTERN
from app.core.fields import IdField, Pattern, TrimmedString
from app.core.pagination import PageArgs

OFFICE_CODE = r"^[A-Z0-9]+([.-][A-Z0-9]+)*$"

_code = {
    "validate": [
        ma.validate.Length(2, 40),
        Pattern(OFFICE_CODE, error="Upper-case letters and digits, joined by '-' or '.'."),
    ],
    "metadata": {"example": "DSDABM-3273"},
}
_name = {
    "validate": ma.validate.Length(3, 150),
    "metadata": {"example": "Dinas Sumber Daya Air dan Bina Marga Kota Bandung"},
}
_area = {
    "validate": Pattern(AREA_CODE_PATTERN, error="An area code such as 32.73."),
    "metadata": {
        "description": "The office's jurisdiction (province, kab/kota, kecamatan or desa).",
        "example": "32.73",
    },
}


# One definition per field of an office's answers; the shapes below pick from them.
_ID = ma.fields.Integer(required=True, metadata={"example": 1})
_CODE = ma.fields.String(required=True, metadata={"example": "DSDABM-3273"})
_NAME = ma.fields.String(required=True, metadata=_name["metadata"])
_IS_ACTIVE = ma.fields.Boolean(required=True)


class OfficeNameSchema(ma.Schema):
    """An office as residents see it on a complaint: who handles it."""

    id = _ID
    name = _NAME


class OfficeRefSchema(OfficeNameSchema):
    """The reference to an office that staff see next to a complaint, a stage or a rule: with its code."""

    code = _CODE


class OfficeSchema(ma.Schema):
    id = _ID
    code = _CODE
    name = _NAME
    area_code = ma.fields.String(required=True, metadata={"example": "32.73"})
    parent_id = ma.fields.Integer(required=True, allow_none=True)
    is_active = _IS_ACTIVE
    created_at = ma.fields.DateTime(required=True)
    updated_at = ma.fields.DateTime(required=True)


class ActiveOfficeRefSchema(OfficeRefSchema):
    """An office reference with whether it is active (routing skips inactive offices)."""

    is_active = _IS_ACTIVE


class OfficeCreateSchema(ma.Schema):
    code = ma.fields.String(required=True, **_code)
    name = TrimmedString(required=True, **_name)
    area_code = ma.fields.String(required=True, **_area)
    parent_id = IdField(load_default=None, allow_none=True)
    is_active = ma.fields.Boolean(load_default=True)


class OfficeUpdateSchema(ma.Schema):
    code = ma.fields.String(**_code)
    name = TrimmedString(**_name)
    area_code = ma.fields.String(**_area)
    parent_id = IdField(allow_none=True)
    is_active = ma.fields.Boolean(metadata={"description": "Routing skips inactive offices."})


class OfficeQuerySchema(PageArgs):
    area_code = ma.fields.String(
        load_default=None,
        validate=Pattern(AREA_CODE_PATTERN),
        metadata={"description": "Only offices whose jurisdiction lies inside this area.", "example": "32.73"},
    )
    parent_id = IdField(load_default=None)
    is_active = ma.fields.Boolean(load_default=None)


class MemberSchema(ma.Schema):
    user_id = ma.fields.Integer(required=True, metadata={"example": 4})
    name = ma.fields.String(required=True, metadata={"example": "Petugas Dinas PU"})
    is_head = ma.fields.Boolean(required=True)
    is_effective = ma.fields.Boolean(
        required=True,
        metadata={
            "description": "False when the account no longer qualifies (deactivated, another role, or scoped "
            "outside the office's kab/kota); such a membership grants nothing."
        },
    )
    created_at = ma.fields.DateTime(required=True)


class MemberCreateSchema(ma.Schema):
    user_id = IdField(required=True)
    is_head = ma.fields.Boolean(load_default=False)


class MemberUpdateSchema(ma.Schema):
    is_head = ma.fields.Boolean(required=True)
