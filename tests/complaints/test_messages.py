"""The conversation on a complaint: reporter and staff exchange messages; internal notes never reach residents."""

from __future__ import annotations

import pytest

from complaints.events import COMPLAINT_INTERNAL_NOTE_ADDED, COMPLAINT_MESSAGE_POSTED
from tests.complaints.helpers import make_complaint
from tests.factories import login, resident, staff


def url(c) -> str:
    return f"/api/v1/complaints/{c.id}/messages"


@pytest.fixture
def reporter():
    return resident(name="Siti Rahmawati")


@pytest.fixture
def moderator():
    return staff("moderator", "32.73", name="Budi Moderator")


def test_reporter_and_staff_talk_and_internal_notes_stay_internal(client, reporter, moderator, events):
    c = make_complaint(reporter, status="verified")
    mine, mod = login(reporter), login(moderator)
    first = client.post(url(c), json={"body": "Lubangnya makin besar."}, headers=mine)
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["from_reporter"] is True and first.get_json()["is_mine"] is True
    assert client.post(url(c), json={"body": "Akan kami cek besok."}, headers=mod).status_code == 201
    note = client.post(url(c), json={"body": "Pelapor sering lapor ganda.", "visibility": "internal"}, headers=mod)
    assert note.status_code == 201 and note.get_json()["visibility"] == "internal"

    seen_by_reporter = client.get(url(c), headers=mine).get_json()["items"]
    assert [m["body"] for m in seen_by_reporter] == ["Lubangnya makin besar.", "Akan kami cek besok."]
    assert seen_by_reporter[1]["author_name"] == "Petugas" and seen_by_reporter[1]["author_role"] == "moderator"
    assert "Budi Moderator" not in client.get(url(c), headers=mine).get_data(as_text=True)
    assert "Pelapor sering" not in client.get(url(c), headers=mine).get_data(as_text=True)

    seen_by_staff = client.get(url(c), headers=mod).get_json()["items"]
    assert [m["visibility"] for m in seen_by_staff] == ["shared", "shared", "internal"]
    assert [m["author_name"] for m in seen_by_staff] == ["Siti Rahmawati", "Budi Moderator", "Budi Moderator"]
    village = client.get(url(c), headers=login(staff("village_official", "32.73.01.1001"))).get_json()["items"]
    assert len(village) == 3

    names = [name for name, _ in events if name != "complaints.submitted"]
    assert names == [COMPLAINT_MESSAGE_POSTED, COMPLAINT_MESSAGE_POSTED, COMPLAINT_INTERNAL_NOTE_ADDED]
    posted = [p for name, p in events if name == COMPLAINT_MESSAGE_POSTED]
    assert posted[0]["from_reporter"] is True and posted[1]["from_reporter"] is False
    assert posted[1]["reporter_id"] == reporter.id and posted[1]["author_role"] == "moderator"


def test_anonymous_reporter_stays_anonymous_to_village_staff(client, reporter):
    c = make_complaint(reporter, status="verified", is_anonymous=True)
    client.post(url(c), json={"body": "Mohon dirahasiakan."}, headers=login(reporter))
    village = client.get(url(c), headers=login(staff("village_official", "32.73.01.1001"))).get_json()["items"]
    assert village[0]["author_name"] == "Pelapor"
    mod = client.get(url(c), headers=login(staff("moderator", "32.73"))).get_json()["items"]
    assert mod[0]["author_name"] == "Siti Rahmawati"


def test_pages_oldest_first(client, reporter):
    c = make_complaint(reporter)
    headers = login(reporter)
    for i in range(5):
        client.post(url(c), json={"body": f"pesan {i}"}, headers=headers)
    first = client.get(url(c) + "?limit=3", headers=headers).get_json()
    rest = client.get(url(c) + f"?limit=3&cursor={first['next_cursor']}", headers=headers).get_json()
    assert [m["body"] for m in first["items"] + rest["items"]] == [f"pesan {i}" for i in range(5)]
    assert rest["next_cursor"] is None


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [
        (lambda: None, 401, 401),
        (lambda: resident(), 403, 403),  # sees the public complaint, not the conversation
        (lambda: staff("moderator", "32.04"), 403, 403),
        (lambda: staff("rw_official", "32.73.01.1001", rw=6), 403, 403),
        (lambda: staff("editor", "32.73"), 403, 403),
        (lambda: staff("rw_official", "32.73.01.1001", rw=5), 200, 201),
    ],
)
def test_who_reads_and_writes_on_a_public_complaint(client, reporter, who, read, write):
    c = make_complaint(reporter, status="verified")
    user = who()
    headers = login(user) if user else {}
    assert client.get(url(c), headers=headers).status_code == read
    assert client.post(url(c), json={"body": "Halo"}, headers=headers).status_code == write


def test_unverified_complaint_conversation_is_404_for_outsiders(client, reporter):
    c = make_complaint(reporter)
    headers = login(resident())
    assert client.get(url(c), headers=headers).status_code == 404
    assert client.post(url(c), json={"body": "Halo"}, headers=headers).status_code == 404


def test_residents_cannot_write_internal_notes(client, reporter):
    c = make_complaint(reporter)
    resp = client.post(url(c), json={"body": "rahasia", "visibility": "internal"}, headers=login(reporter))
    assert resp.status_code == 403
    assert client.get(url(c), headers=login(reporter)).get_json()["items"] == []


@pytest.mark.parametrize("status", ["withdrawn", "rejected", "duplicate"])
def test_conversation_closes_with_the_complaint(client, reporter, status):
    c = make_complaint(reporter, status=status)
    assert client.post(url(c), json={"body": "Halo"}, headers=login(reporter)).status_code == 409
    assert client.get(url(c), headers=login(reporter)).status_code == 200


@pytest.mark.parametrize(
    "payload",
    [
        {"body": ""},
        {"body": "   "},
        {"body": "x" * 2001},
        {"body": "a\x00b"},
        {"body": "Halo", "visibility": "public"},
        {"visibility": "shared"},
        {"body": "Halo", "author_id": 1},
    ],
)
def test_message_validation(client, reporter, payload):
    c = make_complaint(reporter)
    resp = client.post(url(c), json=payload, headers=login(reporter))
    assert resp.status_code == 422, resp.get_json()
