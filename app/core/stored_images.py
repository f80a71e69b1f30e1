"""Uploaded images kept in storage: the photo pipeline (``app.core.images``) plus ``app.core.storage``, the one way
every feature stores and serves them (complaint photos, announcement images, news covers and channel logos).

The files are written before the row that names them. If the transaction then rolls back they are deleted again
(``after_rollback``), so a failed upload leaves neither a row nor a file; files a change drops are deleted once
that change is committed (``forget_after_commit``). Bytes are served re-encoded, with the key's hash as ETag.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass
from typing import Any

from flask import Response, current_app, send_file

from app.core.errors import AppError, PayloadTooLarge, UnsupportedFileType, ValidationFailed
from app.core.events import after_commit, after_rollback
from app.core.images import PhotoRejected, process_photo
from app.core.storage import get_storage
from app.extensions import db

JPEG = "image/jpeg"


@dataclass(frozen=True)
class StoredImage:
    key: str
    thumbnail_key: str
    width: int
    height: int
    size_bytes: int


def _forget(keys: list[str]) -> None:
    storage = get_storage()
    for key in keys:
        try:
            storage.delete(key)
        except OSError:  # best effort: an orphan file is harmless, a failed rollback is not
            current_app.logger.warning("could not delete stored image %s", key)


def store_image(data: bytes, *, folder: str) -> StoredImage:
    """Process an upload (413/415/422 on the ``file`` field when it is not an acceptable image) and store it with
    its thumbnail under ``folder``; both files are deleted again if this request's transaction rolls back."""
    try:
        processed = process_photo(data)
    except PhotoRejected as exc:
        error = {413: PayloadTooLarge, 415: UnsupportedFileType}.get(exc.status, ValidationFailed)
        raise error(exc.message, errors={"file": [exc.message]}) from None
    token = secrets.token_urlsafe(24)
    keys: list[str] = []
    after_rollback(db.session(), lambda: _forget(keys))
    storage = get_storage()
    for suffix, blob in (("", processed.full), ("_t", processed.thumbnail)):
        key = f"{folder}/{token[:2]}/{token}{suffix}.jpg"
        storage.put(key, blob, content_type=JPEG)
        keys.append(key)
    return StoredImage(keys[0], keys[1], processed.width, processed.height, len(processed.full))


def forget_after_commit(*keys: str | None) -> None:
    """Delete the files of a replaced or removed image once the change that dropped them is stored."""
    names = [k for k in keys if k]
    if names:
        after_commit(db.session(), lambda: _forget(names))


def etag_of(key: str) -> str:
    """The ETag of a stored image: a new image always has a new key."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def send_image(
    key: str, *, name: str, cache_control: str, missing: AppError, etag: str | None = None, last_modified: Any = None
) -> Response:
    """The stored JPEG as a conditional response (304 on ``If-None-Match``); ``missing`` when the file is gone."""
    try:
        with get_storage().open(key) as fh:
            data = fh.read()  # images are small (≤ 1920 px JPEG); no file handle outlives the request
    except FileNotFoundError:
        current_app.logger.error("stored image missing: %s", key)
        raise missing from None
    resp = send_file(
        io.BytesIO(data),
        mimetype=JPEG,
        etag=etag or etag_of(key),
        last_modified=last_modified,
        conditional=True,
        download_name=name,
    )
    resp.headers["Cache-Control"] = cache_control
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return resp
