"""Request and response shapes of the survey builder and of a survey as read."""

from __future__ import annotations

import marshmallow as ma

from app.areas.codes import AREA_CODE_PATTERN, MAX_RW
from app.core.fields import Pattern, PlainText, StrictBoolean, WholeInteger
from app.core.pagination import PageArgs
from app.core.sync import SyncArgs
from surveys import states as st
from surveys.models import (
    DESCRIPTION_MAX,
    OPTION_LABEL_MAX,
    QUESTION_DESCRIPTION_MAX,
    QUESTION_TITLE_MAX,
    SHORT_TEXT_MAX,
    TITLE_MAX,
)

_BOUND = 1e12
_number = {"allow_nan": False, "validate": ma.validate.Range(-_BOUND, _BOUND)}


class SurveyConditionInSchema(ma.Schema):
    question = WholeInteger(
        required=True,
        validate=ma.validate.Range(0, 99),
        metadata={"description": "Index (0-based) of an earlier question in `items`.", "example": 0},
    )
    operator = ma.fields.String(required=True, validate=ma.validate.OneOf(st.OPERATORS), metadata={"example": "equals"})
    option = WholeInteger(
        load_default=None,
        validate=ma.validate.Range(0, 49),
        metadata={"description": "Index (0-based) of that question's option (`equals`, `not_equals`).", "example": 1},
    )


class SurveyItemInSchema(ma.Schema):
    type = ma.fields.String(
        required=True, validate=ma.validate.OneOf(st.ITEM_TYPES), metadata={"example": "single_choice"}
    )
    title = PlainText(
        required=True, validate=ma.validate.Length(1, QUESTION_TITLE_MAX), metadata={"example": "Seberapa puas Anda?"}
    )
    description = PlainText(
        load_default=None, allow_none=True, multiline=True, validate=ma.validate.Length(max=QUESTION_DESCRIPTION_MAX)
    )
    required = StrictBoolean(load_default=False, metadata={"example": True})
    options = ma.fields.List(
        PlainText(validate=ma.validate.Length(1, OPTION_LABEL_MAX)),
        load_default=list,
        validate=ma.validate.Length(max=50),
        metadata={"description": "Answer options (choice, ranking; a matrix's columns).", "example": ["Ya", "Tidak"]},
    )
    rows = ma.fields.List(
        PlainText(validate=ma.validate.Length(1, OPTION_LABEL_MAX)),
        load_default=list,
        validate=ma.validate.Length(max=30),
        metadata={"description": "A matrix's rows.", "example": []},
    )
    min_choices = WholeInteger(load_default=None, allow_none=True, validate=ma.validate.Range(0, 51))
    max_choices = WholeInteger(load_default=None, allow_none=True, validate=ma.validate.Range(1, 51))
    max_length = WholeInteger(load_default=None, allow_none=True, validate=ma.validate.Range(1, SHORT_TEXT_MAX))
    min_value = ma.fields.Float(load_default=None, allow_none=True, **_number)
    max_value = ma.fields.Float(load_default=None, allow_none=True, **_number)
    integer_only = StrictBoolean(load_default=False)
    allow_other = StrictBoolean(
        load_default=False, metadata={"description": "Offer \u201cother (please specify)\u201d."}
    )
    condition = ma.fields.Nested(SurveyConditionInSchema, load_default=None, allow_none=True)


_ITEMS_DOC = {
    "description": "The ordered items: questions, `section` headings and `text` blocks. Replaces every item; "
    "refused (409) once someone has answered.",
    "example": [{"type": "yes_no", "title": "Apakah jalan di RW Anda sudah diperbaiki?", "required": True}],
}


def _survey_fields(create: bool) -> dict[str, ma.fields.Field]:
    """The builder's fields: required (or with defaults) when creating, all optional when updating."""

    def opt(default: object) -> dict[str, object]:
        return {"load_default": default} if create else {}

    req = {"required": True} if create else {}
    return {
        "title": PlainText(
            validate=ma.validate.Length(1, TITLE_MAX), metadata={"example": "Survei kepuasan layanan"}, **req
        ),
        "description": PlainText(
            allow_none=True,
            multiline=True,
            validate=ma.validate.Length(max=DESCRIPTION_MAX),
            metadata={"example": None},
            **opt(None),
        ),
        "area_code": ma.fields.String(
            validate=Pattern(AREA_CODE_PATTERN),
            metadata={"description": "Target area, province to desa.", "example": "32.73"},
            **req,
        ),
        "rw": WholeInteger(
            allow_none=True,
            validate=ma.validate.Range(1, MAX_RW),
            metadata={"description": "An RW of the target desa.", "example": None},
            **opt(None),
        ),
        "opens_at": ma.fields.AwareDateTime(metadata={"example": "2026-12-01T00:00:00+07:00"}, **req),
        "closes_at": ma.fields.AwareDateTime(metadata={"example": "2026-12-31T23:59:00+07:00"}, **req),
        "anonymous": StrictBoolean(metadata={"example": True}, **opt(False)),
        "results_visibility": ma.fields.String(
            validate=ma.validate.OneOf(st.RESULTS_VISIBILITY),
            metadata={"example": "everyone_after_close"},
            **opt(st.RESULTS_STAFF),
        ),
        "items": ma.fields.List(
            ma.fields.Nested(SurveyItemInSchema), validate=ma.validate.Length(max=100), metadata=_ITEMS_DOC, **opt(list)
        ),
    }


