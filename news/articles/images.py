"""Cover images of articles and channel logos, kept through ``app.core.stored_images``.

A cover's URL carries ``?v=`` the key's short hash, which is also its ETag: a new image gets a new URL, so the
files may be cached for a day.
"""

from __future__ import annotations

from flask import Response

from app.core.errors import NotFound
from app.core.stored_images import etag_of, forget_after_commit, store_image
from app.core.stored_images import send_image as _send_image

__all__ = ["forget_after_commit", "send_image", "store_image", "version_of"]

PUBLIC_CACHE = "public, max-age=86400"


def version_of(key: str | None) -> str | None:
    """A short tag of a stored image, used in its URL (``?v=``) and as its ETag: a new image gets a new URL."""
    return etag_of(key)[:16] if key else None


def send_image(key: str | None, *, name: str) -> Response:
    if not key:
        raise NotFound("Image not found.")
    return _send_image(
        key, name=name, cache_control=PUBLIC_CACHE, missing=NotFound("Image not found."), etag=version_of(key)
    )
