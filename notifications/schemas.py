"""Request and response shapes of the notification endpoints."""

from __future__ import annotations

import marshmallow as ma

from app.core.fields import Pattern
from app.core.pagination import PageArgs
from app.core.sync import UpdatedSince
from notifications.models import KINDS, PLATFORMS, PUSH_FAILED, PUSH_STATUSES, TOKEN_KINDS

#: FCM registration tokens (~160 characters) and installation ids (22): URL-safe characters only.
TARGET_PATTERN = r"^[A-Za-z0-9_:.\-]{16,512}$"


class LinkSchema(ma.Schema):
    type = ma.fields.String(required=True, metadata={"example": "complaint"})
    id = ma.fields.Integer(required=True, metadata={"example": 123})


class NotificationSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata={"example": 42})
    kind = ma.fields.String(required=True, metadata={"enum": list(KINDS)})
    title = ma.fields.String(required=True, metadata={"example": "Aduan Anda diverifikasi"})
    body = ma.fields.String(required=True, metadata={"example": "Aduan ADU-2026-000123 diteruskan ke Dinas PU."})
    link = ma.fields.Nested(
        LinkSchema, required=True, allow_none=True, metadata={"description": "Deep link the app opens."}
    )
    data = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), required=True)
    audience = ma.fields.String(required=True, metadata={"enum": ["personal", "area"]})
    area_key = ma.fields.String(
        required=True, allow_none=True, metadata={"description": "Target of a broadcast (area code or RW key)."}
    )
    created_at = ma.fields.DateTime(required=True)
    read = ma.fields.Boolean(required=True)


class InboxQuerySchema(PageArgs):
    unread = ma.fields.Boolean(load_default=False, metadata={"description": "Only unread notifications."})
    updated_since = UpdatedSince()

    @ma.validates_schema
    def _one_kind_of_list(self, data: dict, **_: object) -> None:
        if data.get("unread") and data.get("updated_since") is not None:
            raise ma.ValidationError({"unread": ["Not with updated_since (a delta carries the read state)."]})


class UnreadCountSchema(ma.Schema):
    unread = ma.fields.Integer(required=True, metadata={"example": 3})
    capped = ma.fields.Boolean(
        required=True, metadata={"description": "True when there are more than `unread` (show 99+)."}
    )


class PreferencesSchema(ma.Schema):
    complaint_update = ma.fields.Boolean(required=True)
    announcement = ma.fields.Boolean(required=True)
    news = ma.fields.Boolean(required=True)
    survey = ma.fields.Boolean(required=True)


class JsonBoolean(ma.fields.Boolean):
    """JSON true/false only (marshmallow's Boolean also takes 0, 1, "yes"…, which the documented type does not)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value is not True and value is not False:
            raise self.make_error("invalid", input=value)
        return value


def _json_bool() -> ma.fields.Boolean:
    return JsonBoolean()


class PreferencesUpdateSchema(ma.Schema):
    complaint_update = _json_bool()
    announcement = _json_bool()
    news = _json_bool()
    survey = _json_bool()


class DeviceCreateSchema(ma.Schema):
    token = ma.fields.String(
        required=True,
        validate=Pattern(TARGET_PATTERN, error="Not an FCM registration token or installation id."),
        metadata={"description": "FCM registration token or Firebase installation id.", "example": "dXNlcjE2:APA91b"},
    )
    token_kind = ma.fields.String(
        load_default="registration_token",
        validate=ma.validate.OneOf(TOKEN_KINDS),
        metadata={"description": "What `token` is; installation ids are sent as `fid`."},
    )
    platform = ma.fields.String(required=True, validate=ma.validate.OneOf(PLATFORMS))
    app_version = ma.fields.String(
        load_default=None, allow_none=True, validate=ma.validate.Length(max=32), metadata={"example": "1.4.0"}
    )
    locale = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=[ma.validate.Length(max=16), Pattern(r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$")],
        metadata={"example": "id-ID"},
    )


class DeviceSchema(ma.Schema):
    token = ma.fields.String(required=True)
    token_kind = ma.fields.String(required=True, metadata={"enum": list(TOKEN_KINDS)})
    platform = ma.fields.String(required=True, metadata={"enum": list(PLATFORMS)})
    app_version = ma.fields.String(required=True, allow_none=True)
    locale = ma.fields.String(required=True, allow_none=True)
    created_at = ma.fields.DateTime(required=True)
    last_seen_at = ma.fields.DateTime(required=True)


class DeliveryQuerySchema(PageArgs):
    push_status = ma.fields.String(load_default=PUSH_FAILED, validate=ma.validate.OneOf(PUSH_STATUSES))


class DeliverySchema(ma.Schema):
    """Push delivery of one notification, for admins (no body: personal texts stay private)."""

    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, metadata={"enum": list(KINDS)})
    title = ma.fields.String(required=True)
    audience = ma.fields.String(required=True, metadata={"enum": ["personal", "area"]})
    area_key = ma.fields.String(required=True, allow_none=True)
    user_id = ma.fields.Integer(required=True, allow_none=True)
    push_status = ma.fields.String(required=True, metadata={"enum": list(PUSH_STATUSES)})
    push_attempts = ma.fields.Integer(required=True)
    push_error = ma.fields.String(required=True, allow_none=True)
    sent_count = ma.fields.Integer(required=True)
    failed_count = ma.fields.Integer(required=True)
    pruned_count = ma.fields.Integer(required=True)
    created_at = ma.fields.DateTime(required=True)
    pushed_at = ma.fields.DateTime(required=True, allow_none=True)
