"""Request and response shapes of answering: a response, and one's own response read back."""

from __future__ import annotations

import marshmallow as ma

from app.core.fields import IdField, PlainText, StrictBoolean
from surveys.models import SHORT_TEXT_MAX, TEXT_ANSWER_MAX

_BOUND = 1e12


class SurveyMatrixCellInSchema(ma.Schema):
    row_id = IdField(required=True)
    option_id = IdField(required=True)


class SurveyAnswerInSchema(ma.Schema):
    """One answer: ``question_id`` and the one field of its type."""

    question_id = IdField(required=True, metadata={"example": 3})
    option_id = IdField(metadata={"description": "single_choice: the option.", "example": 11})
    option_ids = ma.fields.List(
        IdField(), validate=ma.validate.Length(max=51), metadata={"description": "multiple_choice.", "example": [11]}
    )
    ranking = ma.fields.List(
        IdField(),
        validate=ma.validate.Length(max=20),
        metadata={"description": "ranking: every option, first choice first.", "example": [12, 11]},
    )
    rows = ma.fields.List(
        ma.fields.Nested(SurveyMatrixCellInSchema),
        validate=ma.validate.Length(max=30),
        metadata={"description": "matrix: one option per row.", "example": [{"row_id": 21, "option_id": 11}]},
    )
    text = PlainText(
        multiline=True,
        validate=ma.validate.Length(1, TEXT_ANSWER_MAX),
        metadata={"description": "short_text, long_text.", "example": "Perbaiki drainase."},
    )
    other = PlainText(
        validate=ma.validate.Length(1, SHORT_TEXT_MAX),
        metadata={"description": "\u201cOther (please specify)\u201d of a choice question.", "example": "Lainnya"},
    )
    value = ma.fields.Float(
        allow_nan=False,
        validate=ma.validate.Range(-_BOUND, _BOUND),
        metadata={"description": "rating (1-5), scale (0-10), number.", "example": 4},
    )
    yes = StrictBoolean(metadata={"description": "yes_no.", "example": True})
    date = ma.fields.Date(metadata={"description": "date (YYYY-MM-DD).", "example": "2026-12-01"})


class ResponseCreateSchema(ma.Schema):
    answers = ma.fields.List(
        ma.fields.Nested(SurveyAnswerInSchema),
        required=True,
        validate=ma.validate.Length(max=100),
        metadata={"description": "One answer per question shown; leave out the ones not answered."},
    )


class SurveyMatrixCellSchema(ma.Schema):
    row_id = ma.fields.Integer(required=True, metadata={"example": 21})
    option_id = ma.fields.Integer(required=True, metadata={"example": 11})


class SurveyAnswerSchema(ma.Schema):
    """An answer as given: ``question_id`` and the field(s) of its type."""

    question_id = ma.fields.Integer(required=True, metadata={"example": 3})
    option_id = ma.fields.Integer(metadata={"example": 11})
    option_ids = ma.fields.List(ma.fields.Integer(), metadata={"example": [11]})
    ranking = ma.fields.List(ma.fields.Integer(), metadata={"example": [12, 11]})
    rows = ma.fields.List(ma.fields.Nested(SurveyMatrixCellSchema))
    text = ma.fields.String(metadata={"example": "Perbaiki drainase."})
    other = ma.fields.String(metadata={"example": "Lainnya"})
    value = ma.fields.Float(metadata={"example": 4})
    yes = ma.fields.Boolean(metadata={"example": True})
    date = ma.fields.String(metadata={"example": "2026-12-01"})


class ResponseReceiptSchema(ma.Schema):
    survey_id = ma.fields.Integer(required=True, metadata={"example": 7})
    answered = ma.fields.Boolean(required=True, metadata={"example": True})
    can_see_results = ma.fields.Boolean(required=True, metadata={"example": False})


class OwnResponseSchema(ma.Schema):
    survey_id = ma.fields.Integer(required=True, metadata={"example": 7})
    submitted_at = ma.fields.DateTime(required=True, metadata={"example": "2026-12-02T03:04:05+00:00"})
    answers = ma.fields.List(ma.fields.Nested(SurveyAnswerSchema), required=True)
