"""Privacy of every read: anonymous, masked and private complaints, for each kind of caller."""

from __future__ import annotations

import json

import pytest

from tests.complaints.helpers import BANDUNG, make_complaint
from tests.factories import login, resident, staff

PHONE = "081234567890"
TITLE = f"Lampu mati, hubungi {PHONE}"
DESCRIPTION = "Lampu PJU mati seminggu. NIK saya 3273012345670001, email siti.rahma@gmail.com untuk info."
MASKED_TITLE = "Lampu mati, hubungi [nomor telepon disembunyikan]"

VIEWERS = {
    "anonymous": lambda: None,
    "other_resident": lambda: resident(home_area_code="32.73.01.1001", home_rw=5),
    "moderator_in_scope": lambda: staff("moderator", "32.73"),
    "moderator_other_kabkota": lambda: staff("moderator", "32.04"),
    "admin_province": lambda: staff("admin", "32"),
    "admin_other_province": lambda: staff("admin", "31"),
    "village_official_in_scope": lambda: staff("village_official", "32.73.01.1001"),
    "village_official_other_desa": lambda: staff("village_official", "32.73.01.1002"),
    "rw_official_same_rw": lambda: staff("rw_official", "32.73.01.1001", rw=5),
    "rw_official_other_rw": lambda: staff("rw_official", "32.73.01.1001", rw=6),
    "office_handler": lambda: staff("office_handler", "32.73"),
    "editor": lambda: staff("editor", "32.73"),
}
#: Staff who look after complaints in Sukarasa RW 05 (and so read the originals and the screening flags).
IN_SCOPE = {"moderator_in_scope", "admin_province", "village_official_in_scope", "rw_official_same_rw"}
#: Who may know who filed an anonymous complaint.
KNOWS_ANONYMOUS = {"reporter", "moderator_in_scope", "admin_province"}

#: kind → (status, is_public, is_anonymous)
KINDS = {
    "public_named": ("verified", True, False),
    "public_anonymous": ("in_progress", True, True),
    "private": ("verified", False, False),
    "unverified": ("submitted", True, False),
    "withdrawn": ("withdrawn", True, False),
}
LISTED = {"public_named", "public_anonymous"}


@pytest.fixture
def reporter():
    return resident(name="Siti Rahmawati", email="siti.akun@example.id", home_area_code="32.73.01.1001", home_rw=5)


def make(reporter, kind):
    status, public, anonymous = KINDS[kind]
    return make_complaint(
        reporter,
        status=status,
        is_public=public,
        is_anonymous=anonymous,
        title=TITLE,
        description=DESCRIPTION,
        address=f"Jl. Sukajadi 10, telp {PHONE}",
    )


def assert_no_contact_data(resp, reporter):
    text = resp.get_data(as_text=True)
    for secret in (reporter.phone, reporter.phone[3:], reporter.email):
        assert secret not in text
    for key in ("phone", "email", "home_area_code", "home_rw", "password_hash", "nik"):
        assert f'"{key}"' not in text


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("viewer_name", ["reporter", *VIEWERS])
def test_detail_privacy(client, reporter, kind, viewer_name):
    complaint = make(reporter, kind)
    viewer = reporter if viewer_name == "reporter" else VIEWERS[viewer_name]()
    headers = login(viewer) if viewer is not None else {}
    resp = client.get(f"/api/v1/complaints/{complaint.id}", headers=headers)

    original = viewer_name == "reporter" or viewer_name in IN_SCOPE
    visible = kind in LISTED or original
    if not visible:
        assert resp.status_code == 404
        assert resp.get_json()["message"] == "Complaint not found."
        return
    assert resp.status_code == 200
    got = resp.get_json()
    assert_no_contact_data(resp, reporter)
    if original:
        assert (got["title"], got["description"]) == (TITLE, DESCRIPTION)
        assert PHONE in got["address"]
    else:
        assert got["title"] == MASKED_TITLE
        assert "3273012345670001" not in got["description"] and "siti.rahma" not in got["description"]
        assert PHONE not in json.dumps(got)
    anonymous = KINDS[kind][2]
    identity = viewer_name == "reporter" or (
        viewer_name in IN_SCOPE and (not anonymous or viewer_name in KNOWS_ANONYMOUS)
    )
    if identity:
        assert got["reporter_name"] == "Siti Rahmawati"
        assert got["reporter"] == {"id": reporter.id, "name": "Siti Rahmawati"}
    else:
        assert got["reporter"] is None
        assert got["reporter_name"] == ("Anonim" if anonymous else "S*** R***")
        assert "Siti Rahmawati" not in resp.get_data(as_text=True)
    assert ("screening" in got) == (viewer_name in IN_SCOPE)
    if "screening" in got:
        assert got["screening"]["pii_types"] == ["EMAIL", "NIK", "PHONE"]


