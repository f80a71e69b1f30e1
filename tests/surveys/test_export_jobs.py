"""Exports as a job: POST starts it, the requester polls and downloads the file from storage until it expires;
the file is exactly the synchronous export's; nobody else reaches it (404); retention deletes it after expiry."""

from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import load_workbook
from sqlalchemy import select

from app.accounts.privacy import retention
from app.accounts.privacy.models import DataExport
from app.core.db import utcnow
from app.extensions import db
from notifications.models import Notification
from surveys import export_jobs, exports
from tests.factories import login, resident, staff
from tests.surveys.known_data import known_survey


def _start(client, s, user, fmt="csv"):
    r = client.post(f"/api/v1/surveys/{s['id']}/exports", json={"format": fmt}, headers=login(user))
    assert r.status_code == 202, r.get_json()
    return r.get_json()


def _download(client, state, user):
    r = client.get(state["download_url"], headers=login(user))
    assert r.status_code == 200, r.get_json()
    assert r.headers["Cache-Control"] == "private, no-store" and "attachment" in r.headers["Content-Disposition"]
    data = r.get_data()
    r.close()
    return r, data


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_job_builds_the_known_csv(client, storage, monkeypatch):
    monkeypatch.setattr(exports, "BATCH", 3)  # several batches
    s, admin, people = known_survey(client)
    state = _start(client, s, admin)
    # the job ran after the commit (JOBS_IMMEDIATE): the state is ready, with a link for the requester
    polled = client.get(f"/api/v1/surveys/{s['id']}/exports/{state['id']}", headers=login(admin)).get_json()
    assert polled["status"] == "ready" and polled["format"] == "csv" and polled["size_bytes"] > 0
    assert polled["download_url"] == f"/api/v1/surveys/{s['id']}/exports/{state['id']}/download"
    resp, data = _download(client, polled, admin)
    assert resp.mimetype == "text/csv" and len(data) == polled["size_bytes"]
    rows = _csv_rows(data)
    header, body = rows[0], rows[1:]
    assert header[:6] == ["response_id", "submitted_on", "kabkota_code", "desa_code", "user_id", "submitted_at"]
    assert header[6:] == ["S", "M", "K", "T \u2014 row1", "T \u2014 row2", "R", "N", "U", "Y", "X"]
    by_user = {int(r[4]): dict(zip(header, r, strict=True)) for r in body}
    assert set(by_user) == {p.id for p in people}
    first = by_user[people[0].id]
    assert (first["S"], first["M"], first["K"], first["T \u2014 row1"], first["T \u2014 row2"]) == (
        "A", "X; Y", "p > q > r", "Good", "Bad"
    )  # fmt: skip
    assert (first["R"], first["N"], first["U"], first["Y"], first["X"]) == ("5", "10", "20.0", "yes", "satu")
    assert by_user[people[2].id]["S"] == "Z" and by_user[people[1].id]["X"] == ""
    # the same file as the synchronous export
    sync = client.get(f"/api/v1/surveys/{s['id']}/export", headers=login(admin))
    assert _csv_rows(sync.get_data()) == rows
    # stored once, in storage, for the requester; no resident's notification about it
    row = db.session.get(DataExport, state["id"])
    assert (row.user_id, row.kind, row.subject_id, row.status) == (admin.id, "survey_csv", s["id"], "ready")
    with storage.open(row.storage_key) as stored:
        assert stored.read() == data
    assert not db.session.scalars(select(Notification).where(Notification.user_id == admin.id)).all()


def test_the_job_builds_xlsx(client, storage):
    s, admin, _ = known_survey(client)
    state = _start(client, s, admin, fmt="xlsx")
    polled = client.get(f"/api/v1/surveys/{s['id']}/exports/{state['id']}", headers=login(admin)).get_json()
    resp, data = _download(client, polled, admin)
    assert resp.mimetype.endswith("spreadsheetml.sheet") and polled["format"] == "xlsx"
    rows = list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 5 and rows[0][6] == "S"
    assert sorted(r[rows[0].index("R")] for r in rows[1:]) == [3, 4, 4, 5]


