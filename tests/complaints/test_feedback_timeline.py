"""GET /complaints/{id}/timeline: the history anyone who sees the complaint may read, safe for the public."""

from __future__ import annotations

import json

import pytest

from app.extensions import db
from complaints import states
from complaints.conversation.models import Message
from tests.complaints.helpers import make_complaint
from tests.complaints.office_factories import member, office
from tests.factories import login, resident, staff

SECRETS = ("INTERNAL-ASSIGNMENT-NOTE", "REDACTION-NOTE", "INTERNAL-CONVERSATION-NOTE", "UNFLAGGED-ASSIGNMENT")
REPORTER_NOTES = ("Mohon foto lokasi yang lebih jelas, Bu Sari.", "Sudah ditambal, Bu Sari.")


def url(c, **query) -> str:
    q = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/api/v1/complaints/{c.id}/timeline" + (f"?{q}" if q else "")


@pytest.fixture
def story():
    """A public complaint taken through moderation, a transfer and resolution, with staff-only steps in between."""
    reporter = resident(name="Sari Wulandari")
    moderator = staff("moderator", "32.73", name="Moderator Rahasia")
    dinas, upt = office("32.73"), office("32.73.01")
    dinas.name, upt.name = "Dinas Sumber Daya Air dan Bina Marga", "UPT Jalan Sukasari"
    handler = staff("office_handler", "32.73", name="Petugas Rahasia")
    member(upt, handler, head=True)
    c = make_complaint(reporter)
    states.transition(c, to="needs_info", actor=moderator, note=REPORTER_NOTES[0])
    states.transition(c, to="submitted", actor=reporter, note="Foto sudah saya tambahkan.")
    states.transition(c, to="verified", actor=moderator, note="Diteruskan ke dinas.", office_id=dinas.id)
    states.record(c, event="assignment", actor=moderator, note=SECRETS[0], office_id=dinas.id, is_internal=True)
    states.record(c, event="transfer", actor=moderator, note="Kewenangan UPT.", office_id=upt.id)
    states.record(c, event="redaction", actor=moderator, note=SECRETS[1], is_internal=True)
    # an assignment stored without the internal flag is still staff business
    states.record(c, event="assignment", actor=handler, note=SECRETS[3])
    states.transition(c, to="accepted", actor=handler, office_id=upt.id)
    states.transition(c, to="in_progress", actor=handler, office_id=upt.id)
    states.transition(c, to="resolved", actor=handler, note=REPORTER_NOTES[1], office_id=upt.id)
    states.transition(c, to="closed", actor=None)
    db.session.add(
        Message(
            complaint_id=c.id,
            author_id=handler.id,
            from_reporter=False,
            author_role="office_handler",
            visibility="internal",
            body=SECRETS[2],
        )
    )
    # the UPT leads now: its handler is staff in scope
    from complaints.handling.stages import start_stage

    start_stage(complaint=c, office=upt, actor=moderator)
    db.session.flush()
    return {"c": c, "reporter": reporter, "moderator": moderator, "handler": handler, "dinas": dinas, "upt": upt}


EXPECTED = [
    # (event, from, to, office, actor)
    ("submitted", None, "submitted", None, "reporter"),
    ("status", "submitted", "needs_info", None, "moderator"),
    ("status", "needs_info", "submitted", None, "reporter"),
    ("status", "submitted", "verified", "dinas", "moderator"),
    ("transfer", "verified", "verified", "upt", "moderator"),
    ("status", "verified", "accepted", "upt", "office"),
    ("status", "accepted", "in_progress", "upt", "office"),
    ("status", "in_progress", "resolved", "upt", "office"),
    ("status", "resolved", "closed", None, "system"),
]


def _shape(items, story):
    names = {story["dinas"].id: "dinas", story["upt"].id: "upt"}
    return [
        (i["event"], i["from_status"], i["to_status"], names[i["office"]["id"]] if i["office"] else None, i["actor"])
        for i in items
    ]


def _assert_nothing_private(resp, story):
    text = json.dumps(resp.get_json())
    for secret in SECRETS:
        assert secret not in text
    for person in ("moderator", "handler", "reporter"):
        assert story[person].name not in text
    for item in resp.get_json()["items"]:
        assert set(item) == {"at", "event", "from_status", "to_status", "office", "actor", "note"}
        assert item["actor"] in {"reporter", "moderator", "office", "system"}
        assert item["event"] not in ("assignment", "redaction")
        if item["office"] is not None:
            assert set(item["office"]) == {"id", "name"}
            assert item["office"]["id"] in (story["dinas"].id, story["upt"].id)


