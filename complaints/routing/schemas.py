from __future__ import annotations

import marshmallow as ma

from app.areas.codes import AREA_CODE_PATTERN
from app.core.fields import IdField, Pattern
from app.core.pagination import PageArgs
from complaints.offices.schemas import ActiveOfficeRefSchema

_area = Pattern(AREA_CODE_PATTERN, error="An area code such as 32.73.01.1001.")
_match = {
    "enum": ["category", "parent_category", "default"],
    "description": "`category`: a rule for the complaint's category; `parent_category`: for a parent category; "
    "`default`: the area's default office (a rule without category).",
}


class RuleSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata={"example": 1})
    category_id = ma.fields.Integer(
        required=True, allow_none=True, metadata={"description": "null: the area's default office."}
    )
    area_code = ma.fields.String(required=True, metadata={"example": "32.73"})
    office_id = ma.fields.Integer(required=True)
    office = ma.fields.Nested(ActiveOfficeRefSchema, required=True)
    created_at = ma.fields.DateTime(required=True)
    updated_at = ma.fields.DateTime(required=True)


class RuleCreateSchema(ma.Schema):
    category_id = IdField(required=True, allow_none=True)
    area_code = ma.fields.String(required=True, validate=_area, metadata={"example": "32.73"})
    office_id = IdField(required=True)


class RuleUpdateSchema(ma.Schema):
    office_id = IdField(required=True)


class RuleQuerySchema(PageArgs):
    category_id = IdField(load_default=None)
    default_only = ma.fields.Boolean(load_default=False, metadata={"description": "Only rules without category."})
    area_code = ma.fields.String(
        load_default=None,
        validate=_area,
        metadata={"description": "Only rules for areas inside this one.", "example": "32.73.01"},
    )
    office_id = IdField(load_default=None)


class ResolveQuerySchema(ma.Schema):
    category = IdField(required=True)
    area = ma.fields.String(
        required=True,
        validate=_area,
        metadata={"description": "Where the complaint is: usually a desa/kelurahan.", "example": "32.73.01.1001"},
    )


class ResolutionSchema(ma.Schema):
    office_id = ma.fields.Integer(required=True)
    rule_id = ma.fields.Integer(required=True)
    match = ma.fields.String(required=True, metadata=_match)
    rule_area_code = ma.fields.String(required=True)
    rule_category_id = ma.fields.Integer(required=True, allow_none=True)


class CandidateSchema(ma.Schema):
    rule_id = ma.fields.Integer(required=True)
    category_id = ma.fields.Integer(required=True, allow_none=True)
    area_code = ma.fields.String(required=True)
    match = ma.fields.String(required=True, metadata=_match)
    office = ma.fields.Nested(ActiveOfficeRefSchema, required=True)
    outcome = ma.fields.String(
        required=True,
        metadata={
            "enum": ["applied", "skipped_inactive_office", "not_reached"],
            "description": "What happened to this candidate: it applied, its office is inactive so the next one "
            "was tried, or an earlier candidate already applied.",
        },
    )


class ExplanationSchema(ma.Schema):
    category_id = ma.fields.Integer(required=True)
    area_code = ma.fields.String(required=True)
    resolution = ma.fields.Nested(
        ResolutionSchema,
        required=True,
        allow_none=True,
        metadata={"description": "null: no rule applies; the complaint waits in moderation."},
    )
    candidates = ma.fields.List(
        ma.fields.Nested(CandidateSchema),
        required=True,
        metadata={"description": "Every matching rule, in precedence order."},
    )