def test_an_anonymous_survey_exports_no_identity(client, storage):
    s, admin, people = known_survey(client, anonymous=True)
    state = _start(client, s, admin)
    polled = client.get(f"/api/v1/surveys/{s['id']}/exports/{state['id']}", headers=login(admin)).get_json()
    _, data = _download(client, polled, admin)
    rows = _csv_rows(data)
    assert rows[0][:4] == ["response_id", "submitted_on", "kabkota_code", "S"] and len(rows) == 5
    flat = " ".join(" ".join(r) for r in rows)
    for p in people:
        assert p.home_area_code not in flat and p.phone not in flat and str(p.id) not in rows[0]


def test_only_the_requester_in_scope_reaches_it(client, storage):
    s, admin, people = known_survey(client)  # a province survey of Jawa Barat
    url = f"/api/v1/surveys/{s['id']}/exports"
    state = _start(client, s, admin)
    item = f"{url}/{state['id']}"
    download = f"{item}/download"
    assert client.post(url, json={"format": "csv"}).status_code == 401
    assert client.get(item).status_code == 401
    for role_gated in (people[0], resident()):  # residents, even those who answered: 403 by role
        for r in (
            client.post(url, json={"format": "csv"}, headers=login(role_gated)),
            client.get(item, headers=login(role_gated)),
            client.get(download, headers=login(role_gated)),
        ):
            assert r.status_code == 403
    for outside in (staff("editor", "32.73"), staff("village_official", "32.73.01.1001"), staff("admin", "31")):
        for r in (
            client.post(url, json={"format": "csv"}, headers=login(outside)),
            client.get(item, headers=login(outside)),
            client.get(download, headers=login(outside)),
        ):
            assert r.status_code == 404, r.get_json()
    # another admin in scope starts their own export, but cannot read or download the first one
    other = staff("admin", "32")
    assert client.get(item, headers=login(other)).status_code == 404
    assert client.get(download, headers=login(other)).status_code == 404
    theirs = _start(client, s, other)
    assert theirs["id"] != state["id"]
    # the export is found under its own survey only
    assert client.get(f"/api/v1/surveys/{s['id'] + 999}/exports/{state['id']}", headers=login(admin)).status_code == 404
    assert client.post(url, json={"format": "pdf"}, headers=login(admin)).status_code == 422
    assert db.session.scalar(select(DataExport.id).where(DataExport.kind == "survey_pdf")) is None


def test_the_link_expires_and_retention_deletes_the_file(client, storage):
    s, admin, _ = known_survey(client)
    state = _start(client, s, admin)
    row = db.session.get(DataExport, state["id"])
    assert row.expires_at - row.ready_at == dt.timedelta(hours=24)
    key = row.storage_key
    row.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    download = f"/api/v1/surveys/{s['id']}/exports/{state['id']}/download"
    gone = client.get(download, headers=login(admin))
    assert gone.status_code == 410 and gone.get_json()["error"] == "data_export_expired"
    assert storage.exists(key)
    report = retention.run(apply=True)
    assert report["expired_exports"]["rows"] == 1
    assert not storage.exists(key)
    polled = client.get(f"/api/v1/surveys/{s['id']}/exports/{state['id']}", headers=login(admin)).get_json()
    assert polled["status"] == "expired" and polled["download_url"] is None
    assert client.get(download, headers=login(admin)).status_code == 410


def test_a_pending_export_is_answered_again_and_not_downloadable(client, storage):
    s, admin, _ = known_survey(client)
    pending = DataExport(
        user_id=admin.id, kind="survey_csv", subject_id=s["id"], status="pending", requested_at=utcnow()
    )
    db.session.add(pending)
    db.session.commit()
    again = _start(client, s, admin)
    assert again["id"] == pending.id and again["status"] == "pending" and again["download_url"] is None
    r = client.get(f"/api/v1/surveys/{s['id']}/exports/{pending.id}/download", headers=login(admin))
    assert r.status_code == 404 and r.get_json()["error"] == "data_export_pending"
    # a personal-data request of the same account is not confused with it
    assert client.get("/api/v1/me/data-export", headers=login(admin)).status_code == 404


def test_the_synchronous_export_refuses_big_surveys(client, monkeypatch):
    s, admin, _ = known_survey(client)
    monkeypatch.setattr(export_jobs, "SYNC_MAX", 3)
    r = client.get(f"/api/v1/surveys/{s['id']}/export", headers=login(admin))
    assert r.status_code == 409 and r.get_json()["error"] == "export_too_large"
    monkeypatch.setattr(export_jobs, "SYNC_MAX", 4)
    assert client.get(f"/api/v1/surveys/{s['id']}/export", headers=login(admin)).status_code == 200
