"""Transfer (*disposisi*) to another office or a sub-unit, and resolution photos."""

from __future__ import annotations

import datetime as dt

import pytest

from app.extensions import db
from complaints.photos.service import add_photo
from complaints.sla.service import sla_deadlines
from tests.complaints.handling_helpers import co, handled, handler, history, notes_for, reload, stage_of, stages_of
from tests.complaints.helpers import jpeg_bytes
from tests.complaints.office_factories import office
from tests.factories import login, resident, staff


def transfer(client, c, user, **body):
    return client.post(f"/api/v1/complaints/{c.id}/transfer", json=body, headers=login(user) if user else {})


@pytest.mark.parametrize("status", ["accepted", "in_progress"])
def test_transfer_returns_the_complaint_to_verified_and_restarts_the_response_clock(client, status):
    dinas, upt = office("32.73"), office("32.73")
    user = handler(dinas)
    long_ago = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    c = handled(dinas, status=status, started_at=long_ago)
    old = stage_of(c, dinas)
    old_response_due, kept_resolution_due = old.response_due_at, c.resolution_due_at
    resp = transfer(client, c, user, office_id=upt.id, reason="Kewenangan UPT Drainase.")
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert (body["status"], body["office_id"]) == ("verified", upt.id)
    c = reload(c)
    assert (c.status, c.office_id) == ("verified", upt.id)
    rows = stages_of(c)
    ended, new = rows[0], rows[-1]
    assert ended.is_active is False and ended.ended_at is not None and ended.due_at is None
    assert (new.office_id, new.role, new.is_active, new.reason, new.created_by_id) == (
        upt.id,
        "lead",
        True,
        "Kewenangan UPT Drainase.",
        user.id,
    )
    # a fresh response deadline counted from the transfer; the resolution deadline promised to the reporter is kept
    expected = sla_deadlines(category_id=c.category_id, area_code=c.desa_code, start=new.started_at)
    assert new.response_due_at == expected.response.due_at != old_response_due
    assert new.due_at == new.response_due_at and new.responded_at is None
    assert new.resolution_due_at == kept_resolution_due == c.resolution_due_at
    assert c.response_due_at == new.response_due_at
    change = history(c)[-1]
    assert (change.event, change.from_status, change.to_status, change.office_id, change.note, change.is_internal) == (
        "transfer",
        status,
        "verified",
        upt.id,
        "Kewenangan UPT Drainase.",
        False,
    )
    [note] = [n for n in notes_for(c.reporter_id) if (n.data or {}).get("event") == "transfer"]
    assert note.title == "Aduan Anda dialihkan ke instansi lain" and "Kewenangan UPT Drainase." in note.body
    # the old office no longer acts; the new one accepts
    assert client.post(f"/api/v1/complaints/{c.id}/accept", json={}, headers=login(user)).status_code == 403
    assert client.post(f"/api/v1/complaints/{c.id}/accept", json={}, headers=login(handler(upt))).status_code == 200


def test_transfer_of_a_verified_complaint_keeps_the_status_and_is_in_the_history(client):
    dinas = office("32.73")
    sub_unit = office("32.73.01", parent=dinas)
    c = handled(dinas)
    resp = transfer(client, c, handler(dinas), office_id=sub_unit.id, reason="Ditangani UPT wilayah Sukasari.")
    assert resp.status_code == 200, resp.get_json()
    c = reload(c)
    assert (c.status, c.office_id) == ("verified", sub_unit.id)
    [change] = history(c)
    assert (change.event, change.from_status, change.to_status, change.office_id) == (
        "transfer",
        "verified",
        "verified",
        sub_unit.id,
    )
    assert [n.title for n in notes_for(c.reporter_id) if (n.data or {}).get("event") == "transfer"] == [
        "Aduan Anda dialihkan ke instansi lain"
    ]


def test_transfer_to_a_co_handling_office_ends_its_co_stage(client):
    dinas, partner, third = office("32.73"), office("32.73"), office("32.73")
    c = handled(dinas, status="accepted")
    co(c, partner)
    co(c, third)
    assert transfer(client, c, handler(dinas), office_id=partner.id, reason="Lebih tepat.").status_code == 200
    active = [(s.office_id, s.role) for s in stages_of(c) if s.is_active]
    assert sorted(active) == sorted([(third.id, "co"), (partner.id, "lead")])


@pytest.mark.parametrize("status", ["resolved", "closed", "submitted"])
def test_transfer_from_other_statuses_is_409(client, status):
    dinas = office("32.73")
    c = handled(dinas, status=status)
    resp = transfer(client, c, handler(dinas), office_id=office("32.73").id, reason="Pindah.")
    assert resp.status_code == 409
    assert reload(c).office_id == dinas.id and history(c) == []


