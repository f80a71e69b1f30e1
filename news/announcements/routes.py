from __future__ import annotations

from flask import Response
from flask.views import MethodView

from app.core.auth import auth_required, get_current_user, permission_required
from app.core.blueprint import Blueprint
from app.core.errors import NotFound, accepts
from app.core.i18n import _, request_locale
from app.core.images import MAX_BYTES
from app.core.responses import json_response
from app.core.stored_images import send_image
from app.core.sync import sync_page_of
from news.announcements import images, presenters, queries, service
from news.announcements import permissions as perm
from news.announcements.schemas import (
    AnnouncementCategorySchema,
    AnnouncementCreateSchema,
    AnnouncementFeedArgs,
    AnnouncementImageSchema,
    AnnouncementImageUploadSchema,
    AnnouncementItemSchema,
    AnnouncementReceiptsSchema,
    AnnouncementSchema,
    AnnouncementUpdateSchema,
)

blp = Blueprint(
    "announcements",
    __name__,
    url_prefix="/api/v1/announcements",
    description="Announcements of a village or RW to its residents.",
)

CREATE_EXAMPLE = {
    "title": "Kerja bakti Minggu pagi",
    "body": "Warga RW 05 diundang **kerja bakti** membersihkan saluran air.\n\nBawa cangkul dan karung.",
    "category": "kerja_bakti",
    "area_code": "32.73.01.1001",
    "rw": 5,
    "event_starts_at": "2026-12-06T07:00:00+07:00",
    "event_ends_at": "2026-12-06T10:00:00+07:00",
    "place_name": "Balai RW 05",
    "place_lat": -6.8706,
    "place_lon": 107.5905,
    "valid_until": "2026-12-07T00:00:00+07:00",
    "notify": True,
}
PRIVATE_CACHE = "private, max-age=3600"
_IMAGE_RESPONSE = {
    "description": "The JPEG (re-encoded, no metadata).",
    "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
}
CANNOT_POST = _("Your role does not post announcements.")


@blp.route("")
class Announcements(MethodView):
    @auth_required()
    @blp.arguments(AnnouncementFeedArgs(), location="query")
    @blp.response(200, sync_page_of(AnnouncementItemSchema))
    def get(self, args):
        """List my announcements

        A resident: the published announcements of their desa/kelurahan (whole-desa ones and those above it) and of
        their own RW, never another RW's. Staff: those too for their scope, and everything inside their scope
        (scheduled ones as well). Expired and deleted ones are left out. Pinned first, then newest; keyset pages;
        `updated_since` gives the changes since then, with deleted and expired ids in `deleted`.
        """
        return json_response(queries.feed(viewer=get_current_user(), **args))

    @auth_required()
    @permission_required(perm.may_post, CANNOT_POST)
    @blp.arguments(AnnouncementCreateSchema(), example=CREATE_EXAMPLE)
    @blp.response(201, AnnouncementSchema)
    def post(self, data):
        """Post an announcement

        A village official posts to their desa/kelurahan (the whole desa or one RW), an RW official to their RW
        only, editors and admins to any area inside their scope (any level down to one RW). The body is Markdown,
        stored as sanitised HTML. With `publish_at` in the future it is scheduled; with `notify` it is pushed once
        to the residents of the area when it is published (urgent categories with high priority).
        """
        user = get_current_user()
        announcement_id = service.create(principal=user, data=data)
        return json_response(queries.detail_view(announcement_id=announcement_id, viewer=user), 201)


@blp.route("/categories")
class Categories(MethodView):
    @auth_required()
    @blp.response(200, AnnouncementCategorySchema(many=True))
    def get(self):
        """List the announcement categories

        With labels in the caller's language; `urgent` ones push with high priority.
        """
        return json_response(presenters.categories_view(request_locale()))


