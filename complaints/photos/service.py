"""Storing and reading complaint photos. ``add_photo`` is the one way in (intake and, later, resolution photos)."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select, update

from app.core.errors import Conflict, Forbidden, NotFound
from app.core.i18n import _
from app.core.stored_images import etag_of, store_image
from app.extensions import db
from complaints import permissions as perm
from complaints.intake import queries
from complaints.intake.access import attach_viewer_offices
from complaints.intake.models import Complaint
from complaints.photos.models import ComplaintPhoto
from complaints.states import Status

MAX_PHOTOS = 5


def add_photo(
    *, complaint: Complaint, data: bytes, uploader_id: int, kind: str = "intake", max_count: int = MAX_PHOTOS
) -> ComplaintPhoto:
    """Process ``data`` and attach it to ``complaint`` (which the caller has locked), or raise a 4xx error.

    The files are written before the row; if the transaction then rolls back, they are deleted again, so a failed
    upload leaves neither a row nor a file.
    """
    count, last = db.session.execute(
        select(func.count(), func.coalesce(func.max(ComplaintPhoto.position), 0)).where(
            ComplaintPhoto.complaint_id == complaint.id, ComplaintPhoto.kind == kind
        )
    ).one()
    if count >= max_count:
        raise Conflict(
            _("A complaint can have at most {count} photos.", count=max_count), errors={"file": ["Too many photos."]}
        )
    stored = store_image(data, folder="photos")
    session = db.session()
    photo = ComplaintPhoto(
        complaint_id=complaint.id,
        kind=kind,
        position=last + 1,
        storage_key=stored.key,
        thumbnail_key=stored.thumbnail_key,
        width=stored.width,
        height=stored.height,
        size_bytes=stored.size_bytes,
        uploaded_by_id=uploader_id,
    )
    session.add(photo)
    session.flush()
    if kind == "intake":  # list pages show the count and the first photo without reading this table
        session.execute(
            update(Complaint)
            .where(Complaint.id == complaint.id)
            .values(
                photo_count=Complaint.photo_count + 1,
                cover_photo_id=func.coalesce(Complaint.cover_photo_id, photo.id),
            )
            .execution_options(synchronize_session=False)
        )
    return photo


def add_intake_photo(*, complaint_id: int, user: Any, data: bytes) -> ComplaintPhoto:
    """The reporter adds a photo while the complaint is still ``submitted``."""
    complaint = queries.get_visible(complaint_id=complaint_id, viewer=user, for_update=True)
    if not perm.can_add_photo(user, complaint):
        raise Forbidden("Only the reporter adds photos to a complaint.")
    if complaint.status != Status.SUBMITTED:
        raise Conflict("Photos can be added only while the complaint is waiting for verification.")
    return add_photo(complaint=complaint, data=data, uploader_id=user.id)


@dataclass(frozen=True)
class PhotoFile:
    key: str
    etag: str
    public: bool
    created_at: Any


def photo_file(*, complaint_id: int, photo_id: int, viewer: Any | None, thumbnail: bool) -> PhotoFile:
    """Where the bytes of a photo are, if the caller may see the complaint (404 otherwise)."""
    C, P = Complaint, ComplaintPhoto
    row = db.session.execute(
        select(
            C.id,
            C.office_id,
            C.reporter_id,
            C.desa_code,
            C.rw,
            C.status,
            C.is_public,
            C.is_anonymous,
            P.storage_key,
            P.thumbnail_key,
            P.created_at,
        )
        .join(P, P.complaint_id == C.id)
        .where(C.id == complaint_id, P.id == photo_id)
    ).one_or_none()
    if row is None:
        raise NotFound("Photo not found.")
    complaint = attach_viewer_offices(SimpleNamespace(**row._mapping), viewer)  # office handlers see theirs
    if not perm.can_view(viewer, complaint):
        raise NotFound("Photo not found.")
    key = row.thumbnail_key if thumbnail else row.storage_key
    return PhotoFile(
        key=key,
        etag=etag_of(key),
        public=perm.is_publicly_visible(row),
        created_at=row.created_at,
    )
