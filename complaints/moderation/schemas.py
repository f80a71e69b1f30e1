"""Request and response shapes of moderation. Write schemas list exactly what a moderator (or the reporter, for an
answer) may set; read schemas document the dicts ``moderation.presenters`` builds."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from app.core.fields import IdField, Pattern, PlainText, StrictBoolean
from app.core.pagination import PageArgs
from complaints.conversation.models import BODY_MAX
from complaints.intake.models import ADDRESS_MAX, DESCRIPTION_MAX, REJECTION_REASONS, TITLE_MAX
from complaints.intake.schemas import (
    DESCRIPTION_MIN,
    TITLE_MIN,
    ComplaintItemSchema,
    ComplaintSchema,
    DuplicateOfSchema,
    ReporterSchema,
    ScreeningSchema,
    duplicate_of_field,
    lead_office_field,
)
from complaints.offices.schemas import OfficeRefSchema
from complaints.states import STATUSES

QUEUE_STATUSES = ("submitted", "needs_info")
NOTE_MAX = 1000
REDACTABLE = ("title", "description", "address")


def _note(*, required: bool, description: str, example: str) -> PlainText:
    return PlainText(
        required=required,
        load_default=None if not required else ma.missing,
        allow_none=not required,
        multiline=True,
        validate=ma.validate.Length(1, NOTE_MAX),
        metadata={"description": description, "example": example},
    )


def _QueryBoolean(**kwargs: Any) -> ma.fields.Boolean:
    """A query-string flag: ``true`` or ``false`` (also 1 / 0)."""
    return ma.fields.Boolean(truthy={"true", "1"}, falsy={"false", "0"}, **kwargs)


class QueueArgs(PageArgs):
    status = ma.fields.String(
        load_default="submitted",
        validate=ma.validate.OneOf(QUEUE_STATUSES),
        metadata={
            "description": "submitted (default: waiting for a moderator) or needs_info (waiting for the reporter)."
        },
    )
    awaiting_route = _QueryBoolean(
        load_default=None,
        metadata={"description": "true: verified but no routing rule applies; an office must be picked."},
    )
    flagged = _QueryBoolean(
        load_default=None, metadata={"description": "true: screening flagged abusive language or personal data."}
    )
    category = IdField(load_default=None, metadata={"description": "A category, with its sub-categories."})
    area = ma.fields.String(
        load_default=None,
        validate=Pattern(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$", error="Not an area code."),
        metadata={"description": "Only this part of my area (an area outside it is a 403).", "example": "32.73.01"},
    )


class OriginalSchema(DuplicateOfSchema):
    """Another complaint, by its public face."""

    title = ma.fields.String(required=True, metadata={"description": "The public (masked) title."})
    status = ma.fields.String(required=True, metadata={"enum": list(STATUSES)})


class DuplicateSchema(OriginalSchema):
    distance_m = ma.fields.Float(required=True, metadata={"example": 42.5})


class QueueItemSchema(ComplaintItemSchema):
    """A complaint in the moderation queue: texts as written, screening and the likely duplicates."""

    reporter = ma.fields.Nested(ReporterSchema, required=True, allow_none=True)
    screening = ma.fields.Nested(ScreeningSchema, required=True)
    is_flagged = ma.fields.Boolean(required=True)
    awaiting_route = ma.fields.Boolean(
        required=True, metadata={"description": "Verified by a moderator, but no routing rule applies."}
    )
    likely_duplicates = ma.fields.List(
        ma.fields.Nested(DuplicateSchema),
        required=True,
        metadata={
            "description": "Up to 3 open complaints of the same category within ~200 m created in the 30 days "
            "before this one, nearest first."
        },
    )


class ModerationViewSchema(ComplaintSchema):
    """One complaint as its moderator sees it after an action: the detail, with the lead office's code and the
    original's title and status, and the moderation outcome."""

    office = lead_office_field(OfficeRefSchema)
    duplicate_of = duplicate_of_field(OriginalSchema)
    awaiting_route = ma.fields.Boolean(required=True)
    is_flagged = ma.fields.Boolean(required=True)
    verified_at = ma.fields.DateTime(required=True, allow_none=True)
    closed_at = ma.fields.DateTime(required=True, allow_none=True)


class VerifySchema(ma.Schema):
    office_id = IdField(
        load_default=None,
        allow_none=True,
        metadata={"description": "Route to this office instead of (or, with no rule, in place of) the rules."},
    )
    note = _note(required=False, description="For the history; the reporter sees it.", example="Terverifikasi.")


class RejectSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.OneOf(REJECTION_REASONS))
    note = _note(
        required=True,
        description="Why, in words the reporter reads.",
        example="Lokasi dan keterangan masalah belum jelas, silakan kirim aduan baru dengan foto.",
    )


class RequestInfoSchema(ma.Schema):
    note = _note(
        required=True,
        description="The question; the reporter reads it in the conversation and the notification.",
        example="Mohon kirim foto lokasi dan patokan terdekat.",
    )


class AnswerSchema(ma.Schema):
    body = PlainText(
        required=True,
        multiline=True,
        validate=ma.validate.Length(1, BODY_MAX),
        metadata={"example": "Lokasinya di depan SDN 5, patokan warung Bu Siti."},
    )


class MarkDuplicateSchema(ma.Schema):
    duplicate_of_id = IdField(required=True, metadata={"description": "The original complaint."})
    note = _note(required=False, description="Added to the history (optional).", example="Lokasi sama.")


class RedactSchema(ma.Schema):
    title = PlainText(validate=ma.validate.Length(TITLE_MIN, TITLE_MAX))
    description = PlainText(multiline=True, validate=ma.validate.Length(DESCRIPTION_MIN, DESCRIPTION_MAX))
    address = PlainText(validate=ma.validate.Length(1, ADDRESS_MAX))
    reason = PlainText(
        required=True,
        multiline=True,
        validate=ma.validate.Length(1, NOTE_MAX),
        metadata={"description": "Why (for the audit record).", "example": "Menyebut nama dan nomor HP warga."},
    )

    @ma.validates_schema
    def _one_text(self, data: dict[str, Any], **_: Any) -> None:
        if not any(name in data for name in REDACTABLE):
            raise ma.ValidationError("Give at least one of title, description, address.", "_schema")


class RedactionSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    field = ma.fields.String(required=True, metadata={"enum": list(REDACTABLE)})
    original = ma.fields.String(required=True)
    redacted = ma.fields.String(required=True)
    reason = ma.fields.String(required=True, allow_none=True)
    actor = ma.fields.Nested(ReporterSchema, required=True, allow_none=True)
    created_at = ma.fields.DateTime(required=True)


class ValidateSchema(ma.Schema):
    approved = StrictBoolean(required=True, metadata={"description": "true closes it; false sends it back."})
    note = _note(
        required=False,
        description="Required when approved is false: what is still wrong (the reporter sees it).",
        example="Foto penyelesaian belum menunjukkan jalan yang sudah ditambal.",
    )

    @ma.validates_schema
    def _note_when_refused(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("approved") is False and not data.get("note"):
            raise ma.ValidationError("Say what is still wrong.", "note")