@pytest.mark.parametrize("who", ["public", "other_resident", "outside_moderator"])
def test_public_sees_history_with_office_names_but_no_notes(client, story, who):
    headers = {
        "public": lambda: {},
        "other_resident": lambda: login(resident()),
        "outside_moderator": lambda: login(staff("moderator", "32.04")),
    }[who]()
    resp = client.get(url(story["c"]), headers=headers)
    assert resp.status_code == 200, resp.get_json()
    items = resp.get_json()["items"]
    assert _shape(items, story) == EXPECTED
    assert [i["note"] for i in items] == [None] * len(EXPECTED)
    offices = {i["office"]["id"]: i["office"]["name"] for i in items if i["office"]}
    assert offices == {story["dinas"].id: "Dinas Sumber Daya Air dan Bina Marga", story["upt"].id: "UPT Jalan Sukasari"}
    assert resp.get_json()["next_cursor"] is None
    _assert_nothing_private(resp, story)
    for note in REPORTER_NOTES:
        assert note not in resp.get_data(as_text=True)


@pytest.mark.parametrize("who", ["reporter", "moderator", "handler"])
def test_reporter_and_staff_in_scope_read_the_notes_but_never_internal_steps(client, story, who):
    resp = client.get(url(story["c"]), headers=login(story[who]))
    assert resp.status_code == 200, resp.get_json()
    items = resp.get_json()["items"]
    assert _shape(items, story) == EXPECTED
    notes = [i["note"] for i in items]
    assert notes == [
        None,
        REPORTER_NOTES[0],
        "Foto sudah saya tambahkan.",
        "Diteruskan ke dinas.",
        "Kewenangan UPT.",
        None,
        None,
        REPORTER_NOTES[1],
        None,
    ]
    _assert_nothing_private(resp, story)


def test_entries_are_oldest_first_starting_with_the_submission(client, story):
    items = client.get(url(story["c"])).get_json()["items"]
    assert items[0]["at"] == story["c"].created_at.isoformat()
    times = [i["at"] for i in items]
    assert times == sorted(times)


def test_pages_walk_the_whole_history_with_a_constant_number_of_queries(client, story, count_queries):
    c = story["c"]
    full = client.get(url(c)).get_json()["items"]
    walked, cursor, pages = [], None, 0
    while True:
        query = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        body = client.get(url(c, **query)).get_json()
        walked += body["items"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert walked == full and pages == 5
    first = client.get(url(c, limit=1)).get_json()
    assert [i["event"] for i in first["items"]] == ["submitted"] and first["next_cursor"]
    second = client.get(url(c, limit=1, cursor=first["next_cursor"])).get_json()
    assert second["items"] == full[1:2]

    with count_queries() as long_history:
        assert client.get(url(c, limit=100)).status_code == 200
    short = make_complaint(status="verified")
    with count_queries() as short_history:
        assert client.get(url(short, limit=100)).status_code == 200
    assert long_history.count == short_history.count


def test_a_complaint_the_caller_cannot_see_is_404(client):
    reporter = resident()
    private = make_complaint(reporter, status="in_progress", is_public=False)
    pending = make_complaint(reporter)  # not verified yet: not public
    for c in (private, pending):
        assert client.get(url(c)).status_code == 404
        assert client.get(url(c), headers=login(resident())).status_code == 404
        assert client.get(url(c), headers=login(staff("moderator", "32.04"))).status_code == 404
        assert client.get(url(c), headers=login(reporter)).status_code == 200
    assert client.get("/api/v1/complaints/999999/timeline").status_code == 404


def test_pending_complaint_timeline_for_its_reporter(client):
    reporter = resident()
    c = make_complaint(reporter)
    items = client.get(url(c), headers=login(reporter)).get_json()["items"]
    assert [(i["event"], i["to_status"], i["actor"]) for i in items] == [("submitted", "submitted", "reporter")]


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x", "cursor=bad", "cursor=WyJ4Il0", "foo=1"])
def test_bad_paging_is_422(client, story, query):
    resp = client.get(f"/api/v1/complaints/{story['c'].id}/timeline?{query}")
    assert resp.status_code == 422


def test_bad_token_is_401(client, story):
    resp = client.get(url(story["c"]), headers={"Authorization": "Bearer nope"})
    assert resp.status_code == 401
