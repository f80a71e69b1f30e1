"""The office inbox tests again with the inbox kept per process (``complaints.handling.inbox_state.INBOX``): every
write that changes what a page shows must drop it, or a test reads stale here. Plus: a kept page runs no statement,
a transition, a transfer, a renamed assignee and a removed member show at once, a notification from another
process drops it, a page stops being served once a deadline on it passes (PostgreSQL; on SQLite nothing is kept and
these are the same tests as ``test_handling_queue``)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.core import user_state
from app.core.db import utcnow
from app.extensions import db
from complaints.handling import queue
from complaints.handling.inbox_state import INBOX as KEPT
from complaints.offices.models import OfficeMember
from tests.complaints.handling_helpers import handled, handler, stage_of
from tests.complaints.office_factories import office
from tests.complaints.test_handling_queue import *  # noqa: F403 (the same tests, with the inbox kept)
from tests.complaints.test_handling_queue import url
from tests.core.test_user_state import other_process, wait_until
from tests.factories import login


@pytest.fixture(autouse=True)
def kept(app, monkeypatch, dialect):
    monkeypatch.setitem(app.config, "USER_STATE_CACHE_SECONDS", 300)
    monkeypatch.setitem(app.config, "OFFICE_INBOX_CACHE_SECONDS", 60)  # long: a missing drop must show
    if dialect == "postgresql":
        wait_until(lambda: user_state.listening(app))
    KEPT.drop_all()
    yield
    KEPT.drop_all()


def inbox_statements(statements: list[str]) -> list[str]:
    return [s for s in statements if "handling_stages" in s or "offices" in s]


def items(client, of, headers, query=""):
    resp = client.get(url(of, query), headers=headers)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["items"]


def test_statement_count_does_not_grow_with_page_size(client, count_queries):
    """(Replaces the unkept test: here the second page size finds the caller's access kept.)"""
    dinas = office("32.73")
    user = handler(dinas)
    for _ in range(14):
        handled(dinas, status="accepted")
    headers = login(user)
    counts = []
    for n in (2, 12, 2):
        with count_queries() as q:
            assert len(items(client, dinas, headers, f"limit={n}")) == n
        counts.append(len(inbox_statements(q.statements)))
    assert counts == ([2, 1, 0] if db.dialect == "postgresql" else [2, 2, 2])


def test_a_kept_page_runs_no_statement(client, count_queries, dialect):
    dinas = office("32.73")
    user = handler(dinas)
    handled(dinas)
    headers = login(user)
    first = items(client, dinas, headers)
    with count_queries() as q:
        assert items(client, dinas, headers) == first
    assert len(inbox_statements(q.statements)) == (0 if dialect == "postgresql" else 2), q.statements


def test_a_transition_and_a_transfer_show_at_once(client):
    dinas, other = office("32.73"), office("32.73")
    user, colleague = handler(dinas), handler(other)
    c = handled(dinas)
    headers, theirs = login(user), login(colleague)
    assert [i["status"] for i in items(client, dinas, headers)] == ["verified"]
    assert items(client, other, theirs) == []
    accepted = client.post(f"/api/v1/complaints/{c.id}/accept", json={"note": "Diterima."}, headers=headers)
    assert accepted.status_code == 200, accepted.get_json()
    assert [i["status"] for i in items(client, dinas, headers)] == ["accepted"]
    moved = client.post(
        f"/api/v1/complaints/{c.id}/transfer",
        json={"office_id": other.id, "reason": "Kewenangan dinas lain."},
        headers=headers,
    )
    assert moved.status_code == 200, moved.get_json()
    assert items(client, dinas, headers) == []
    assert [i["id"] for i in items(client, other, theirs)] == [c.id]


def test_a_complaint_s_shown_fields_and_an_assignee_s_name_show_at_once(client, count_queries, dialect):
    dinas = office("32.73")
    user = handler(dinas)
    c = handled(dinas, status="accepted")
    stage_of(c, dinas).assignee_id = user.id
    db.session.flush()
    headers = login(user)
    assert items(client, dinas, headers)[0]["stage"]["assignee"]["name"] == user.name
    c.title = "Judul baru"
    db.session.flush()
    assert items(client, dinas, headers)[0]["title"] == "Judul baru"
    user.name = "Nama Baru"
    db.session.flush()
    assert items(client, dinas, headers)[0]["stage"]["assignee"]["name"] == "Nama Baru"
    c.support_count += 1  # not shown on the page: nothing to drop
    db.session.flush()
    with count_queries() as q:
        items(client, dinas, headers)
    assert len(inbox_statements(q.statements)) == (0 if dialect == "postgresql" else 2)


def test_a_removed_member_is_refused_at_once(client):
    dinas = office("32.73")
    user = handler(dinas)
    headers = login(user)
    assert client.get(url(dinas), headers=headers).status_code == 200
    db.session.delete(db.session.get(OfficeMember, (dinas.id, user.id)))
    db.session.flush()
    assert client.get(url(dinas), headers=headers).status_code == 403


def test_another_process_s_notification_drops_the_office_s_pages(client, app, count_queries, dialect):
    if dialect != "postgresql":
        pytest.skip("the channel between processes is PostgreSQL's LISTEN/NOTIFY")
    dinas = office("32.73")
    user = handler(dinas)
    handled(dinas)
    headers = login(user)
    items(client, dinas, headers)

    def statements_of_a_read() -> int:
        with count_queries() as q:
            items(client, dinas, headers)
        return len(inbox_statements(q.statements))

    assert statements_of_a_read() == 0
    with other_process(app) as conn:
        conn.execute("SELECT pg_notify(%s, %s)", (user_state.CHANNEL, f"office_inbox:{dinas.id}"))
    wait_until(lambda: statements_of_a_read() == 2)  # the access and the page, read again once


def test_a_page_is_built_again_once_a_deadline_on_it_passes(app, dialect):
    if dialect != "postgresql":
        pytest.skip("nothing is kept without PostgreSQL")
    dinas = office("32.73")
    user = handler(dinas)
    c = handled(dinas)
    due = stage_of(c, dinas).due_at
    args = {"status": None, "category": None, "overdue": None, "assignee": None, "role": None, "cursor": None}

    def page(now):
        return queue.office_queue(office_id=dinas.id, user=user, limit=5, now=now, **args)

    with app.test_request_context("/", method="GET"):
        before = page(due - dt.timedelta(hours=1))
        still = page(due - dt.timedelta(minutes=1))
        after = page(due + dt.timedelta(seconds=1))
    assert still is before and after is not before
    assert b'"overdue":false' in before.body and b'"overdue":true' in after.body
    assert utcnow() < due  # (the deadline is days away: only the given clock passed it)
