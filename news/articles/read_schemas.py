"""What news.articles answers, as documented schemas (the presenters build exactly these shapes)."""

from __future__ import annotations

import marshmallow as ma

_AT = "2026-12-01T02:00:00+00:00"


class NewsChannelSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata={"example": 1})
    name = ma.fields.String(required=True, metadata={"example": "Diskominfo Kota Bandung"})
    website = ma.fields.String(required=True, allow_none=True, metadata={"example": "https://bandung.go.id"})
    logo_url = ma.fields.String(required=True, allow_none=True, metadata={"example": "/api/v1/news/channels/1/logo"})
    logo_thumbnail_url = ma.fields.String(
        required=True, allow_none=True, metadata={"example": "/api/v1/news/channels/1/logo/thumbnail"}
    )
    is_active = ma.fields.Boolean(required=True, metadata={"example": True})


class NewsChannelRefSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata={"example": 1})
    name = ma.fields.String(required=True, metadata={"example": "Diskominfo Kota Bandung"})


class NewsTagSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata={"example": 3})
    slug = ma.fields.String(required=True, metadata={"example": "kesehatan"})
    name = ma.fields.String(required=True, metadata={"example": "Kesehatan"})


class NewsCoverSchema(ma.Schema):
    url = ma.fields.String(required=True, metadata={"example": "/api/v1/news/7/cover?v=3f2a9c01d4e5b6a7"})
    thumbnail_url = ma.fields.String(
        required=True, metadata={"example": "/api/v1/news/7/cover/thumbnail?v=3f2a9c01d4e5b6a7"}
    )
    width = ma.fields.Integer(required=True, metadata={"example": 1600})
    height = ma.fields.Integer(required=True, metadata={"example": 900})


class ArticleItemSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata={"example": 7})
    status = ma.fields.String(required=True, metadata={"example": "published"})
    title = ma.fields.String(required=True, metadata={"example": "Posyandu keliling hadir di Sukasari"})
    summary = ma.fields.String(required=True, metadata={"example": "Jadwal posyandu keliling bulan Desember."})
    excerpt = ma.fields.String(required=True, metadata={"example": "Mulai 5 Desember, posyandu keliling…"})
    channel = ma.fields.Nested(NewsChannelRefSchema, required=True)
    tags = ma.fields.List(ma.fields.Nested(NewsTagSchema), required=True)
    area_code = ma.fields.String(required=True, metadata={"example": "32.73"})
    cover = ma.fields.Nested(NewsCoverSchema, required=True, allow_none=True)
    is_featured = ma.fields.Boolean(required=True, metadata={"example": False})
    featured_order = ma.fields.Integer(required=True, metadata={"example": 0})
    source_url = ma.fields.String(required=True, allow_none=True, metadata={"example": "https://bandung.go.id/b/1"})
    source_date = ma.fields.String(required=True, allow_none=True, metadata={"example": "2026-11-30"})
    publish_at = ma.fields.String(required=True, allow_none=True, metadata={"example": None})
    published_at = ma.fields.String(required=True, allow_none=True, metadata={"example": _AT})
    edited_at = ma.fields.String(required=True, allow_none=True, metadata={"example": None})
    updated_at = ma.fields.String(required=True, metadata={"example": _AT})


class MyNewsStateSchema(ma.Schema):
    liked = ma.fields.Boolean(required=True, metadata={"example": False})
    bookmarked = ma.fields.Boolean(required=True, metadata={"example": True})
    read = ma.fields.Boolean(required=True, metadata={"example": True})


class ArticleSchema(ArticleItemSchema):
    body = ma.fields.String(required=True, metadata={"example": "Posyandu keliling **hadir** di Sukasari."})
    body_html = ma.fields.String(
        required=True, metadata={"example": "<p>Posyandu keliling <strong>hadir</strong> di Sukasari.</p>"}
    )
    view_count = ma.fields.Integer(required=True, metadata={"example": 1520})
    like_count = ma.fields.Integer(required=True, metadata={"example": 31})
    bookmark_count = ma.fields.Integer(required=True, metadata={"example": 12})
    notify = ma.fields.Boolean(required=True, metadata={"example": True})
    notified_at = ma.fields.String(required=True, allow_none=True, metadata={"example": _AT})
    related = ma.fields.List(ma.fields.Nested(ArticleItemSchema), required=True)
    me = ma.fields.Nested(MyNewsStateSchema, required=True, allow_none=True)


class NewsChangeSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata={"example": 12})
    action = ma.fields.String(required=True, metadata={"example": "edit"})
    actor_id = ma.fields.Integer(required=True, allow_none=True, metadata={"example": 2})
    fields = ma.fields.List(ma.fields.String(), required=True, allow_none=True, metadata={"example": ["title"]})
    at = ma.fields.String(required=True, metadata={"example": _AT})


class NewsReactionSchema(ma.Schema):
    active = ma.fields.Boolean(required=True, metadata={"example": True})
    count = ma.fields.Integer(required=True, metadata={"example": 32})


class BookmarkedArticleSchema(ArticleItemSchema):
    bookmarked_at = ma.fields.String(required=True, metadata={"example": _AT})


class NewsStatsRowSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata={"example": 7})
    name = ma.fields.String(required=True, metadata={"example": "Posyandu keliling hadir di Sukasari"})
    views = ma.fields.Integer(required=True, metadata={"example": 1520})
    likes = ma.fields.Integer(required=True, metadata={"example": 31})
    bookmarks = ma.fields.Integer(required=True, metadata={"example": 12})


class NewsStatsTotalsSchema(ma.Schema):
    views = ma.fields.Integer(required=True, metadata={"example": 15200})
    likes = ma.fields.Integer(required=True, metadata={"example": 310})
    bookmarks = ma.fields.Integer(required=True, metadata={"example": 120})


class NewsStatsSchema(ma.Schema):
    since = ma.fields.String(required=True, data_key="from", metadata={"example": "2026-11-01"})
    until = ma.fields.String(required=True, data_key="to", metadata={"example": "2026-11-30"})
    totals = ma.fields.Nested(NewsStatsTotalsSchema, required=True)
    channels = ma.fields.List(ma.fields.Nested(NewsStatsRowSchema), required=True)
    articles = ma.fields.List(ma.fields.Nested(NewsStatsRowSchema), required=True)
