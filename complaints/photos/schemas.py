from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload
from werkzeug.datastructures import FileStorage


class PhotoUploadSchema(ma.Schema):
    file = Upload(
        required=True,
        metadata={
            "description": "A JPEG, PNG, WebP or HEIC/HEIF photo of at most 10 MB (EXIF, GPS and other metadata are "
            "removed; it is stored re-encoded as a JPEG of at most 1920 px)."
        },
    )

    @ma.validates("file")
    def _is_file(self, value: object, **_: object) -> None:
        if not isinstance(value, FileStorage):
            raise ma.ValidationError("Send the photo as a file part named 'file'.")
