"""Shapes of announcements: what a caller may send (exactly the settable fields) and what the answers hold."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest.fields import Upload
from werkzeug.datastructures import FileStorage

from app.accounts.roles import Role
from app.areas.codes import AREA_CODE_PATTERN, MAX_RW
from app.core.fields import IdField, Pattern, PlainText, StrictBoolean, WholeInteger
from app.core.pagination import PageArgs
from app.core.sync import SyncArgs
from news.announcements.categories import SLUGS
from news.announcements.models import BODY_MAX, PLACE_MAX, TITLE_MAX

#: Indonesia's extent: a place outside it is a typo (or a swapped latitude and longitude).
LAT_MIN, LAT_MAX = -11.5, 6.5
LON_MIN, LON_MAX = 94.5, 141.5
LINK_TYPE_PATTERN = r"^[a-z][a-z_]{0,29}$"


#: Text a person typed, and a JSON boolean only: the one definitions in ``app.core.fields``.
Text = PlainText
Flag = StrictBoolean


class AnnouncementLinkSchema(ma.Schema):
    type = ma.fields.String(
        required=True,
        validate=Pattern(LINK_TYPE_PATTERN),
        metadata={"description": "What it points at: `news`, `survey`, `complaint`…", "example": "complaint"},
    )
    id = IdField(required=True)


def _time(description: str, example: str) -> ma.fields.AwareDateTime:
    return ma.fields.AwareDateTime(allow_none=True, metadata={"description": description, "example": example})


def _fields(*, create: bool) -> dict[str, Any]:
    """The settable fields: on create the first four are required, on update every field is optional."""
    req = {"required": True} if create else {}
    return {
        "title": Text(
            validate=ma.validate.Length(1, TITLE_MAX), metadata={"example": "Kerja bakti Minggu pagi"}, **req
        ),
        "body": Text(
            multiline=True,
            validate=ma.validate.Length(1, BODY_MAX),
            metadata={
                "description": f"Markdown (CommonMark, tables, strikethrough), at most {BODY_MAX} characters; stored "
                "rendered to sanitised HTML with a plain-text excerpt.",
                "example": "Warga RW 05 diundang **kerja bakti** membersihkan saluran.\n\nBawa cangkul dan karung.",
            },
            **req,
        ),
        "category": ma.fields.String(validate=ma.validate.OneOf(SLUGS), metadata={"example": "kerja_bakti"}, **req),
        "area_code": ma.fields.String(
            validate=Pattern(AREA_CODE_PATTERN),
            metadata={"description": "The target area (any level, inside your scope).", "example": "32.73.01.1001"},
            **req,
        ),
        "rw": WholeInteger(
            allow_none=True,
            validate=ma.validate.Range(1, MAX_RW),
            metadata={"description": "One RW of the desa `area_code` (null: the whole area).", "example": 5},
        ),
        "pinned": Flag(metadata={"description": "Shown before the others in the feed.", "example": False}),
        "event_starts_at": _time("When the event starts (optional).", "2026-12-06T07:00:00+07:00"),
        "event_ends_at": _time("When the event ends (optional, needs a start).", "2026-12-06T10:00:00+07:00"),
        "place_name": Text(
            allow_none=True, validate=ma.validate.Length(1, PLACE_MAX), metadata={"example": "Balai RW 05"}
        ),
        "place_lat": ma.fields.Float(
            allow_none=True,
            validate=ma.validate.Range(LAT_MIN, LAT_MAX, error="Must be inside Indonesia (latitude {min} to {max})."),
            metadata={"example": -6.8706},
        ),
        "place_lon": ma.fields.Float(
            allow_none=True,
            validate=ma.validate.Range(LON_MIN, LON_MAX, error="Must be inside Indonesia (longitude {min} to {max})."),
            metadata={"example": 107.5905},
        ),
        "valid_until": _time("After this it leaves the feed (optional; in the future).", "2026-12-07T00:00:00+07:00"),
        "link": ma.fields.Nested(
            AnnouncementLinkSchema,
            allow_none=True,
            metadata={"description": "An article, survey or complaint of Balai it points at (optional)."},
        ),
        "notify": Flag(
            metadata={"description": "Push it to the residents of the area once, when published.", "example": True}
        ),
        "publish_at": _time("Publish later, at this time (optional; null: now).", "2026-12-05T18:00:00+07:00"),
    }


#: A new announcement (title, body, category and area required).
AnnouncementCreateSchema = type("AnnouncementCreateSchema", (ma.Schema,), _fields(create=True))
#: Changes to an announcement: only the fields sent change.
AnnouncementUpdateSchema = type("AnnouncementUpdateSchema", (ma.Schema,), _fields(create=False))


class AnnouncementImageUploadSchema(ma.Schema):
    file = Upload(
        required=True,
        metadata={"description": "A JPEG, PNG, WebP or HEIC/HEIF photo of at most 10 MB (stored re-encoded)."},
    )

    @ma.validates("file")
    def _is_file(self, value: object, **_: object) -> None:
        if not isinstance(value, FileStorage):
            raise ma.ValidationError("Send the image as a file part named 'file'.")


class AnnouncementFeedArgs(PageArgs, SyncArgs):
    pass


# --- answers ---------------------------------------------------------------------------------------------------


class AnnouncementImageSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    url = ma.fields.String(required=True, metadata={"example": "/api/v1/announcements/1/images/1"})
    thumbnail_url = ma.fields.String(required=True, metadata={"example": "/api/v1/announcements/1/images/1/thumbnail"})
    width = ma.fields.Integer(required=True, metadata={"example": 1920})
    height = ma.fields.Integer(required=True, metadata={"example": 1440})


class AnnouncementPlaceSchema(ma.Schema):
    name = ma.fields.String(required=True, allow_none=True, metadata={"example": "Balai RW 05"})
    latitude = ma.fields.Float(required=True, allow_none=True, metadata={"example": -6.8706})
    longitude = ma.fields.Float(required=True, allow_none=True, metadata={"example": 107.5905})


class AnnouncementLinkOutSchema(ma.Schema):
    type = ma.fields.String(required=True, metadata={"example": "complaint"})
    id = ma.fields.Integer(required=True, metadata={"example": 1})


class AnnouncementItemSchema(ma.Schema):
    """An announcement in a list: the excerpt, the number of images and the first one's thumbnail."""

    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True, metadata={"example": "Kerja bakti Minggu pagi"})
    excerpt = ma.fields.String(required=True, metadata={"example": "Warga RW 05 diundang kerja bakti…"})
    category = ma.fields.String(required=True, metadata={"enum": list(SLUGS), "example": "kerja_bakti"})
    category_label = ma.fields.String(required=True, metadata={"example": "Kerja bakti"})
    urgent = ma.fields.Boolean(required=True, metadata={"example": False})
    area_code = ma.fields.String(required=True, metadata={"example": "32.73.01.1001"})
    rw = ma.fields.Integer(required=True, allow_none=True, metadata={"example": 5})
    pinned = ma.fields.Boolean(required=True, metadata={"example": False})
    status = ma.fields.String(
        required=True,
        metadata={"enum": ["scheduled", "published", "expired"], "example": "published"},
    )
    event_starts_at = ma.fields.DateTime(
        required=True, allow_none=True, metadata={"example": "2026-12-06T00:00:00+00:00"}
    )
    event_ends_at = ma.fields.DateTime(
        required=True, allow_none=True, metadata={"example": "2026-12-06T03:00:00+00:00"}
    )
    place = ma.fields.Nested(AnnouncementPlaceSchema, required=True, allow_none=True)
    valid_until = ma.fields.DateTime(required=True, allow_none=True, metadata={"example": "2026-12-06T17:00:00+00:00"})
    link = ma.fields.Nested(AnnouncementLinkOutSchema, required=True, allow_none=True)
    published_at = ma.fields.DateTime(required=True, allow_none=True, metadata={"example": "2026-12-01T08:00:00+00:00"})
    publish_at = ma.fields.DateTime(required=True, allow_none=True, metadata={"example": None})
    edited_at = ma.fields.DateTime(required=True, allow_none=True, metadata={"example": None})
    updated_at = ma.fields.DateTime(required=True)
    image_count = ma.fields.Integer(required=True, metadata={"example": 1})
    thumbnail_url = ma.fields.String(
        required=True, allow_none=True, metadata={"example": "/api/v1/announcements/1/images/1/thumbnail"}
    )
    author_role = ma.fields.String(
        required=True, metadata={"description": "The role of who posted it.", "example": Role.RW_OFFICIAL.value}
    )


