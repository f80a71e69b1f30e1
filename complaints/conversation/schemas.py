from __future__ import annotations

import marshmallow as ma

from app.accounts.roles import Role
from app.core.fields import PlainText
from complaints.conversation.models import BODY_MAX, VISIBILITIES


class MessageCreateSchema(ma.Schema):
    body = PlainText(
        required=True,
        multiline=True,
        validate=ma.validate.Length(1, BODY_MAX),
        metadata={"example": "Lubangnya sekarang makin besar, mohon segera ditangani."},
    )
    visibility = ma.fields.String(
        load_default="shared",
        validate=ma.validate.OneOf(VISIBILITIES),
        metadata={"description": "`shared` (reporter and staff) or `internal` (staff only)."},
    )


class MessageSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    body = ma.fields.String(required=True)
    visibility = ma.fields.String(required=True, metadata={"enum": list(VISIBILITIES)})
    from_reporter = ma.fields.Boolean(required=True)
    author_role = ma.fields.String(required=True, metadata={"example": Role.MODERATOR.value})
    author_name = ma.fields.String(
        required=True, metadata={"description": 'Residents see "Petugas" for staff, never a staff member\'s name.'}
    )
    is_mine = ma.fields.Boolean(required=True)
    created_at = ma.fields.DateTime(required=True)
