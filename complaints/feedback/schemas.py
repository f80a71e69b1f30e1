"""Request and response shapes of the reporter's follow-up: the timeline, reopening and the rating."""

from __future__ import annotations

import marshmallow as ma

from app.core.fields import PlainText, WholeInteger
from complaints.offices.schemas import OfficeNameSchema
from complaints.states import STATUSES

NOTE_MAX = COMMENT_MAX = 1000
#: What a timeline entry records ("submitted" is the complaint's creation, the first entry).
TIMELINE_EVENTS = ("submitted", "status", "transfer", "co_handling", "reopen", "validation_failed")
#: Who acted, as a role label only: never a staff member's name or account.
ACTOR_LABELS = ("reporter", "moderator", "office", "staff", "system")


class TimelineEntrySchema(ma.Schema):
    at = ma.fields.DateTime(required=True)
    event = ma.fields.String(required=True, metadata={"enum": list(TIMELINE_EVENTS)})
    from_status = ma.fields.String(
        required=True, allow_none=True, metadata={"enum": [*STATUSES, None], "description": "null for `submitted`."}
    )
    to_status = ma.fields.String(required=True, metadata={"enum": list(STATUSES)})
    office = ma.fields.Nested(
        OfficeNameSchema,
        required=True,
        allow_none=True,
        metadata={"description": "The office concerned (routed to, transferred to, added as co-handler), or null."},
    )
    actor = ma.fields.String(
        required=True,
        metadata={
            "enum": list(ACTOR_LABELS),
            "description": "Who acted, as a role: `reporter`, `moderator` (moderators and admins), `office` (an "
            "office handler), `staff` (other officials), `system` (scheduled jobs, or an account since deleted).",
        },
    )
    note = ma.fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "What the reporter was told; only for the reporter and staff in scope, else null."},
    )


class ReopenSchema(ma.Schema):
    note = PlainText(
        required=True,
        multiline=True,
        validate=ma.validate.Length(1, NOTE_MAX),
        metadata={
            "description": "What is still wrong; the office reads it.",
            "example": "Lubangnya ditambal tapi sudah bolong lagi setelah hujan.",
        },
    )


class RatingCreateSchema(ma.Schema):
    score = WholeInteger(required=True, validate=ma.validate.Range(1, 5), metadata={"example": 4})
    comment = PlainText(
        load_default=None,
        allow_none=True,
        multiline=True,
        validate=ma.validate.Length(max=COMMENT_MAX),
        metadata={"example": "Cepat ditangani, terima kasih."},
    )


class RatingSchema(ma.Schema):
    score = ma.fields.Integer(required=True, metadata={"example": 4})
    comment = ma.fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The reporter's comment; only for the reporter and staff in scope, else null."},
    )
    created_at = ma.fields.DateTime(required=True)
