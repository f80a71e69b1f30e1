"""Shapes of the results, the text answers and the exports."""

from __future__ import annotations

import marshmallow as ma

from app.accounts.privacy.models import EXPORT_STATES
from app.areas.codes import AREA_CODE_PATTERN
from app.core.fields import Pattern
from app.core.pagination import PageArgs
from surveys import states as st
from surveys.results import BREAKDOWNS


class ResultsArgs(ma.Schema):
    area = ma.fields.String(
        load_default=None,
        validate=Pattern(AREA_CODE_PATTERN),
        metadata={"description": "Only respondents whose home lies in this area.", "example": "32.73"},
    )
    breakdown = ma.fields.String(
        load_default=None,
        validate=ma.validate.OneOf(BREAKDOWNS),
        metadata={"description": "Also give the figures per kab/kota, kecamatan or desa of the respondents' homes."},
    )


class ExportArgs(ma.Schema):
    format = ma.fields.String(
        load_default="csv", validate=ma.validate.OneOf(("csv", "xlsx")), metadata={"example": "csv"}
    )


class ExportStartSchema(ma.Schema):
    format = ma.fields.String(
        load_default="csv", validate=ma.validate.OneOf(("csv", "xlsx")), metadata={"example": "xlsx"}
    )


class SurveyExportSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata={"example": 31})
    format = ma.fields.String(required=True, metadata={"enum": ["csv", "xlsx"], "example": "csv"})
    status = ma.fields.String(required=True, metadata={"enum": list(EXPORT_STATES), "example": "ready"})
    requested_at = ma.fields.DateTime(required=True)
    ready_at = ma.fields.DateTime(required=True, allow_none=True)
    expires_at = ma.fields.DateTime(
        required=True, allow_none=True, metadata={"description": "The download works until then (24 h)."}
    )
    size_bytes = ma.fields.Integer(required=True, allow_none=True, metadata={"example": 104857600})
    download_url = ma.fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "Set while ready: fetch it with the requester's bearer token (nobody else's works).",
            "example": "/api/v1/surveys/7/exports/31/download",
        },
    )


class SurveyCountSchema(ma.Schema):
    count = ma.fields.Integer(required=True, metadata={"example": 12})
    percent = ma.fields.Float(required=True, metadata={"example": 25.0})


class SurveyOptionCountSchema(SurveyCountSchema):
    option_id = ma.fields.Integer(required=True, metadata={"example": 11})
    label = ma.fields.String(required=True, metadata={"example": "Puas"})


class SurveyRankSchema(ma.Schema):
    option_id = ma.fields.Integer(required=True, metadata={"example": 11})
    label = ma.fields.String(required=True, metadata={"example": "Jalan"})
    score = ma.fields.Integer(
        required=True, metadata={"description": "Borda score: k points for first place … 1 for last.", "example": 31}
    )
    average_rank = ma.fields.Float(required=True, allow_none=True, metadata={"example": 1.6})
    first = ma.fields.Integer(required=True, metadata={"description": "Times ranked first.", "example": 7})


class SurveyMatrixRowSchema(ma.Schema):
    row_id = ma.fields.Integer(required=True, metadata={"example": 21})
    label = ma.fields.String(required=True, metadata={"example": "Kecepatan"})
    answered = ma.fields.Integer(required=True, metadata={"example": 12})
    options = ma.fields.List(ma.fields.Nested(SurveyOptionCountSchema), required=True)


class SurveyValueCountSchema(SurveyCountSchema):
    value = ma.fields.Integer(required=True, metadata={"description": "yes_no: 1 is yes, 0 is no.", "example": 4})


class SurveyNumberStatsSchema(ma.Schema):
    min = ma.fields.Float(required=True, allow_none=True, metadata={"example": 17})
    max = ma.fields.Float(required=True, allow_none=True, metadata={"example": 80})
    mean = ma.fields.Float(required=True, allow_none=True, metadata={"example": 38.5})
    median = ma.fields.Float(required=True, allow_none=True, metadata={"example": 36})


class SurveyQuestionResultSchema(ma.Schema):
    """Figures of one question; which fields appear depends on its type."""

    question_id = ma.fields.Integer(required=True, metadata={"example": 3})
    type = ma.fields.String(required=True, metadata={"enum": list(st.QUESTION_TYPES), "example": "single_choice"})
    answered = ma.fields.Integer(required=True, metadata={"description": "Respondents who answered it.", "example": 48})
    options = ma.fields.List(
        ma.fields.Nested(SurveyOptionCountSchema),
        metadata={"description": "Choice questions: each option on its own (multiple choice sums past 100 %)."},
    )
    other = ma.fields.Nested(SurveyCountSchema, allow_none=True)
    ranking = ma.fields.List(ma.fields.Nested(SurveyRankSchema), metadata={"description": "Best score first."})
    matrix = ma.fields.List(ma.fields.Nested(SurveyMatrixRowSchema))
    distribution = ma.fields.List(ma.fields.Nested(SurveyValueCountSchema))
    average = ma.fields.Float(allow_none=True, metadata={"example": 3.9})
    nps = ma.fields.Float(
        allow_none=True,
        metadata={"description": "0-10 scale: % promoters (9-10) - % detractors (0-6).", "example": 12.5},
    )
    number = ma.fields.Nested(SurveyNumberStatsSchema)
    texts_visible = ma.fields.Boolean(
        metadata={"description": "Text questions: whether the caller may read the answers.", "example": True}
    )


class SurveyGroupResultSchema(ma.Schema):
    area_code = ma.fields.String(required=True, allow_none=True, metadata={"example": "32.73"})
    respondents = ma.fields.Integer(required=True, metadata={"example": 40})
    suppressed = ma.fields.Boolean(
        required=True,
        metadata={"description": "Anonymous survey, too few respondents here: answers not shown.", "example": False},
    )
    questions = ma.fields.List(ma.fields.Nested(SurveyQuestionResultSchema), required=True)


class SurveyResultsSchema(ma.Schema):
    survey_id = ma.fields.Integer(required=True, metadata={"example": 7})
    area = ma.fields.String(required=True, allow_none=True, metadata={"example": None})
    breakdown = ma.fields.String(required=True, allow_none=True, metadata={"enum": list(BREAKDOWNS), "example": None})
    respondents = ma.fields.Integer(required=True, metadata={"example": 48})
    questions = ma.fields.List(ma.fields.Nested(SurveyQuestionResultSchema), required=True)
    groups = ma.fields.List(ma.fields.Nested(SurveyGroupResultSchema), required=True)


class SurveyTextAnswerSchema(ma.Schema):
    text = ma.fields.String(required=True, metadata={"example": "Perbaiki drainase di gang kami."})
    kabkota_code = ma.fields.String(required=True, allow_none=True, metadata={"example": "32.73"})


class TextAnswersArgs(PageArgs):
    pass
