"""Every text a caller may write fits the column it is stored in: a longer one must be a 422, not a database error.

The test walks every schema the app's views parse from a body, a form or a header, and checks each String field's
longest accepted value (its ``Length`` max, ``OneOf`` choices or ``Regexp`` width) against the column of the same
name in the tables that schema writes. A new write schema must be listed in ``WRITES``.
"""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
import sqlalchemy as sa

from app.core.db import Base
from app.core.fields import Pattern

#: Which tables each write schema stores its fields in ([] for a schema whose texts are never stored as sent).
WRITES: dict[str, list[str]] = {
    "RegisterSchema": ["users"],
    "LoginSchema": [],
    "RefreshSchema": [],
    "PasswordChangeSchema": [],
    "MeUpdateSchema": ["users"],
    "StaffCreateSchema": ["users"],
    "StaffUpdateSchema": ["users"],
    "CategoryCreateSchema": ["complaint_categories"],
    "CategoryUpdateSchema": ["complaint_categories"],
    "OfficeCreateSchema": ["offices"],
    "OfficeUpdateSchema": ["offices"],
    "MemberCreateSchema": ["office_members"],
    "MemberUpdateSchema": ["office_members"],
    "RuleCreateSchema": ["routing_rules"],
    "RuleUpdateSchema": ["routing_rules"],
    "HolidayCreateSchema": ["sla_holidays"],
    "SubmitSchema": ["complaints"],
    "IdempotencyHeaderSchema": ["complaints"],
    "WithdrawSchema": ["complaint_history"],
    "PhotoUploadSchema": ["complaint_photos"],
    "MessageCreateSchema": ["complaint_messages"],
    "ReopenSchema": ["complaint_history"],
    "RatingCreateSchema": ["complaint_ratings"],
    "HandlingNoteSchema": ["complaint_history"],
    "AssignSchema": ["handling_stages"],
    "TransferSchema": ["handling_stages", "complaint_history"],
    "CoHandlerSchema": ["complaint_history"],
    "ResolveSchema": ["complaint_history"],
    "VerifySchema": ["complaint_history"],
    "RejectSchema": ["complaint_history"],
    "RequestInfoSchema": ["complaint_history"],
    "AnswerSchema": ["complaint_messages"],
    "MarkDuplicateSchema": ["complaint_history"],
    "RedactSchema": ["complaints", "complaint_redactions"],
    "ValidateSchema": ["complaint_history"],
    "PreferencesUpdateSchema": ["notification_preferences"],
    "DeviceCreateSchema": ["devices"],
    "NoticeCreateSchema": ["privacy_notices"],
    "ConsentAcceptSchema": [],  # a version to look up, not stored as given
    "AccountDeleteSchema": [],  # a password to check
    "PasswordResetSchema": [],  # stored as an argon2 hash
    "SurveyCreateSchema": ["surveys", "survey_questions", "survey_options"],
    "SurveyUpdateSchema": ["surveys", "survey_questions", "survey_options"],
    "ResponseCreateSchema": ["survey_answers"],
    "ExportStartSchema": [],  # a choice of format; the job row has no text from the caller
    "AnnouncementCreateSchema": ["announcements"],
    "AnnouncementUpdateSchema": ["announcements"],
    "AnnouncementImageUploadSchema": ["announcement_images"],
    "ChannelCreateSchema": ["news_channels"],
    "ChannelUpdateSchema": ["news_channels"],
    "TagCreateSchema": ["news_tags"],
    "TagUpdateSchema": ["news_tags"],
    "NewsImageUploadSchema": [],
    "ArticleCreateSchema": ["news_articles"],
    "ArticleUpdateSchema": ["news_articles"],
    "PublishSchema": ["news_articles"],
}

#: Fields stored under another name or not as sent: (schema, field) → the column, or None with the reason.
ELSEWHERE: dict[tuple[str, str], str | None] = {
    ("RegisterSchema", "password"): None,  # stored as an argon2 hash
    ("RegisterSchema", "phone"): None,  # stored normalised to E.164 (+62 and at most 13 digits)
    ("StaffCreateSchema", "password"): None,
    ("StaffCreateSchema", "phone"): None,
    ("RejectSchema", "reason"): "complaints.rejection_reason",
    ("RegisterSchema", "privacy_notice_version"): "privacy_notices.version",  # looked up, stored as a consent row
    # survey items: labels of options and rows go to survey_options.label, one per row
    ("SurveyCreateSchema", "items.options"): "survey_options.label",
    ("SurveyCreateSchema", "items.rows"): "survey_options.label",
    ("SurveyUpdateSchema", "items.options"): "survey_options.label",
    ("SurveyUpdateSchema", "items.rows"): "survey_options.label",
    ("SurveyCreateSchema", "items.title"): "survey_questions.title",
    ("SurveyUpdateSchema", "items.title"): "survey_questions.title",
    ("SurveyCreateSchema", "items.description"): "survey_questions.description",
    ("SurveyUpdateSchema", "items.description"): "survey_questions.description",
    ("SurveyCreateSchema", "items.type"): "survey_questions.type",
    ("SurveyUpdateSchema", "items.type"): "survey_questions.type",
    ("SurveyCreateSchema", "items.condition.operator"): "survey_questions.condition_operator",
    ("SurveyUpdateSchema", "items.condition.operator"): "survey_questions.condition_operator",
    # answers: texts, "other" and dates go to survey_answers.text_value
    ("ResponseCreateSchema", "answers.text"): "survey_answers.text_value",
    ("ResponseCreateSchema", "answers.other"): "survey_answers.text_value",
    ("ResponseCreateSchema", "answers.date"): None,  # a date, stored as its 10-character ISO text
    ("AnnouncementCreateSchema", "link.type"): "announcements.link_type",
    ("AnnouncementUpdateSchema", "link.type"): "announcements.link_type",
    ("ArticleCreateSchema", "body"): "news_articles.body_markdown",
    ("ArticleUpdateSchema", "body"): "news_articles.body_markdown",
}