@blp.route("/<id:announcement_id>")
class AnnouncementItem(MethodView):
    @auth_required()
    @blp.response(200, AnnouncementSchema)
    def get(self, announcement_id):
        """Get one announcement

        With the body as sanitised HTML and every image. Those who may edit it also get the Markdown source and
        the push state. The app marks it opened with `POST /announcements/{id}/opened`.
        """
        return json_response(queries.detail_view(announcement_id=announcement_id, viewer=get_current_user()))

    @auth_required()
    @permission_required(perm.may_post, CANNOT_POST)
    @blp.arguments(AnnouncementUpdateSchema(), example={"title": "Kerja bakti Minggu pagi (diundur ke 08.00)"})
    @blp.response(200, AnnouncementSchema)
    def patch(self, data, announcement_id):
        """Edit an announcement

        Only the fields sent change; a new target must be inside the caller's scope as well. A change after
        publication sets `edited_at`. A push is never sent twice; `publish_at` changes only while scheduled (null:
        publish now).
        """
        user = get_current_user()
        service.update(principal=user, announcement_id=announcement_id, data=data)
        return json_response(queries.detail_view(announcement_id=announcement_id, viewer=user))

    @auth_required()
    @permission_required(perm.may_post, CANNOT_POST)
    @blp.response(204)
    def delete(self, announcement_id):
        """Delete an announcement

        Soft: it leaves every feed and comes in `deleted` of a delta sync.
        """
        service.delete(principal=get_current_user(), announcement_id=announcement_id)


@blp.route("/<id:announcement_id>/opened")
class Opened(MethodView):
    @auth_required()
    @blp.response(204)
    def post(self, announcement_id):
        """Mark an announcement opened

        The app sends it when a resident opens the announcement; each resident counts once, however often they
        open it (a GET never writes). Staff opening it are not counted.
        """
        service.mark_opened(viewer=get_current_user(), announcement_id=announcement_id)


@blp.route("/<id:announcement_id>/receipts")
class Receipts(MethodView):
    @auth_required()
    @blp.response(200, AnnouncementReceiptsSchema)
    def get(self, announcement_id):
        """Get the read receipts of an announcement

        Counts only, never who: how many residents opened it, out of how many live in its target area. For the
        author and the staff who manage it.
        """
        return json_response(queries.receipts(announcement_id=announcement_id, viewer=get_current_user()))


@blp.route("/<id:announcement_id>/images")
class Images(MethodView):
    @accepts("multipart/form-data")
    @auth_required()
    @permission_required(perm.may_post, CANNOT_POST)
    @blp.arguments(AnnouncementImageUploadSchema, location="files")
    @blp.response(201, AnnouncementImageSchema)
    def post(self, files, announcement_id):
        """Add an image to an announcement

        Multipart form with one part named `file`: JPEG, PNG, WebP or HEIC/HEIF, at most 10 MB; at most 5 images
        per announcement (a sixth is a 409). Re-encoded without metadata, at most 1920 px, with a 400 px thumbnail.
        """
        data = files["file"].stream.read(MAX_BYTES + 1)
        image = images.add_image(principal=get_current_user(), announcement_id=announcement_id, data=data)
        return json_response(presenters.image_view(announcement_id, image), 201)


def _send(announcement_id: int, image_id: int, *, thumbnail: bool) -> Response:
    found = images.image_file(
        announcement_id=announcement_id, image_id=image_id, viewer=get_current_user(), thumbnail=thumbnail
    )
    return send_image(
        found.key,
        name=f"{image_id}{'-thumbnail' if thumbnail else ''}.jpg",
        cache_control=PRIVATE_CACHE,
        missing=NotFound("Image not found.", code="image_not_found"),
        etag=found.etag,
        last_modified=found.created_at,
    )


@blp.route("/<id:announcement_id>/images/<id:image_id>")
class ImageItem(MethodView):
    @auth_required()
    @blp.doc(responses={"200": _IMAGE_RESPONSE})
    @blp.alt_response(304, description="Not modified (`If-None-Match`).")
    def get(self, announcement_id, image_id):
        """Get an image of an announcement"""
        return _send(announcement_id, image_id, thumbnail=False)

    @auth_required()
    @permission_required(perm.may_post, CANNOT_POST)
    @blp.response(204)
    def delete(self, announcement_id, image_id):
        """Remove an image from an announcement"""
        images.remove_image(principal=get_current_user(), announcement_id=announcement_id, image_id=image_id)


@blp.route("/<id:announcement_id>/images/<id:image_id>/thumbnail")
class ImageThumbnail(MethodView):
    @auth_required()
    @blp.doc(responses={"200": _IMAGE_RESPONSE})
    @blp.alt_response(304, description="Not modified (`If-None-Match`).")
    def get(self, announcement_id, image_id):
        """Get an image's thumbnail (400 px)"""
        return _send(announcement_id, image_id, thumbnail=True)
