from __future__ import annotations

from flask import Response
from flask.views import MethodView

from app.core.auth import auth_optional, auth_required, get_current_user, optional_user
from app.core.blueprint import Blueprint
from app.core.errors import NotFound, accepts
from app.core.images import MAX_BYTES
from app.core.ratelimit import per_account
from app.core.responses import json_response
from app.core.stored_images import send_image
from complaints.intake.presenters import photo_view
from complaints.intake.schemas import PhotoSchema
from complaints.photos import service
from complaints.photos.schemas import PhotoUploadSchema

blp = Blueprint(
    "complaint_photos",
    __name__,
    url_prefix="/api/v1/complaints",
    description="Photos of complaints: upload (metadata removed) and serving.",
)

#: Public photos may be kept by browsers and CDNs for an hour; others only by the caller's own client.
PUBLIC_CACHE = "public, max-age=3600"
PRIVATE_CACHE = "private, max-age=3600"
_IMAGE_RESPONSE = {
    "description": "The JPEG (re-encoded, no metadata).",
    "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
}


@blp.route("/<id:complaint_id>/photos")
class Photos(MethodView):
    @accepts("multipart/form-data")
    @auth_required()
    @per_account("RATELIMIT_COMPLAINT_PHOTO", lambda: "complaint-photo:" + str(get_current_user().id))
    @blp.arguments(PhotoUploadSchema, location="files")
    @blp.response(201, PhotoSchema)
    def post(self, files, complaint_id):
        """Add a photo to my complaint

        Multipart form with one part named `file`: JPEG, PNG, WebP or HEIC/HEIF (iPhone), at most 10 MB; another
        image type (AVIF, GIF, ...) is a 415, bytes that are not an image a 422; at most 5 photos per complaint,
        only while the complaint is `submitted`. The photo is re-encoded without any metadata (EXIF, GPS, XMP, ICC,
        comments), turned upright, capped at 1920 px, with a 400 px thumbnail.
        """
        data = files["file"].stream.read(MAX_BYTES + 1)
        photo = service.add_intake_photo(complaint_id=complaint_id, user=get_current_user(), data=data)
        return json_response(photo_view(complaint_id, photo), 201)


def _send(complaint_id: int, photo_id: int, *, thumbnail: bool) -> Response:
    found = service.photo_file(
        complaint_id=complaint_id, photo_id=photo_id, viewer=optional_user(), thumbnail=thumbnail
    )
    return send_image(
        found.key,
        name=f"{photo_id}{'-thumbnail' if thumbnail else ''}.jpg",
        cache_control=PUBLIC_CACHE if found.public else PRIVATE_CACHE,
        missing=NotFound("Photo not found."),
        etag=found.etag,
        last_modified=found.created_at,
    )


@blp.route("/<id:complaint_id>/photos/<id:photo_id>")
class PhotoFile(MethodView):
    @auth_optional
    @blp.doc(responses={"200": _IMAGE_RESPONSE})
    @blp.alt_response(304, description="Not modified (`If-None-Match`).")
    def get(self, complaint_id, photo_id):
        """Get a photo

        Photos of a complaint are served to whoever may see the complaint.
        """
        return _send(complaint_id, photo_id, thumbnail=False)


@blp.route("/<id:complaint_id>/photos/<id:photo_id>/thumbnail")
class PhotoThumbnail(MethodView):
    @auth_optional
    @blp.doc(responses={"200": _IMAGE_RESPONSE})
    @blp.alt_response(304, description="Not modified (`If-None-Match`).")
    def get(self, complaint_id, photo_id):
        """Get a photo's thumbnail (400 px)"""
        return _send(complaint_id, photo_id, thumbnail=True)