class AnnouncementSchema(AnnouncementItemSchema):
    """One announcement: the body as sanitised HTML, every image, and for those who manage it the push state."""

    body_html = ma.fields.String(
        required=True, metadata={"example": "<p>Warga RW 05 diundang <strong>kerja bakti</strong>.</p>"}
    )
    body = ma.fields.String(
        required=True, allow_none=True, metadata={"description": "The Markdown source (null unless you may edit it)."}
    )
    images = ma.fields.List(ma.fields.Nested(AnnouncementImageSchema), required=True)
    notify = ma.fields.Boolean(required=True, allow_none=True, metadata={"example": True})
    notified_at = ma.fields.DateTime(required=True, allow_none=True, metadata={"example": "2026-12-01T08:00:00+00:00"})
    can_edit = ma.fields.Boolean(required=True, metadata={"example": False})


class AnnouncementReceiptsSchema(ma.Schema):
    opened = ma.fields.Integer(
        required=True, metadata={"description": "Residents who opened it (each once).", "example": 42}
    )
    residents = ma.fields.Integer(
        required=True, metadata={"description": "Residents whose home lies in the target area.", "example": 310}
    )


class AnnouncementCategorySchema(ma.Schema):
    slug = ma.fields.String(required=True, metadata={"example": "bencana"})
    label = ma.fields.String(required=True, metadata={"example": "Bencana"})
    urgent = ma.fields.Boolean(required=True, metadata={"example": True})
