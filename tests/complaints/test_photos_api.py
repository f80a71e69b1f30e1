"""POST /complaints/{id}/photos and serving: who may upload, limits, nothing half-stored, content type, cache
headers, and private complaints' photos only for those allowed."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.extensions import db
from complaints.photos.models import ComplaintPhoto
from complaints.photos.service import add_photo
from tests.complaints.helpers import avif_bytes, heic_bytes, jpeg_bytes, make_complaint, picture, png_bomb
from tests.complaints.test_photo_pipeline import assert_clean_jpeg
from tests.factories import login, resident, staff


def upload(client, complaint_id, data, headers, *, name="foto.jpg", field="file"):
    resp = client.post(
        f"/api/v1/complaints/{complaint_id}/photos",
        data={field: (io.BytesIO(data), name)},
        headers=headers,
        content_type="multipart/form-data",
    )
    # werkzeug's test client spools big multipart bodies to a temporary file and closes it only when following
    # redirects: close it here, or the ResourceWarning becomes an error (warnings are errors in this suite).
    resp.request.input_stream.close()
    return resp


def photo_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ComplaintPhoto))


def stored_files(storage) -> list[Path]:
    return sorted(p for p in Path(storage.root).rglob("*") if p.is_file()) if Path(storage.root).exists() else []


@pytest.fixture
def reporter():
    return resident()


@pytest.fixture
def complaint(reporter):
    return make_complaint(reporter)


def test_reporter_uploads_a_photo(client, reporter, complaint, storage):
    resp = upload(client, complaint.id, jpeg_bytes(picture(2400, 1800), orientation=6), login(reporter))
    assert resp.status_code == 201, resp.get_json()
    got = resp.get_json()
    assert (got["width"], got["height"]) == (1440, 1920)  # turned upright and capped
    assert got["url"] == f"/api/v1/complaints/{complaint.id}/photos/{got['id']}"
    assert got["thumbnail_url"] == got["url"] + "/thumbnail"
    row = db.session.get(ComplaintPhoto, got["id"])
    assert (row.kind, row.position, row.uploaded_by_id) == ("intake", 1, reporter.id)
    # random names that say nothing about the complaint, the uploader or the uploaded file's name
    assert re.fullmatch(r"photos/[\w-]{2}/[\w-]{32}\.jpg", row.storage_key)
    assert row.thumbnail_key == row.storage_key.removesuffix(".jpg") + "_t.jpg"
    files = stored_files(storage)
    assert len(files) == 2
    assert_clean_jpeg(storage.path(row.storage_key).read_bytes())
    with Image.open(storage.path(row.thumbnail_key)) as thumb:
        assert max(thumb.size) == 400
    detail = client.get(f"/api/v1/complaints/{complaint.id}", headers=login(reporter)).get_json()
    assert [p["id"] for p in detail["photos"]] == [got["id"]]


def test_photo_is_served_with_content_type_and_cache_headers(client, reporter, complaint):
    got = upload(client, complaint.id, jpeg_bytes(), login(reporter)).get_json()
    resp = client.get(got["url"], headers=login(reporter))
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "image/jpeg"
    assert resp.headers["Cache-Control"] == "private, max-age=3600"  # not public yet
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Content-Disposition"].startswith("inline")
    etag = resp.headers["ETag"]
    assert_clean_jpeg(resp.data)
    again = client.get(got["url"], headers={**login(reporter), "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    thumb = client.get(got["thumbnail_url"], headers=login(reporter))
    assert thumb.status_code == 200 and thumb.headers["Content-Type"] == "image/jpeg"
    assert thumb.headers["ETag"] != etag


def test_photos_of_listed_complaints_are_public(client, reporter, complaint):
    got = upload(client, complaint.id, jpeg_bytes(), login(reporter)).get_json()
    complaint.status, complaint.is_listed = "verified", True
    db.session.flush()
    resp = client.get(got["url"])
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "public, max-age=3600"


@pytest.mark.parametrize(
    ("viewer", "status"),
    [
        (lambda: None, 404),
        (lambda: resident(), 404),
        (lambda: staff("moderator", "32.04"), 404),
        (lambda: staff("moderator", "32.73"), 200),
        (lambda: staff("village_official", "32.73.01.1001"), 200),
        (lambda: staff("rw_official", "32.73.01.1001", rw=6), 404),
    ],
)
def test_photos_of_a_private_complaint(client, reporter, viewer, status):
    private = make_complaint(reporter, is_public=False)
    got = upload(client, private.id, jpeg_bytes(), login(reporter)).get_json()
    private.status = "verified"  # verified but private: never public
    db.session.flush()
    who = viewer()
    headers = login(who) if who is not None else {}
    for url in (got["url"], got["thumbnail_url"]):
        resp = client.get(url, headers=headers)
        assert resp.status_code == status
        if status == 200:
            assert resp.headers["Cache-Control"] == "private, max-age=3600"
        else:
            assert resp.headers["Content-Type"] == "application/json"


def test_photo_of_another_complaint_is_404(client, reporter, complaint):
    got = upload(client, complaint.id, jpeg_bytes(), login(reporter)).get_json()
    other = make_complaint(reporter)
    assert client.get(f"/api/v1/complaints/{other.id}/photos/{got['id']}", headers=login(reporter)).status_code == 404


def test_missing_file_is_404(client, reporter, complaint, storage):
    got = upload(client, complaint.id, jpeg_bytes(), login(reporter)).get_json()
    storage.delete(db.session.get(ComplaintPhoto, got["id"]).storage_key)
    assert client.get(got["url"], headers=login(reporter)).status_code == 404


def test_at_most_five_photos_and_nothing_half_stored(client, reporter, complaint, storage):
    headers = login(reporter)
    for _ in range(5):
        assert upload(client, complaint.id, jpeg_bytes(), headers).status_code == 201
    files = stored_files(storage)
    resp = upload(client, complaint.id, jpeg_bytes(), headers)
    assert resp.status_code == 409
    assert "at most 5" in resp.get_json()["message"]
    assert photo_count() == 5 and stored_files(storage) == files
    positions = db.session.scalars(select(ComplaintPhoto.position).order_by(ComplaintPhoto.position)).all()
    assert positions == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("data", "name", "status"),
    [
        (b"", "kosong.jpg", 422),
        (b"<html><script>alert(1)</script></html>", "foto.jpg", 422),  # not an image, whatever its name says
        (jpeg_bytes(picture(300, 200))[:900], "potong.jpg", 422),  # truncated
        (png_bomb(30_000, 30_000), "bom.png", 422),
        (b"GIF89a" + b"\x00" * 100, "animasi.gif", 422),
    ],
    ids=["zero-bytes", "html-named-jpg", "truncated", "png-bomb", "gif"],
)
def test_bad_files_are_refused_and_nothing_is_stored(client, reporter, complaint, storage, data, name, status):
    resp = upload(client, complaint.id, data, login(reporter), name=name)
    assert resp.status_code == status
    assert "file" in resp.get_json()["errors"]
    assert photo_count() == 0 and stored_files(storage) == []


def test_a_well_formed_avif_is_415_whatever_its_name(client, reporter, complaint, storage):
    resp = upload(client, complaint.id, avif_bytes(), login(reporter), name="foto.jpg")
    assert resp.status_code == 415
    body = resp.get_json()
    assert set(body) == {"code", "status", "message", "errors", "error", "error_codes"} and body["code"] == 415
    assert "AVIF" in body["message"] and "file" in body["errors"]
    assert photo_count() == 0 and stored_files(storage) == []


def test_a_refused_photo_is_explained_in_indonesian_with_its_values(client, reporter, complaint, storage):
    headers = {**login(reporter), "Accept-Language": "id"}
    body = upload(client, complaint.id, avif_bytes(), headers, name="foto.jpg").get_json()
    assert body["message"] == "Gambar AVIF tidak diterima: kirim foto JPEG, PNG, WebP, atau HEIC."
    assert body["errors"]["file"] == [body["message"]]


def test_an_iphone_heic_is_stored_as_a_clean_jpeg(client, reporter, complaint, storage):
    resp = upload(client, complaint.id, heic_bytes(picture(64, 48)), login(reporter), name="IMG_0001.HEIC")
    assert resp.status_code == 201, resp.get_json()
    assert (resp.get_json()["width"], resp.get_json()["height"]) == (64, 48)
    files = stored_files(storage)
    assert len(files) == 2
    for path in files:
        data = path.read_bytes()
        assert data.startswith(b"\xff\xd8") and b"Exif" not in data and b"GPS" not in data and b"xpacket" not in data


def test_file_over_10_mb_is_413(client, reporter, complaint, storage):
    resp = upload(client, complaint.id, b"\xff\xd8" + b"\x00" * (10 * 1024 * 1024), login(reporter))
    assert resp.status_code == 413
    assert photo_count() == 0 and stored_files(storage) == []


def test_request_over_the_body_limit_is_413(client, reporter, complaint):
    resp = upload(client, complaint.id, b"\x00" * (12 * 1024 * 1024), login(reporter))
    assert resp.status_code == 413 and resp.get_json()["code"] == 413


def test_upload_validation(client, reporter, complaint):
    headers = login(reporter)
    missing = upload(client, complaint.id, jpeg_bytes(), headers, field="photo")
    assert missing.status_code == 422 and "file" in missing.get_json()["errors"]
    as_json = client.post(f"/api/v1/complaints/{complaint.id}/photos", json={"file": "x"}, headers=headers)
    assert as_json.status_code == 415
    assert photo_count() == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (lambda r: None, 401),
        (lambda r: resident(), 404),  # cannot see an unverified complaint
        (lambda r: staff("moderator", "32.73"), 403),  # sees it, but photos are the reporter's
        (lambda r: staff("moderator", "32.04"), 404),
    ],
)
def test_only_the_reporter_uploads(client, complaint, storage, who, status):
    user = who(None)
    headers = login(user) if user is not None else {}
    assert upload(client, complaint.id, jpeg_bytes(), headers).status_code == status
    assert photo_count() == 0 and stored_files(storage) == []


@pytest.mark.parametrize("status", ["needs_info", "verified", "withdrawn"])
def test_only_while_submitted(client, reporter, storage, status):
    c = make_complaint(reporter, status=status)
    resp = upload(client, c.id, jpeg_bytes(), login(reporter))
    assert resp.status_code == 409
    assert photo_count() == 0 and stored_files(storage) == []


def test_unknown_complaint_is_404(client, reporter):
    assert upload(client, 999_999, jpeg_bytes(), login(reporter)).status_code == 404


def test_rolled_back_upload_removes_its_files(reporter, complaint, storage):
    """A failure after the files were written (here: the transaction rolls back) deletes them again."""
    add_photo(complaint=complaint, data=jpeg_bytes(), uploader_id=reporter.id)
    assert len(stored_files(storage)) == 2
    db.session.rollback()
    assert stored_files(storage) == []


def test_committed_upload_keeps_its_files(reporter, complaint, storage):
    add_photo(complaint=complaint, data=jpeg_bytes(), uploader_id=reporter.id)
    db.session.commit()
    assert len(stored_files(storage)) == 2
