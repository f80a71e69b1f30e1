"""Photo storage unwritable (a read-only directory) or full: the upload answers 503 / 507 in the error format,
no file and no row is left, the complaint is unchanged."""

from __future__ import annotations

import errno
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.core.errors import InsufficientStorage, Unavailable
from app.extensions import db
from complaints.intake.models import Complaint
from complaints.photos.models import ComplaintPhoto
from tests.complaints.helpers import jpeg_bytes, make_complaint, picture
from tests.core.test_app import assert_error
from tests.factories import login, resident

NOBODY = 65534


@contextmanager
def read_only(directory: Path) -> Iterator[None]:
    """``directory`` refuses writes: mode 0555, and, for root (who ignores modes), the process acts as nobody."""
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o555)
    as_root = os.geteuid() == 0
    if as_root:
        os.seteuid(NOBODY)
    try:
        yield
    finally:
        if as_root:
            os.seteuid(0)
        directory.chmod(0o755)


def files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(client, complaint_id: int, headers: dict[str, str]):
    resp = client.post(
        f"/api/v1/complaints/{complaint_id}/photos",
        data={"file": (io.BytesIO(jpeg_bytes(picture(800, 600))), "foto.jpg")},
        headers=headers,
        content_type="multipart/form-data",
    )
    resp.request.input_stream.close()
    return resp


def unchanged(complaint: Complaint, version: int) -> bool:
    db.session.expire_all()
    row = db.session.get(Complaint, complaint.id)
    photos = db.session.scalar(
        select(func.count()).select_from(ComplaintPhoto).where(ComplaintPhoto.complaint_id == complaint.id)
    )
    return (row.photo_count, row.cover_photo_id, row.version, photos) == (0, None, version, 0)


def test_storage_in_a_read_only_directory_refuses_with_503(storage):
    with read_only(storage.root), pytest.raises(Unavailable) as caught:
        storage.put("photos/ab/x.jpg", b"data", content_type="image/jpeg")
    assert caught.value.status_code == 503 and caught.value.headers["Retry-After"] == "5"
    assert files(storage.root) == []


def test_a_full_disk_refuses_with_507_and_leaves_no_temporary_file(storage, monkeypatch):
    def full(*_a):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("app.core.storage.os.replace", full)
    with pytest.raises(InsufficientStorage) as caught:
        storage.put("photos/ab/x.jpg", b"data", content_type="image/jpeg")
    assert caught.value.status_code == 507
    assert files(storage.root) == []


def test_upload_to_a_read_only_storage_answers_503_and_changes_nothing(client, storage):
    reporter = resident()
    complaint = make_complaint(reporter)
    headers = login(reporter)
    version = complaint.version
    with read_only(storage.root):
        resp = upload(client, complaint.id, headers)
    body = assert_error(resp, 503)
    assert body["error"] == "storage_unavailable" and resp.headers["Retry-After"] == "5"
    assert files(storage.root) == [] and unchanged(complaint, version)
    assert upload(client, complaint.id, headers).status_code == 201  # writable again: the retry is stored


def test_upload_when_the_disk_fills_up_between_photo_and_thumbnail_answers_507_and_keeps_nothing(
    client, storage, monkeypatch
):
    reporter = resident()
    complaint = make_complaint(reporter)
    headers = login(reporter)
    version = complaint.version
    real_replace, calls = os.replace, []

    def fill_up(src, dst):
        calls.append(dst)
        if len(calls) == 2:  # the full-size photo is in place; the thumbnail finds the disk full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr("app.core.storage.os.replace", fill_up)
    resp = upload(client, complaint.id, headers)
    body = assert_error(resp, 507)
    assert body["error"] == "storage_full"
    assert len(calls) == 2 and files(storage.root) == []  # the first file was removed with the rollback
    assert unchanged(complaint, version)


def test_the_storage_errors_are_translated(client, storage):
    reporter = resident()
    complaint = make_complaint(reporter)
    with read_only(storage.root):
        resp = upload(client, complaint.id, {**login(reporter), "Accept-Language": "id"})
    assert resp.status_code == 503
    assert resp.get_json()["message"] == "Foto tidak dapat disimpan saat ini. Coba lagi nanti."
