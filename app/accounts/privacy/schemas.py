"""Request and response shapes of the personal-data endpoints (presenters build the answers)."""

from __future__ import annotations

import marshmallow as ma

from app.accounts.privacy.models import (
    ACCESS_KINDS,
    EXPORT_STATES,
    NOTICE_BODY_MAX,
    NOTICE_TITLE_MAX,
    NOTICE_VERSION_MAX,
)
from app.accounts.roles import ROLES, Role
from app.areas.codes import AREA_CODE_PATTERN
from app.core.fields import IdField, Pattern, TrimmedString
from app.core.pagination import PageArgs

VERSION_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$"


class LocalizedTextSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"example": "Pemberitahuan Privasi Balai"})
    en = ma.fields.String(required=True, metadata={"example": "Balai Privacy Notice"})


class NoticeSchema(ma.Schema):
    version = ma.fields.String(required=True, metadata={"example": "2026-01"})
    published_at = ma.fields.DateTime(required=True)
    title = ma.fields.Nested(LocalizedTextSchema, required=True)
    body = ma.fields.Nested(
        LocalizedTextSchema,
        required=True,
        metadata={"example": {"id": "Kami memproses data Anda …", "en": "We process your data …"}},
    )


class NoticeCreateSchema(ma.Schema):
    version = ma.fields.String(
        required=True,
        validate=[ma.validate.Length(max=NOTICE_VERSION_MAX), Pattern(VERSION_PATTERN)],
        metadata={"example": "2026-01"},
    )
    title_id = TrimmedString(required=True, validate=ma.validate.Length(min=1, max=NOTICE_TITLE_MAX))
    title_en = TrimmedString(required=True, validate=ma.validate.Length(min=1, max=NOTICE_TITLE_MAX))
    body_id = TrimmedString(required=True, validate=ma.validate.Length(min=1, max=NOTICE_BODY_MAX))
    body_en = TrimmedString(required=True, validate=ma.validate.Length(min=1, max=NOTICE_BODY_MAX))


class ConsentAcceptSchema(ma.Schema):
    version = ma.fields.String(
        required=True, validate=ma.validate.Length(min=1, max=NOTICE_VERSION_MAX), metadata={"example": "2026-01"}
    )


class DataExportSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata={"example": 12})
    status = ma.fields.String(required=True, metadata={"enum": list(EXPORT_STATES), "example": "ready"})
    requested_at = ma.fields.DateTime(required=True)
    ready_at = ma.fields.DateTime(required=True, allow_none=True)
    expires_at = ma.fields.DateTime(
        required=True, allow_none=True, metadata={"description": "The download works until then (24 h)."}
    )
    size_bytes = ma.fields.Integer(required=True, allow_none=True, metadata={"example": 183422})
    download_url = ma.fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "Set while ready: fetch it with the owner's bearer token (nobody else's works).",
            "example": "/api/v1/me/data-export/12/download",
        },
    )


class AccountDeleteSchema(ma.Schema):
    password = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=128),
        load_only=True,
        metadata={"example": "rahasia-123"},
    )


class AccessOfficeSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata={"example": 3})
    name = ma.fields.String(required=True, allow_none=True, metadata={"example": "Dinas PUPR Kota Bandung"})


class AccessObjectSchema(ma.Schema):
    type = ma.fields.String(required=True, metadata={"example": "complaint"})
    id = ma.fields.Integer(required=True, allow_none=True, metadata={"example": 42})


class MyAccessSchema(ma.Schema):
    """One time staff saw my identity: their role and office, never who they are."""

    id = ma.fields.Integer(required=True, metadata={"example": 981})
    created_at = ma.fields.DateTime(required=True)
    kind = ma.fields.String(required=True, metadata={"enum": list(ACCESS_KINDS), "example": "reporter_identity"})
    actor_role = ma.fields.String(required=True, metadata={"enum": list(ROLES), "example": Role.MODERATOR.value})
    office = ma.fields.Nested(AccessOfficeSchema, required=True, allow_none=True)
    object = ma.fields.Nested(AccessObjectSchema, required=True)


class AccessActorSchema(ma.Schema):
    id = ma.fields.Integer(required=True, allow_none=True, metadata={"example": 7})
    role = ma.fields.String(required=True, metadata={"enum": list(ROLES), "example": Role.MODERATOR.value})
    scope = ma.fields.String(required=True, allow_none=True, metadata={"example": "32.73"})


class AccessLogSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata={"example": 981})
    created_at = ma.fields.DateTime(required=True)
    kind = ma.fields.String(required=True, metadata={"enum": list(ACCESS_KINDS), "example": "reporter_identity"})
    actor = ma.fields.Nested(AccessActorSchema, required=True)
    office_id = ma.fields.Integer(required=True, allow_none=True, metadata={"example": None})
    subject_id = ma.fields.Integer(required=True, allow_none=True, metadata={"example": 4})
    object = ma.fields.Nested(AccessObjectSchema, required=True)
    area_key = ma.fields.String(required=True, allow_none=True, metadata={"example": "32.73.01.1001.005"})
    ip = ma.fields.String(required=True, allow_none=True, metadata={"example": "203.0.113.7"})
    endpoint = ma.fields.String(required=True, allow_none=True, metadata={"example": "GET /api/v1/complaints/42"})


class AccessLogQuerySchema(PageArgs):
    area = ma.fields.String(load_default=None, validate=Pattern(AREA_CODE_PATTERN), metadata={"example": "32.73"})
    actor_id = IdField(load_default=None)
    subject_id = IdField(load_default=None)
    kind = ma.fields.String(load_default=None, validate=ma.validate.OneOf(ACCESS_KINDS))
    since = ma.fields.AwareDateTime(load_default=None, metadata={"example": "2026-01-01T00:00:00+07:00"})
    until = ma.fields.AwareDateTime(load_default=None, metadata={"example": "2026-02-01T00:00:00+07:00"})