WRITE_LOCATIONS = {"json", "form", "files", "headers"}


def _write_schemas(app) -> dict[str, ma.Schema]:
    found: dict[str, ma.Schema] = {}
    for view in app.view_functions.values():
        view_class = getattr(view, "view_class", None)
        methods = [getattr(view_class, m, None) for m in ("post", "put", "patch", "delete")] if view_class else []
        for fn in filter(None, methods):
            for param in getattr(fn, "_apidoc", {}).get("arguments", {}).get("parameters", []):
                if param["in"] in WRITE_LOCATIONS:
                    schema = param["schema"]
                    schema = schema() if isinstance(schema, type) else schema
                    found[type(schema).__name__] = schema
    return found


def _string_fields(schema: ma.Schema, prefix: str = "") -> list[tuple[str, ma.fields.Field]]:
    out: list[tuple[str, ma.fields.Field]] = []
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        while isinstance(field, ma.fields.List):
            field = field.inner
        if isinstance(field, ma.fields.Nested):
            out += _string_fields(field.schema, f"{prefix}{name}.")
        elif isinstance(field, ma.fields.String):
            out.append((prefix + (field.attribute or name), field))
    return out


def longest_accepted(field: ma.fields.Field) -> int | None:
    """The most characters the field lets through (None: no bound)."""
    bounds = []
    for validator in field.validators:
        if isinstance(validator, ma.validate.Length) and validator.max is not None:
            bounds.append(validator.equal or validator.max)
        elif isinstance(validator, ma.validate.OneOf):
            bounds.append(max(len(str(c)) for c in validator.choices))
        elif isinstance(validator, ma.validate.Regexp):
            width = re._parser.parse(validator.regex.pattern, validator.regex.flags).getwidth()[1]
            if width < re._parser.MAXWIDTH:
                # marshmallow's Regexp uses re.match: a final "$" also lets a trailing newline through
                loose = not isinstance(validator, Pattern) and validator.regex.pattern.endswith("$")
                bounds.append(width + (1 if loose else 0))
    return min(bounds) if bounds else None


def _column(tables: list[str], name: str) -> sa.Column[Any] | None:
    for table in tables:
        columns = Base.metadata.tables[table].columns
        if name in columns:
            return columns[name]
    return None


def test_every_write_schema_is_classified(app):
    unknown = sorted(set(_write_schemas(app)) - set(WRITES))
    assert not unknown, f"say which tables these schemas write (WRITES): {unknown}"


def test_no_write_field_can_hold_more_than_its_column(app):
    problems = []
    for schema_name, schema in sorted(_write_schemas(app).items()):
        for name, field in _string_fields(schema):
            key = (schema_name, name)
            if key in ELSEWHERE:
                target = ELSEWHERE[key]
                if target is None:
                    continue
                table, column_name = target.split(".")
                column = _column([table], column_name)
            else:
                column = _column(WRITES.get(schema_name, []), name)
                if column is None:
                    if WRITES.get(schema_name):
                        problems.append(f"{schema_name}.{name}: no column {name!r}; say where it goes (ELSEWHERE)")
                    continue
            assert column is not None, key
            limit = getattr(column.type, "length", None)
            if limit is None:
                continue  # TEXT
            longest = longest_accepted(field)
            if longest is None or longest > limit:
                problems.append(f"{schema_name}.{name}: accepts {longest or 'any'} characters, {column} holds {limit}")
    assert not problems, "\n".join(problems)


def test_longest_accepted_reads_the_validators():
    assert longest_accepted(ma.fields.String(validate=ma.validate.Length(max=16))) == 16
    assert longest_accepted(ma.fields.String(validate=ma.validate.OneOf(["ab", "abcd"]))) == 4
    assert longest_accepted(ma.fields.String(validate=ma.validate.Regexp(r"^\d{2}\Z"))) == 2
    assert longest_accepted(ma.fields.String(validate=ma.validate.Regexp(r"^\d{2}$"))) == 3
    assert longest_accepted(ma.fields.String(validate=Pattern(r"^\d{2}$"))) == 2
    assert longest_accepted(ma.fields.String(validate=ma.validate.Regexp(r"^[a-z]+$"))) is None
    assert longest_accepted(ma.fields.String()) is None
