"""Request and response shapes of office handling. Write schemas list exactly what a handler may set; the inbox and
action answers are built by ``handling.presenters`` (plain dicts written by ``json_response``) and documented here."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from app.core.fields import MAX_ID, IdField, PlainText, StrictBoolean
from app.core.pagination import PageArgs
from complaints.intake.models import STAGE_ROLES
from complaints.intake.schemas import ComplaintHeadSchema
from complaints.offices.schemas import OfficeRefSchema, OfficeSchema
from complaints.states import STATUSES

NOTE_MAX = 1000
REASON_MAX = 1000
RESOLUTION_NOTE_MAX = 2000


def _note(description: str, example: str, *, required: bool = False, max_len: int = NOTE_MAX) -> PlainText:
    kwargs: dict[str, Any] = {"required": True} if required else {"load_default": None, "allow_none": True}
    return PlainText(
        multiline=True,
        validate=ma.validate.Length(1 if required else 0, max_len),
        metadata={"description": description, "example": example},
        **kwargs,
    )


# --- requests --------------------------------------------------------------------------------------------------


class HandlingNoteSchema(ma.Schema):
    note = _note("Optional; the reporter is told it with the new status.", "Tim kami akan meninjau lokasi besok.")


class AssignSchema(ma.Schema):
    user_id = IdField(
        required=True,
        allow_none=True,
        metadata={"description": "An effective member of the office; null removes the assignee.", "example": 4},
    )
    office_id = IdField(
        load_default=None,
        metadata={
            "description": "Whose stage to assign, when you work for both the lead office and a co-handling one "
            "(default: the lead office if you work for it, else your co-handling office)."
        },
    )


class TransferSchema(ma.Schema):
    office_id = IdField(required=True, metadata={"description": "Another active office covering the complaint's desa."})
    reason = _note(
        "Why (required): shown in the history and told to the reporter.",
        "Saluran drainase kewenangan UPT Drainase Wilayah Sukasari.",
        required=True,
        max_len=REASON_MAX,
    )


class CoHandlerSchema(ma.Schema):
    office_id = IdField(required=True, metadata={"description": "An active office covering the complaint's desa."})
    note = _note("What the co-handling office is asked to do.", "Mohon koordinasi pemangkasan pohon di lokasi.")


class ResolveSchema(ma.Schema):
    note = _note(
        "What was done (required, 1-2000 characters): the reporter is told it.",
        "Lubang sudah ditambal dan diaspal ulang pada 12 Maret.",
        required=True,
        max_len=RESOLUTION_NOTE_MAX,
    )


def _assignee(value: str) -> str | int:
    if value in ("me", "none"):
        return value
    if len(value) <= 19 and value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_ID:
        return int(value)
    raise ma.ValidationError("A user id, 'me' or 'none'.")


class AssigneeFilter(ma.fields.String):
    """``me``, ``none`` or a user id."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | int:
        return _assignee(super()._deserialize(value, attr, data, **kwargs))


class OfficeInboxArgs(PageArgs):
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(list(STATUSES)))
    category = IdField(load_default=None, metadata={"description": "A category, with its sub-categories."})
    overdue = ma.fields.Boolean(
        load_default=None,
        metadata={"description": "true: past their open deadline now; false: not (including no open deadline)."},
    )
    assignee = AssigneeFilter(
        load_default=None,
        metadata={"description": "A user id, `me`, or `none` (unassigned).", "example": "me"},
    )
    role = ma.fields.String(
        load_default=None,
        validate=ma.validate.OneOf(STAGE_ROLES),
        metadata={"description": "`lead`: the office leads the handling; `co`: it co-handles (koordinasi)."},
    )


# --- answers ---------------------------------------------------------------------------------------------------


class MyOfficeSchema(OfficeSchema):
    """An office I work for: the office without its timestamps, and whether I head it."""

    class Meta:
        exclude = ("created_at", "updated_at")

    is_head = ma.fields.Boolean(required=True, metadata={"description": "Heads receive SLA escalations."})


class MyOfficesSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(MyOfficeSchema), required=True)


class AssigneeSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata={"example": 4})
    name = ma.fields.String(required=True, metadata={"example": "Petugas Dinas PU"})


class InboxStageSchema(ma.Schema):
    """One office's stage on a complaint, with its deadlines (UTC)."""

    id = ma.fields.Integer(required=True)
    role = ma.fields.String(required=True, metadata={"enum": list(STAGE_ROLES)})
    assignee = ma.fields.Nested(AssigneeSchema, required=True, allow_none=True)
    started_at = ma.fields.DateTime(required=True)
    response_due_at = ma.fields.DateTime(required=True, allow_none=True)
    resolution_due_at = ma.fields.DateTime(required=True, allow_none=True)
    due_at = ma.fields.DateTime(
        required=True, allow_none=True, metadata={"description": "The next open deadline (null: nothing due)."}
    )
    overdue = StrictBoolean(required=True, metadata={"description": "`due_at` has passed."})
    due_provisional = StrictBoolean(
        required=True, metadata={"description": "A year the deadlines span has no official holiday data yet."}
    )
    responded_at = ma.fields.DateTime(required=True, allow_none=True)
    reason = ma.fields.String(required=True, allow_none=True, metadata={"description": "Why the office got it."})


class InboxItemSchema(ComplaintHeadSchema):
    """A complaint in an office's inbox: the texts as written (staff), and the office's stage on it."""

    desa_code = ma.fields.String(required=True, metadata={"example": "32.73.01.1001"})
    rw = ma.fields.Integer(required=True, allow_none=True)
    created_at = ma.fields.DateTime(required=True)
    photo_count = ma.fields.Integer(required=True)
    thumbnail_url = ma.fields.String(required=True, allow_none=True)
    stage = ma.fields.Nested(InboxStageSchema, required=True)


class HandlingStageSchema(InboxStageSchema):
    office = ma.fields.Nested(OfficeRefSchema, required=True)


class HandlingSchema(ma.Schema):
    """Where the handling of a complaint stands after an action."""

    id = ma.fields.Integer(required=True)
    tracking_number = ma.fields.String(required=True)
    status = ma.fields.String(required=True, metadata={"enum": list(STATUSES)})
    office_id = ma.fields.Integer(required=True, allow_none=True, metadata={"description": "The lead office."})
    first_response_at = ma.fields.DateTime(required=True, allow_none=True)
    resolved_at = ma.fields.DateTime(required=True, allow_none=True)
    response_due_at = ma.fields.DateTime(required=True, allow_none=True)
    resolution_due_at = ma.fields.DateTime(required=True, allow_none=True)
    stages = ma.fields.List(
        ma.fields.Nested(HandlingStageSchema), required=True, metadata={"description": "Active stages, lead first."}
    )
