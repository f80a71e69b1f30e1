"""Cover images of articles and channel logos: the photo pipeline (``app.core.images``) and ``app.core.storage``.

Files are written before the row that names them; a rollback deletes them again (``after_rollback``), a replaced
image's files are deleted once the transaction commits. Served by URL with the key's hash as ETag.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass

from flask import Response, current_app, send_file

from app.core.errors import AppError, NotFound, ValidationFailed
from app.core.events import after_commit, after_rollback
from app.core.images import PhotoRejected, process_photo
from app.core.storage import get_storage
from app.extensions import db

JPEG = "image/jpeg"
PUBLIC_CACHE = "public, max-age=86400"


class PayloadTooLarge(AppError):
    status_code = 413


class UnsupportedImageType(AppError):
    status_code = 415


@dataclass(frozen=True)
class StoredImage:
    key: str
    thumbnail_key: str
    width: int
    height: int


def _forget(keys: list[str]) -> None:
    storage = get_storage()
    for key in keys:
        try:
            storage.delete(key)
        except OSError:  # best effort: an orphan file is harmless
            current_app.logger.warning("could not delete stored image %s", key)


def store_image(data: bytes, *, folder: str) -> StoredImage:
    """Process an upload (4xx when it is not an acceptable image) and store it with its thumbnail."""
    try:
        processed = process_photo(data)
    except PhotoRejected as exc:
        error = {413: PayloadTooLarge, 415: UnsupportedImageType}.get(exc.status, ValidationFailed)
        raise error(exc.message, errors={"file": [exc.message]}) from None
    token = secrets.token_urlsafe(24)
    keys: list[str] = []
    after_rollback(db.session(), lambda: _forget(keys))
    storage = get_storage()
    for suffix, blob in (("", processed.full), ("_t", processed.thumbnail)):
        key = f"{folder}/{token[:2]}/{token}{suffix}.jpg"
        storage.put(key, blob, content_type=JPEG)
        keys.append(key)
    return StoredImage(keys[0], keys[1], processed.width, processed.height)


def forget_after_commit(*keys: str | None) -> None:
    """Delete replaced files once the change that dropped them is stored."""
    names = [k for k in keys if k]
    if names:
        after_commit(db.session(), lambda: _forget(names))


def version_of(key: str | None) -> str | None:
    """A short tag of a stored image, used in its URL (``?v=``) and as its ETag: a new image gets a new URL."""
    return hashlib.sha256(key.encode()).hexdigest()[:16] if key else None


def send_image(key: str | None, *, name: str) -> Response:
    if not key:
        raise NotFound("Image not found.")
    try:
        with get_storage().open(key) as fh:
            data = fh.read()
    except FileNotFoundError:
        current_app.logger.error("stored image missing: %s", key)
        raise NotFound("Image not found.") from None
    resp = send_file(io.BytesIO(data), mimetype=JPEG, etag=version_of(key), conditional=True, download_name=name)
    resp.headers["Cache-Control"] = PUBLIC_CACHE
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return resp
