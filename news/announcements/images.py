"""Images of an announcement (at most five): the photo pipeline, storage, and where to read the bytes.

Stored through ``app.core.stored_images`` (a rolled-back request leaves no file; a removed image's files go once
the removal is committed). The feed never reads this table: the announcement row keeps the
count and the first image (``image_count``, ``cover_image_id``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update

from app.core.errors import Conflict, NotFound
from app.core.i18n import _
from app.core.stored_images import etag_of, forget_after_commit, store_image
from app.extensions import db
from news.announcements import permissions as perm
from news.announcements.models import Announcement, AnnouncementImage
from news.announcements.service import load_for_write

MAX_IMAGES = 5


def _refresh_cover(announcement_id: int) -> None:
    """Keep the row's count and first image in step with the images table."""
    I = AnnouncementImage  # noqa: E741
    first = select(I.id).where(I.announcement_id == announcement_id).order_by(I.position).limit(1).scalar_subquery()
    count = select(func.count()).where(I.announcement_id == announcement_id).scalar_subquery()
    db.session.execute(
        update(Announcement)
        .where(Announcement.id == announcement_id)
        .values(image_count=count, cover_image_id=first)
        .execution_options(synchronize_session=False)
    )


def add_image(*, principal: Any, announcement_id: int, data: bytes) -> AnnouncementImage:
    """Process and attach one image (the announcement is locked meanwhile); a sixth is a 409, nothing stored."""
    row = load_for_write(announcement_id, principal)
    I = AnnouncementImage  # noqa: E741
    count, last = db.session.execute(
        select(func.count(), func.coalesce(func.max(I.position), 0)).where(I.announcement_id == row.id)
    ).one()
    if count >= MAX_IMAGES:
        message = _("An announcement can have at most {count} images.", count=MAX_IMAGES)
        raise Conflict(message, errors={"file": [message]}, code="too_many_images")
    stored = store_image(data, folder="announcements")
    session = db.session()
    image = AnnouncementImage(
        announcement_id=row.id,
        position=last + 1,
        storage_key=stored.key,
        thumbnail_key=stored.thumbnail_key,
        width=stored.width,
        height=stored.height,
        size_bytes=stored.size_bytes,
        uploaded_by_id=principal.id,
    )
    session.add(image)
    session.flush()
    _refresh_cover(row.id)
    return image


def remove_image(*, principal: Any, announcement_id: int, image_id: int) -> None:
    row = load_for_write(announcement_id, principal)
    image = db.session.get(AnnouncementImage, image_id)
    if image is None or image.announcement_id != row.id:
        raise NotFound("Image not found.", code="image_not_found")
    forget_after_commit(image.storage_key, image.thumbnail_key)
    db.session.delete(image)
    db.session.flush()
    _refresh_cover(row.id)


@dataclass(frozen=True)
class ImageFile:
    key: str
    etag: str
    created_at: Any


def image_file(*, announcement_id: int, image_id: int, viewer: Any, thumbnail: bool) -> ImageFile:
    """Where an image's bytes are, if the caller may read the announcement (404 otherwise); one query."""
    A, I = Announcement, AnnouncementImage  # noqa: E741
    row = (
        db.connection()
        .execute(
            select(
                A.id,
                A.area_code,
                A.rw,
                A.target_key,
                A.published_at,
                A.deleted_at,
                I.storage_key,
                I.thumbnail_key,
                I.created_at,
            )
            .join(I, I.announcement_id == A.id)
            .where(A.id == announcement_id, I.id == image_id)
        )
        .first()
    )
    if row is None or not perm.can_read(viewer, row):
        raise NotFound("Image not found.", code="image_not_found")
    key = row.thumbnail_key if thumbnail else row.storage_key
    return ImageFile(key=key, etag=etag_of(key), created_at=row.created_at)