def test_public_feed_shows_only_public_verified_complaints_masked(client, reporter):
    made = {kind: make(reporter, kind) for kind in KINDS}
    resp = client.get("/api/v1/complaints?limit=50", headers=login(reporter))  # even the reporter gets the public view
    items = {i["id"]: i for i in resp.get_json()["items"]}
    assert set(items) == {made[k].id for k in LISTED}
    assert_no_contact_data(resp, reporter)
    named, anonymous = items[made["public_named"].id], items[made["public_anonymous"].id]
    assert named["reporter_name"] == "S*** R***" and anonymous["reporter_name"] == "Anonim"
    for item in items.values():
        assert item["title"] == MASKED_TITLE and PHONE not in item["address"]
        assert "3273012345670001" not in item["excerpt"]
        assert "reporter" not in item and "screening" not in item and "description" not in item


def test_my_complaints_show_everything_mine_as_written(client, reporter):
    made = {kind: make(reporter, kind) for kind in KINDS}
    other = make_complaint(resident(), status="verified")
    items = client.get("/api/v1/me/complaints?limit=50", headers=login(reporter)).get_json()["items"]
    assert [i["id"] for i in items] == sorted((c.id for c in made.values()), reverse=True)
    assert other.id not in {i["id"] for i in items}
    for item in items:
        assert item["title"] == TITLE and item["reporter_name"] == "Siti Rahmawati"
        assert item["excerpt"].startswith("Lampu PJU mati seminggu. NIK saya 3273012345670001")
    empty = client.get("/api/v1/me/complaints", headers=login(resident())).get_json()
    assert (empty["items"], empty["next_cursor"], empty["deleted"]) == ([], None, [])
    assert client.get("/api/v1/me/complaints").status_code == 401


def test_similar_lists_only_what_the_caller_may_see(client, reporter):
    made = {kind: make(reporter, kind) for kind in KINDS}
    url = f"/api/v1/complaints/similar?lat={BANDUNG[0]}&lon={BANDUNG[1]}&category=1"
    public_ids = {made["public_named"].id, made["public_anonymous"].id}
    anonymous_view = client.get(url).get_json()["items"]
    assert {i["id"] for i in anonymous_view} == public_ids
    assert all(i["title"] == MASKED_TITLE for i in anonymous_view)
    assert {i["id"] for i in client.get(url, headers=login(resident())).get_json()["items"]} == public_ids
    mine = client.get(url, headers=login(reporter)).get_json()["items"]
    # the reporter also finds their own open private and unverified complaints, never a withdrawn one
    assert {i["id"] for i in mine} == public_ids | {made["private"].id, made["unverified"].id}
    assert all(i["title"] == TITLE for i in mine)
    moderator = client.get(url, headers=login(staff("moderator", "32.73"))).get_json()["items"]
    assert {i["id"] for i in moderator} == public_ids | {made["private"].id, made["unverified"].id}
    outsider = client.get(url, headers=login(staff("moderator", "32.04"))).get_json()["items"]
    assert {i["id"] for i in outsider} == public_ids
