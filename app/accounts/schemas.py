"""Request and response shapes. Write schemas list exactly the fields a caller may set (no mass assignment)."""

from __future__ import annotations

import marshmallow as ma

from app.accounts.roles import ROLES, STAFF_ROLES
from app.areas.codes import AREA_CODE_PATTERN, MAX_RW
from app.core.fields import Pattern, TrimmedString, WholeInteger
from app.core.pagination import PageArgs

DESA_PATTERN = r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"

_name = {"validate": ma.validate.Length(min=1, max=100), "metadata": {"example": "Siti Rahmawati"}}
_phone_meta = {
    "description": "Indonesian mobile number in any common form; stored as +62…",
    "example": "0812-3456-7890",
}
_password = {"validate": ma.validate.Length(min=8, max=128), "load_only": True, "metadata": {"example": "rahasia-123"}}
_rw = {"validate": ma.validate.Range(1, MAX_RW), "metadata": {"example": 5}}


class RegisterSchema(ma.Schema):
    name = TrimmedString(required=True, **_name)
    phone = ma.fields.String(required=True, validate=ma.validate.Length(min=3, max=32), metadata=_phone_meta)
    email = ma.fields.Email(load_default=None, allow_none=True, validate=ma.validate.Length(max=254))
    password = ma.fields.String(required=True, **_password)
    home_area_code = ma.fields.String(
        required=True,
        validate=Pattern(DESA_PATTERN, error="Must be a desa/kelurahan code such as 32.73.01.1001."),
        metadata={"example": "32.73.01.1001"},
    )
    home_rw = WholeInteger(load_default=None, allow_none=True, **_rw)
    privacy_notice_version = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(min=1, max=20),
        metadata={
            "description": "The privacy-notice version the app showed and the person accepted "
            "(`GET /privacy/notice`); recorded with the time. Another version than the current one is a 409.",
            "example": "2026-01",
        },
    )


class LoginSchema(ma.Schema):
    login = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=3, max=254),
        metadata={"description": "Phone number or e-mail address.", "example": "081234567890"},
    )
    password = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=128), load_only=True)


class RefreshSchema(ma.Schema):
    refresh_token = ma.fields.String(required=True, validate=ma.validate.Length(min=10, max=2000))


class PasswordChangeSchema(ma.Schema):
    current_password = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=128), load_only=True)
    new_password = ma.fields.String(required=True, **_password)


class MeSchema(ma.Schema):
    """The signed-in user's own profile (their own phone and e-mail are theirs to see)."""

    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    phone = ma.fields.String(required=True, allow_none=True, metadata={"example": "+6281234567890"})
    email = ma.fields.String(required=True, allow_none=True)
    role = ma.fields.String(required=True, metadata={"enum": list(ROLES)})
    home_area_code = ma.fields.String(required=True, allow_none=True)
    home_rw = ma.fields.Integer(required=True, allow_none=True)
    scope_area_code = ma.fields.String(required=True, allow_none=True)
    scope_rw = ma.fields.Integer(required=True, allow_none=True)
    created_at = ma.fields.DateTime(required=True)


class MeUpdateSchema(ma.Schema):
    name = TrimmedString(**_name)
    email = ma.fields.Email(allow_none=True, validate=ma.validate.Length(max=254))
    home_area_code = ma.fields.String(
        validate=Pattern(DESA_PATTERN, error="Must be a desa/kelurahan code such as 32.73.01.1001."),
        metadata={"example": "32.73.01.1002"},
    )
    home_rw = WholeInteger(allow_none=True, **_rw)


class ConsentStateSchema(ma.Schema):
    """The caller's consent to the privacy notice. ``consent_required``: show the current notice and ask."""

    current_version = ma.fields.String(required=True, allow_none=True, metadata={"example": "2026-01"})
    accepted_version = ma.fields.String(required=True, allow_none=True, metadata={"example": "2025-06"})
    accepted_at = ma.fields.DateTime(required=True, allow_none=True)
    consent_required = ma.fields.Boolean(
        required=True,
        metadata={
            "description": "True when the current notice has not been accepted: show it, then "
            "`POST /me/privacy-consent`.",
            "example": True,
        },
    )


class TokenSchema(ma.Schema):
    access_token = ma.fields.String(required=True)
    refresh_token = ma.fields.String(required=True)
    token_type = ma.fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = ma.fields.Integer(required=True, metadata={"description": "Access token lifetime in seconds."})
    user = ma.fields.Nested(MeSchema, required=True)
    privacy = ma.fields.Nested(ConsentStateSchema, required=True)


class StaffCreateSchema(ma.Schema):
    name = TrimmedString(required=True, **_name)
    phone = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(min=3, max=32))
    email = ma.fields.Email(load_default=None, allow_none=True, validate=ma.validate.Length(max=254))
    password = ma.fields.String(required=True, **_password)
    role = ma.fields.String(required=True, validate=ma.validate.OneOf([r.value for r in STAFF_ROLES]))
    scope_area_code = ma.fields.String(
        required=True, validate=Pattern(AREA_CODE_PATTERN), metadata={"example": "32.73"}
    )
    scope_rw = WholeInteger(load_default=None, allow_none=True, **_rw)


class StaffUpdateSchema(ma.Schema):
    name = TrimmedString(**_name)
    role = ma.fields.String(validate=ma.validate.OneOf([r.value for r in STAFF_ROLES]))
    scope_area_code = ma.fields.String(validate=Pattern(AREA_CODE_PATTERN))
    scope_rw = WholeInteger(allow_none=True, **_rw)
    is_active = ma.fields.Boolean()


class StaffSchema(MeSchema):
    is_active = ma.fields.Boolean(required=True)
    last_login_at = ma.fields.DateTime(required=True, allow_none=True)
    created_by_id = ma.fields.Integer(required=True, allow_none=True)


class StaffQuerySchema(PageArgs):
    role = ma.fields.String(load_default=None, validate=ma.validate.OneOf([r.value for r in STAFF_ROLES]))
    area_code = ma.fields.String(load_default=None, validate=Pattern(AREA_CODE_PATTERN))


class PasswordResetSchema(ma.Schema):
    new_password = ma.fields.String(required=True, **_password)


class SessionsRevokedSchema(ma.Schema):
    revoked = ma.fields.Integer(required=True, metadata={"description": "Sessions ended.", "example": 2})
