"""POST /me/data-export: one archive with everything of mine and nothing of anyone else's, ready → notified,
owner-only download until it expires, rate-limited."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

from sqlalchemy import select

from app.accounts.privacy.models import DataExport
from app.core.db import utcnow
from app.extensions import db
from notifications.models import Notification
from tests.factories import login, resident, staff
from tests.privacy.helpers import SECRET_PHONE, world


def _export(client, auth) -> tuple[dict, zipfile.ZipFile]:
    resp = client.post("/api/v1/me/data-export", headers=auth)
    assert resp.status_code == 202, resp.get_json()
    state = client.get("/api/v1/me/data-export", headers=auth).get_json()
    assert state["status"] == "ready", state
    download = client.get(state["download_url"], headers=auth)
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/zip"
    assert download.headers["Cache-Control"] == "private, no-store"
    data = download.data
    download.close()  # streamed from the stored file: the server closes it after sending
    return state, zipfile.ZipFile(io.BytesIO(data))


def _json(zf: zipfile.ZipFile, name: str):
    return json.loads(zf.read(name))


def test_the_archive_holds_everything_of_mine_and_nothing_else(client):
    w = world()
    state, zf = _export(client, login(w.me))
    names = set(zf.namelist())
    assert {
        "manifest.json",
        "account/profile.json",
        "account/sessions.json",
        "account/privacy_consents.json",
        "account/identity_access_log.json",
        "complaints/complaints.json",
        "complaints/messages.json",
        "complaints/history.json",
        "complaints/ratings.json",
        "complaints/supports.json",
        "notifications/devices.json",
        "notifications/preferences.json",
        "notifications/notifications.json",
        f"complaints/photos/{w.mine.id}/{w.photo_id}.jpg",
    } <= names
    profile = _json(zf, "account/profile.json")
    assert (profile["name"], profile["email"], profile["phone"]) == ("Siti Rahmawati", "siti@example.id", w.me.phone)
    complaints = _json(zf, "complaints/complaints.json")
    assert sorted(c["id"] for c in complaints) == sorted([w.mine.id, w.closed.id])
    assert SECRET_PHONE in next(c for c in complaints if c["id"] == w.mine.id)["description"]  # as written
    messages = _json(zf, "complaints/messages.json")
    assert [m["author"] for m in messages] == ["me", "moderator"]  # internal notes and staff names stay out
    assert _json(zf, "complaints/ratings.json")[0]["score"] == 4
    assert [s["complaint_id"] for s in _json(zf, "complaints/supports.json")] == [w.theirs.id]
    assert "Untuk Siti" in [n["title"] for n in _json(zf, "notifications/notifications.json")]
    assert _json(zf, "notifications/devices.json")[0]["token_end"] == "89abcdef"
    assert zf.read(f"complaints/photos/{w.mine.id}/{w.photo_id}.jpg")[:2] == b"\xff\xd8"
    everything = b"".join(zf.read(n) for n in names)
    for foreign in (b"Budi", w.other.phone.encode(), b"Dewi", b"Catatan internal"):
        assert foreign not in everything
    assert state["size_bytes"] > 0 and state["expires_at"] is not None


def test_ready_tells_the_owner(client):
    w = world()
    client.post("/api/v1/me/data-export", headers=login(w.me))
    note = db.session.scalars(
        select(Notification).where(Notification.user_id == w.me.id, Notification.link_type == "data_export")
    ).one()
    export = db.session.scalars(select(DataExport).where(DataExport.user_id == w.me.id)).one()
    assert note.link_id == export.id and "24" in note.body


def test_only_the_owner_downloads_and_only_until_expiry(client):
    w = world()
    state, _ = _export(client, login(w.me))
    for other in (w.other, staff("admin", "32")):
        assert client.get(state["download_url"], headers=login(other)).status_code == 404
    assert client.get(state["download_url"]).status_code == 401
    export = db.session.get(DataExport, state["id"])
    export.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    gone = client.get(state["download_url"], headers=login(w.me))
    assert gone.status_code == 410 and gone.get_json()["error"] == "data_export_expired"


def test_exports_are_rate_limited_per_account(client):
    user = resident()
    auth = login(user)
    for _ in range(3):
        assert client.post("/api/v1/me/data-export", headers=auth).status_code == 202
    assert client.post("/api/v1/me/data-export", headers=auth).status_code == 429
    assert client.post("/api/v1/me/data-export", headers=login(resident())).status_code == 202


def test_nothing_requested_yet(client):
    auth = login(resident())
    assert client.get("/api/v1/me/data-export", headers=auth).get_json()["error"] == "data_export_not_found"
    assert client.get("/api/v1/me/data-export/99/download", headers=auth).status_code == 404
    assert client.post("/api/v1/me/data-export").status_code == 401


def test_a_failed_build_is_marked_and_leaves_no_file(client, storage, monkeypatch):
    from app.accounts.privacy import export

    def broken(fh, user_id):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export, "write_archive", broken)
    auth = login(resident())
    assert client.post("/api/v1/me/data-export", headers=auth).status_code == 202
    assert client.get("/api/v1/me/data-export", headers=auth).get_json()["status"] == "failed"
    assert not list(storage.root.rglob("*.zip"))
