"""Write schemas and query arguments of news.articles (exactly the fields a caller may set)."""

from __future__ import annotations

import datetime as dt

import marshmallow as ma
from flask_smorest.fields import Upload
from werkzeug.datastructures import FileStorage

from app.areas.codes import AREA_CODE_PATTERN
from app.core.fields import IdField, Pattern, TrimmedString, WholeInteger
from app.core.pagination import PageArgs
from app.core.sync import UpdatedSince
from news.articles import models as m

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
URL = r"^https?://[^\s]{1,490}$"

_SOURCE_DAYS = ma.validate.Range(min=dt.date(1900, 1, 1), max=dt.date(2100, 12, 31))
_url = {"validate": [ma.validate.Length(max=m.URL_MAX), Pattern(URL)], "allow_none": True}


class ChannelCreateSchema(ma.Schema):
    name = TrimmedString(required=True, validate=ma.validate.Length(2, m.CHANNEL_NAME_MAX))
    website = ma.fields.String(load_default=None, **_url, metadata={"example": "https://diskominfo.bandung.go.id"})


class ChannelUpdateSchema(ma.Schema):
    name = TrimmedString(validate=ma.validate.Length(2, m.CHANNEL_NAME_MAX))
    website = ma.fields.String(**_url, metadata={"example": "https://diskominfo.bandung.go.id"})
    is_active = ma.fields.Boolean()


class ChannelQuerySchema(PageArgs):
    include_inactive = ma.fields.Boolean(load_default=False, metadata={"description": "Admins only."})


class TagCreateSchema(ma.Schema):
    slug = ma.fields.String(required=True, validate=[ma.validate.Length(2, m.TAG_SLUG_MAX), Pattern(SLUG)])
    name = TrimmedString(required=True, validate=ma.validate.Length(2, m.TAG_NAME_MAX))


class TagUpdateSchema(ma.Schema):
    name = TrimmedString(required=True, validate=ma.validate.Length(2, m.TAG_NAME_MAX))


class NewsImageUploadSchema(ma.Schema):
    file = Upload(
        required=True,
        metadata={"description": "A JPEG, PNG, WebP or HEIC/HEIF image of at most 10 MB (stored re-encoded)."},
    )

    @ma.validates("file")
    def _is_file(self, value: object, **_: object) -> None:
        if not isinstance(value, FileStorage):
            raise ma.ValidationError("Send the image as a file part named 'file'.")


class _ArticleFields(ma.Schema):
    title = TrimmedString(validate=ma.validate.Length(3, m.TITLE_MAX))
    summary = TrimmedString(validate=ma.validate.Length(max=m.SUMMARY_MAX))
    body = ma.fields.String(
        validate=ma.validate.Length(max=m.BODY_MAX),
        metadata={"description": "Markdown (CommonMark, tables, strikethrough); stored rendered and sanitised."},
    )
    channel_id = IdField()
    tag_ids = ma.fields.List(IdField(), validate=ma.validate.Length(max=m.MAX_TAGS))
    area_code = ma.fields.String(
        validate=[ma.validate.Length(max=m.AREA_CODE_LENGTH), Pattern(AREA_CODE_PATTERN)],
        metadata={"description": "Target area: a province down to a desa/kelurahan.", "example": "32.73"},
    )
    source_url = ma.fields.String(**_url, metadata={"example": "https://jabarprov.go.id/berita/123"})
    source_date = ma.fields.Date(allow_none=True, validate=_SOURCE_DAYS)
    is_featured = ma.fields.Boolean()
    featured_order = WholeInteger(validate=ma.validate.Range(0, 1000))
    notify = ma.fields.Boolean(metadata={"description": "Push to the target area when published (once)."})


class ArticleCreateSchema(_ArticleFields):
    title = TrimmedString(required=True, validate=ma.validate.Length(3, m.TITLE_MAX))
    body = ma.fields.String(required=True, validate=ma.validate.Length(1, m.BODY_MAX))
    channel_id = IdField(required=True)
    area_code = ma.fields.String(
        required=True,
        validate=[ma.validate.Length(max=m.AREA_CODE_LENGTH), Pattern(AREA_CODE_PATTERN)],
        metadata={"description": "Target area: a province down to a desa/kelurahan.", "example": "32.73"},
    )


class ArticleUpdateSchema(_ArticleFields):
    pass


class PublishSchema(ma.Schema):
    publish_at = ma.fields.AwareDateTime(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Range(
            min=dt.datetime(2000, 1, 1, tzinfo=dt.UTC), max=dt.datetime(2100, 12, 31, tzinfo=dt.UTC)
        ),
        metadata={"description": "Schedule for this time (in the future); omit to publish now."},
    )


class ManageArgs(PageArgs):
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(m.STATUSES))
    area = ma.fields.String(load_default=None, validate=Pattern(AREA_CODE_PATTERN))


class FeedArgs(PageArgs):
    area = ma.fields.String(
        load_default=None,
        validate=Pattern(AREA_CODE_PATTERN),
        metadata={"description": "Read as a resident of this area (default: the caller's home; anonymous callers "
                  "without it get province-wide articles only).", "example": "32.73.01.1001"},
    )  # fmt: skip
    channel = IdField(load_default=None)
    tag = ma.fields.String(load_default=None, validate=[ma.validate.Length(max=m.TAG_SLUG_MAX), Pattern(SLUG)])
    q = TrimmedString(load_default=None, validate=ma.validate.Length(1, 100), metadata={"example": "posyandu"})
    featured = ma.fields.Boolean(load_default=False, metadata={"description": "Featured articles first."})
    updated_since = UpdatedSince()


class BookmarkArgs(PageArgs):
    updated_since = UpdatedSince()


_DAYS = ma.validate.Range(min=dt.date(2000, 1, 1), max=dt.date(2100, 12, 31))


class StatsArgs(ma.Schema):
    since = ma.fields.Date(
        load_default=None,
        data_key="from",
        validate=_DAYS,
        metadata={"description": "First day (default: 29 days before `to`)."},
    )
    until = ma.fields.Date(
        load_default=None, data_key="to", validate=_DAYS, metadata={"description": "Last day (default today)."}
    )
    channel = IdField(load_default=None)
    limit = WholeInteger(load_default=20, validate=ma.validate.Range(1, 100))