@pytest.mark.parametrize("target", ["itself", "inactive", "another kab/kota", "unknown"])
def test_transfer_target_must_be_another_active_office_covering_the_desa(client, target):
    dinas = office("32.73")
    c = handled(dinas, status="accepted")
    office_id = {
        "itself": lambda: dinas.id,
        "inactive": lambda: office("32.73", active=False).id,
        "another kab/kota": lambda: office("32.04").id,
        "unknown": lambda: 999_999,
    }[target]()
    resp = transfer(client, c, handler(dinas), office_id=office_id, reason="Pindah.")
    assert resp.status_code == 422 and "office_id" in resp.get_json()["errors"]
    assert reload(c).office_id == dinas.id and len([s for s in stages_of(c) if s.is_active]) == 1


def test_transfer_reason_is_required(client):
    dinas = office("32.73")
    c = handled(dinas)
    for body in ({"office_id": office("32.73").id}, {"office_id": office("32.73").id, "reason": " "}):
        assert transfer(client, c, handler(dinas), **body).status_code == 422


# --- resolution photos -----------------------------------------------------------------------------------------


def upload(client, c, user, data=None):
    return client.post(
        f"/api/v1/complaints/{c.id}/resolution-photos",
        data={"file": (__import__("io").BytesIO(data or jpeg_bytes()), "hasil.jpg")},
        content_type="multipart/form-data",
        headers=login(user) if user else {},
    )


def test_resolution_photos_are_added_listed_and_served(client):
    dinas = office("32.73")
    user = handler(dinas)
    c = handled(dinas, status="in_progress", is_public=True)
    intake = add_photo(complaint=c, data=jpeg_bytes(), uploader_id=c.reporter_id)
    resp = upload(client, c, user)
    assert resp.status_code == 201, resp.get_json()
    photo = resp.get_json()
    assert photo["url"] == f"/api/v1/complaints/{c.id}/photos/{photo['id']}"
    assert reload(c).photo_count == 1  # intake photos only
    for viewer in (user, None, resident()):
        headers = login(viewer) if viewer else {}
        detail = client.get(f"/api/v1/complaints/{c.id}", headers=headers).get_json()
        assert [p["id"] for p in detail["photos"]] == [intake.id] and detail["resolution_photos"] == [photo]
        assert client.get(photo["url"], headers=headers).status_code == 200
        assert client.get(photo["thumbnail_url"], headers=headers).status_code == 200


def test_handlers_and_the_reporter_see_photos_of_a_private_complaint(client):
    dinas = office("32.73")
    user = handler(dinas)
    c = handled(dinas, status="accepted", is_public=False)
    photo = upload(client, c, user).get_json()
    assert client.get(photo["url"], headers=login(user)).status_code == 200
    reporter = db.session.get(type(user), c.reporter_id)
    assert client.get(photo["url"], headers=login(reporter)).status_code == 200
    assert client.get(photo["url"]).status_code == 404
    assert client.get(photo["url"], headers=login(handler(office("32.73")))).status_code == 404


def test_at_most_five_resolution_photos(client):
    dinas = office("32.73")
    user = handler(dinas)
    c = handled(dinas, status="accepted")
    for _ in range(5):
        assert upload(client, c, user).status_code == 201
    assert upload(client, c, user).status_code == 409


@pytest.mark.parametrize("status", ["verified", "resolved"])
def test_resolution_photos_only_while_working_on_it(client, status):
    dinas = office("32.73")
    c = handled(dinas, status=status)
    assert upload(client, c, handler(dinas)).status_code == 409


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("co-handling office member", 403),
        ("member of another office", 403),
        ("moderator", 403),
        ("reporter", 403),
        ("resident", 403),
        ("anonymous", 401),
    ],
)
def test_who_adds_resolution_photos(client, who, expected):
    dinas, partner = office("32.73"), office("32.73")
    c = handled(dinas, status="in_progress", is_public=True)
    co(c, partner)
    user = {
        "co-handling office member": lambda: handler(partner),
        "member of another office": lambda: handler(office("32.73")),
        "moderator": lambda: staff("moderator", "32.73"),
        "reporter": lambda: db.session.get(type(handler(partner)), c.reporter_id),
        "resident": lambda: resident(),
        "anonymous": lambda: None,
    }[who]()
    assert upload(client, c, user).status_code == expected


def test_resolution_photo_validation(client):
    dinas = office("32.73")
    user = handler(dinas)
    c = handled(dinas, status="accepted")
    assert upload(client, c, user, b"not an image").status_code == 422
    resp = client.post(
        f"/api/v1/complaints/{c.id}/resolution-photos",
        data={"other": "x"},
        content_type="multipart/form-data",
        headers=login(user),
    )
    assert resp.status_code == 422