SurveyCreateSchema = type(
    "SurveyCreateSchema",
    (ma.Schema,),
    {
        "kind": ma.fields.String(required=True, validate=ma.validate.OneOf(st.KINDS), metadata={"example": "survey"}),
        **_survey_fields(create=True),
        "__doc__": "A new draft survey or poll.",
    },
)
SurveyUpdateSchema = type(
    "SurveyUpdateSchema",
    (ma.Schema,),
    {**_survey_fields(create=False), "__doc__": "Only the fields sent change."},
)


# --- read shapes ---------------------------------------------------------------------------------------------------


class SurveyOptionSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata={"example": 11})
    label = ma.fields.String(required=True, metadata={"example": "Puas"})


class SurveyConditionSchema(ma.Schema):
    question_id = ma.fields.Integer(required=True, metadata={"example": 3})
    operator = ma.fields.String(required=True, metadata={"enum": list(st.OPERATORS), "example": "equals"})
    option_id = ma.fields.Integer(required=True, allow_none=True, metadata={"example": 12})


class SurveyItemSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata={"example": 3})
    position = ma.fields.Integer(required=True, metadata={"example": 0})
    type = ma.fields.String(required=True, metadata={"enum": list(st.ITEM_TYPES), "example": "single_choice"})
    title = ma.fields.String(required=True, metadata={"example": "Seberapa puas Anda?"})
    description = ma.fields.String(required=True, allow_none=True, metadata={"example": None})
    required = ma.fields.Boolean(required=True, metadata={"example": True})
    options = ma.fields.List(ma.fields.Nested(SurveyOptionSchema), required=True)
    rows = ma.fields.List(ma.fields.Nested(SurveyOptionSchema), required=True)
    min_choices = ma.fields.Integer(required=True, allow_none=True, metadata={"example": None})
    max_choices = ma.fields.Integer(required=True, allow_none=True, metadata={"example": None})
    max_length = ma.fields.Integer(required=True, allow_none=True, metadata={"example": None})
    min_value = ma.fields.Float(required=True, allow_none=True, metadata={"example": None})
    max_value = ma.fields.Float(required=True, allow_none=True, metadata={"example": None})
    integer_only = ma.fields.Boolean(required=True, metadata={"example": False})
    allow_other = ma.fields.Boolean(required=True, metadata={"example": False})
    condition = ma.fields.Nested(SurveyConditionSchema, required=True, allow_none=True)


class SurveySummarySchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata={"example": 7})
    kind = ma.fields.String(required=True, metadata={"enum": list(st.KINDS), "example": "survey"})
    status = ma.fields.String(required=True, metadata={"enum": list(st.STATUSES), "example": "published"})
    title = ma.fields.String(required=True, metadata={"example": "Survei kepuasan layanan"})
    description = ma.fields.String(required=True, allow_none=True, metadata={"example": None})
    area_code = ma.fields.String(required=True, metadata={"example": "32.73"})
    rw = ma.fields.Integer(required=True, allow_none=True, metadata={"example": None})
    opens_at = ma.fields.DateTime(required=True, metadata={"example": "2026-12-01T00:00:00+00:00"})
    closes_at = ma.fields.DateTime(required=True, metadata={"example": "2026-12-08T00:00:00+00:00"})
    anonymous = ma.fields.Boolean(required=True, metadata={"example": True})
    results_visibility = ma.fields.String(
        required=True, metadata={"enum": list(st.RESULTS_VISIBILITY), "example": "staff"}
    )
    is_open = ma.fields.Boolean(required=True, metadata={"example": True})
    answered = ma.fields.Boolean(
        required=True, metadata={"description": "Whether the caller has answered (false for staff).", "example": False}
    )
    can_see_results = ma.fields.Boolean(required=True, metadata={"example": False})
    updated_at = ma.fields.DateTime(required=True)
    question = ma.fields.Nested(
        SurveyItemSchema,
        required=True,
        allow_none=True,
        metadata={"description": "A poll's one question, to show it inline; null for a survey."},
    )


class SurveySchema(SurveySummarySchema):
    created_at = ma.fields.DateTime(required=True)
    published_at = ma.fields.DateTime(required=True, allow_none=True, metadata={"example": "2026-12-01T02:00:00+00:00"})
    closed_at = ma.fields.DateTime(required=True, allow_none=True)
    has_responses = ma.fields.Boolean(
        required=True,
        metadata={"description": "Staff: once true, the questions can no longer change.", "example": False},
    )
    items = ma.fields.List(ma.fields.Nested(SurveyItemSchema), required=True)


class SurveyListArgs(PageArgs, SyncArgs):
    open = ma.fields.Boolean(
        load_default=False, metadata={"description": "Only those open for answers now.", "example": False}
    )


class ManageListArgs(PageArgs):
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(st.STATUSES))
    kind = ma.fields.String(load_default=None, validate=ma.validate.OneOf(st.KINDS))
