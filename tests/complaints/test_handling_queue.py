"""GET /me/offices and GET /offices/{id}/inbox: filters, order, pagination, statement count, who may read it."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from app.core.db import utcnow
from app.extensions import db
from tests.complaints.handling_helpers import co, handled, handler, stage_of
from tests.complaints.office_factories import member, office
from tests.factories import login, resident, staff

JALAN, SAMPAH = 1, 2


def url(of, query: str = "") -> str:
    return f"/api/v1/offices/{of.id}/inbox" + (f"?{query}" if query else "")


def ids(resp) -> list[int]:
    assert resp.status_code == 200, resp.get_json()
    return [i["id"] for i in resp.get_json()["items"]]


def due(c, of, when):
    s = stage_of(c, of)
    s.due_at = when
    db.session.flush()
    return s


# --- my offices ------------------------------------------------------------------------------------------------


def test_my_offices_lists_effective_memberships_with_head_flag(client):
    dinas, upt, elsewhere = office("32.73"), office("32.73.01"), office("32.04")
    user = handler(dinas, head=True)
    member(upt, user)
    member(elsewhere, user)  # Kabupaten Bandung: a Kota Bandung handler does not qualify there
    resp = client.get("/api/v1/me/offices", headers=login(user))
    assert resp.status_code == 200
    got = [(o["id"], o["is_head"], o["code"]) for o in resp.get_json()["items"]]
    assert got == [(dinas.id, True, dinas.code), (upt.id, False, upt.code)]


@pytest.mark.parametrize("who", [lambda: resident(), lambda: staff("moderator", "32.73"), lambda: staff("admin", "32")])
def test_my_offices_is_empty_for_other_roles(client, who):
    resp = client.get("/api/v1/me/offices", headers=login(who()))
    assert resp.status_code == 200 and resp.get_json() == {"items": []}


def test_my_offices_needs_a_token(client):
    assert client.get("/api/v1/me/offices").status_code == 401


# --- the inbox -------------------------------------------------------------------------------------------------


def test_inbox_lists_active_stages_earliest_deadline_first_with_the_stage(client):
    dinas, other = office("32.73"), office("32.73")
    user = handler(dinas)
    now = utcnow()
    late = handled(dinas, status="accepted")
    soon = handled(dinas)
    undated = handled(dinas, status="resolved")
    later = handled(dinas)
    co_stage = co(handled(other), dinas)
    due(late, dinas, now - dt.timedelta(hours=5))
    due(soon, dinas, now + dt.timedelta(hours=1))
    due(later, dinas, now + dt.timedelta(days=3))
    handled(other)  # another office's complaint
    moved = handled(dinas)
    stage_of(moved, dinas).is_active = False  # transferred away
    db.session.flush()
    resp = client.get(url(dinas), headers=login(user))
    assert ids(resp) == [late.id, soon.id, later.id, undated.id, co_stage.complaint_id]
    first = resp.get_json()["items"][0]
    s = stage_of(late, dinas)
    assert first["tracking_number"] == late.tracking_number and first["status"] == "accepted"
    assert first["title"] == late.title and first["excerpt"] == late.description and first["address"] == late.address
    assert (first["desa_code"], first["rw"], first["photo_count"], first["thumbnail_url"]) == (
        "32.73.01.1001",
        5,
        0,
        None,
    )
    assert first["stage"] == {
        "id": s.id,
        "role": "lead",
        "assignee": None,
        "started_at": s.started_at.isoformat(),
        "response_due_at": s.response_due_at.isoformat(),
        "resolution_due_at": s.resolution_due_at.isoformat(),
        "due_at": s.due_at.isoformat(),
        "overdue": True,
        "due_provisional": False,
        "responded_at": s.responded_at.isoformat(),
        "reason": None,
    }
    items = resp.get_json()["items"]
    assert [i["stage"]["overdue"] for i in items] == [True, False, False, False, False]
    assert [i["stage"]["role"] for i in items] == ["lead", "lead", "lead", "lead", "co"]


def test_staff_see_the_original_texts(client):
    dinas = office("32.73")
    c = handled(dinas, title="Rumah Pak Budi 081234567890 bocor", is_public=True)
    item = client.get(url(dinas), headers=login(handler(dinas))).get_json()["items"][0]
    assert item["title"] == c.title


def test_filters(client):
    dinas, other = office("32.73"), office("32.73")
    user = handler(dinas)
    colleague = handler(dinas)
    now = utcnow()
    a = handled(dinas, status="accepted", category_id=JALAN)
    b = handled(dinas, status="in_progress", category_id=SAMPAH)
    c = handled(dinas, category_id=JALAN)
    d = co(handled(other, category_id=SAMPAH), dinas).complaint_id
    due(a, dinas, now - dt.timedelta(hours=1))
    due(b, dinas, now - dt.timedelta(minutes=1))
    due(c, dinas, now + dt.timedelta(days=1))
    stage_of(a, dinas).assignee_id = user.id
    stage_of(b, dinas).assignee_id = colleague.id
    db.session.flush()
    headers = login(user)
    assert ids(client.get(url(dinas, "status=accepted"), headers=headers)) == [a.id]
    assert ids(client.get(url(dinas, "status=verified"), headers=headers)) == [c.id, d]
    assert ids(client.get(url(dinas, f"category={JALAN}"), headers=headers)) == [a.id, c.id]
    assert ids(client.get(url(dinas, f"category={SAMPAH}"), headers=headers)) == [b.id, d]
    assert ids(client.get(url(dinas, "overdue=true"), headers=headers)) == [a.id, b.id]
    assert ids(client.get(url(dinas, "overdue=false"), headers=headers)) == [c.id, d]
    assert ids(client.get(url(dinas, "assignee=me"), headers=headers)) == [a.id]
    assert ids(client.get(url(dinas, f"assignee={colleague.id}"), headers=headers)) == [b.id]
    assert ids(client.get(url(dinas, "assignee=none"), headers=headers)) == [c.id, d]
    assert ids(client.get(url(dinas, "role=co"), headers=headers)) == [d]
    assert ids(client.get(url(dinas, "role=lead"), headers=headers)) == [a.id, b.id, c.id]
    assert ids(client.get(url(dinas, "role=lead&overdue=true&assignee=me&status=accepted"), headers=headers)) == [a.id]
    assignee = client.get(url(dinas, "assignee=me"), headers=headers).get_json()["items"][0]["stage"]["assignee"]
    assert assignee == {"id": user.id, "name": user.name}


def test_category_filter_includes_sub_categories(client):
    from complaints.categories.models import Category

    child = Category(name="Trotoar rusak", slug="trotoar-rusak-uji", parent_id=JALAN)
    db.session.add(child)
    db.session.flush()
    dinas = office("32.73")
    a = handled(dinas, category_id=child.id)
    handled(dinas, category_id=SAMPAH)
    assert ids(client.get(url(dinas, f"category={JALAN}"), headers=login(handler(dinas)))) == [a.id]


@pytest.mark.parametrize("query", ["", "overdue=false", "overdue=true", "role=lead"])
def test_pages_are_stable_and_complete_across_dated_and_undated_stages(client, query):
    dinas = office("32.73")
    user = handler(dinas)
    now = utcnow()
    expected_dated, undated = [], []
    for i in range(5):
        c = handled(dinas)
        due(c, dinas, now + dt.timedelta(hours=i - 2, minutes=30))  # two overdue, three not
        expected_dated.append(c.id)
    same = handled(dinas)
    due(same, dinas, now + dt.timedelta(minutes=30))  # the same deadline as the third: by stage id
    expected_dated.insert(3, same.id)
    for _ in range(3):
        undated.append(handled(dinas, status="resolved").id)
    everything = expected_dated + undated
    if query == "overdue=true":
        everything = expected_dated[:2]
    elif query == "overdue=false":
        everything = expected_dated[2:] + undated
    headers = login(user)
    got, cursor, pages = [], None, 0
    while True:
        q = "limit=2" + (f"&{query}" if query else "") + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url(dinas, q), headers=headers).get_json()
        got += [i["id"] for i in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert pages < 10
    assert got == everything


def test_statement_count_does_not_grow_with_page_size(client, count_queries):
    dinas = office("32.73")
    user = handler(dinas)
    for i in range(14):
        c = handled(dinas, status="accepted")
        stage_of(c, dinas).assignee_id = user.id if i % 2 else None
    db.session.flush()
    headers = login(user)
    counts = []
    for n in (2, 12):
        with count_queries() as q:
            resp = client.get(url(dinas, f"limit={n}"), headers=headers)
        assert resp.status_code == 200 and len(resp.get_json()["items"]) == n
        counts.append(q.count)
    assert counts[0] == counts[1], counts
    assert counts[1] <= 3, counts  # the token check, the office access, the page


@pytest.mark.parametrize(
    "query",
    [
        "status=nope",
        "category=0",
        "category=x",
        "overdue=maybe",
        "assignee=someone",
        "assignee=-1",
        "assignee=1.5",
        "role=boss",
        "limit=0",
        "limit=101",
        "cursor=%25%25%25",
        "cursor=WyJub3QgYSBkYXRlIiwgMV0",  # ["not a date", 1]
        "cursor=W251bGwsIDBd",  # [null, 0]
        "unknown=1",
    ],
)
def test_inbox_validation(client, query):
    dinas = office("32.73")
    resp = client.get(url(dinas, query), headers=login(handler(dinas)))
    assert resp.status_code == 422, (query, resp.get_json())


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("member", 200),
        ("head", 200),
        ("admin of the city", 200),
        ("admin of the province", 200),
        ("member of another office", 403),
        ("former member", 403),
        ("admin of another kab/kota", 403),
        ("moderator", 403),
        ("resident", 403),
        ("anonymous", 401),
    ],
)
def test_who_reads_an_inbox(client, who, expected):
    dinas = office("32.73")
    handled(dinas)
    user = {
        "member": lambda: handler(dinas),
        "head": lambda: handler(dinas, head=True),
        "admin of the city": lambda: staff("admin", "32.73"),
        "admin of the province": lambda: staff("admin", "32"),
        "member of another office": lambda: handler(office("32.73")),
        "former member": lambda: handler(dinas, area="32.04"),  # moved to Kabupaten Bandung: no longer counts
        "admin of another kab/kota": lambda: staff("admin", "32.04"),
        "moderator": lambda: staff("moderator", "32.73"),
        "resident": lambda: resident(),
        "anonymous": lambda: None,
    }[who]()
    resp = client.get(url(dinas), headers=login(user) if user else {})
    assert resp.status_code == expected, resp.get_json()
    if expected == 200:
        assert len(resp.get_json()["items"]) == 1


def test_unknown_office_is_404(client):
    user = handler(office("32.73"))
    assert client.get("/api/v1/offices/999999/inbox", headers=login(user)).status_code == 404
    assert client.get("/api/v1/offices/999999/inbox", headers=login(staff("admin", "32"))).status_code == 404


def test_answers_match_their_documented_schemas():
    from app.core.db import utcnow
    from app.core.pagination import page_of
    from complaints.handling import presenters, queue, stages
    from complaints.handling.schemas import HandlingSchema, InboxItemSchema, MyOfficesSchema
    from complaints.photos.service import add_photo
    from tests.complaints.helpers import jpeg_bytes
    from tests.complaints.test_responses import same_as_schema

    dinas, partner = office("32.73"), office("32.73")
    user = handler(dinas, head=True)
    c = handled(dinas, status="accepted", address=None)
    add_photo(complaint=c, data=jpeg_bytes(), uploader_id=c.reporter_id)
    stage_of(c, dinas).assignee_id = user.id
    co(c, partner)
    handled(dinas, status="resolved")
    args = {"status": None, "category": None, "overdue": None, "assignee": None, "role": None, "cursor": None}
    page = json.loads(queue.office_queue(office_id=dinas.id, user=user, limit=1, **args).body)
    assert page["next_cursor"] and page["items"][0]["thumbnail_url"]
    same_as_schema(page, page_of(InboxItemSchema)())
    same_as_schema(presenters.handling(c, stages.active_with_offices(c.id), now=utcnow()), HandlingSchema())
    same_as_schema({"items": queue.my_offices(user=user)}, MyOfficesSchema())
