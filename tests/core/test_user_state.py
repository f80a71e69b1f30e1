"""A user's own state kept per process (``app.core.user_state``): kept only while this process listens for changes
on PostgreSQL, dropped here at once by this process's writes and by another process's commit as soon as its
notification arrives, never kept when it changed while being built, and read through while the channel is down.
On SQLite nothing is kept. The HTTP tests check the resident-facing promise on the survey list."""

from __future__ import annotations

import itertools
import time

import psycopg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.core import user_state
from app.core.user_state import CHANNEL, UserState
from app.extensions import db
from surveys import queries as survey_queries
from tests.factories import login, resident
from tests.surveys.helpers import published

STATE = UserState("test_state")
USER = 4242


@pytest.fixture
def on(app, monkeypatch):
    """Kept state on, inside a read request (only read requests keep: a write's transaction may roll back)."""
    monkeypatch.setitem(app.config, "USER_STATE_CACHE_SECONDS", 300)
    STATE.drop_all()
    with app.test_request_context("/", method="GET"):
        yield app
    STATE.drop_all()


@pytest.fixture
def listening(on, dialect):
    if dialect != "postgresql":
        pytest.skip("the channel between processes is PostgreSQL's LISTEN/NOTIFY")
    wait_until(lambda: user_state.listening(on))
    return on


def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def other_process(app):
    """A connection of "another process": what it commits reaches this process only through PostgreSQL."""
    url = make_url(app.config["DATABASE_URL"]).set(drivername="postgresql")
    return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)


def builder():
    counter = itertools.count(1)
    return lambda: next(counter)


def test_on_sqlite_or_when_off_nothing_is_kept(on, app, dialect, monkeypatch):
    build = builder()
    if dialect == "postgresql":
        monkeypatch.setitem(app.config, "USER_STATE_CACHE_SECONDS", 0)
    assert [STATE.get(USER, "k", build) for _ in range(3)] == [1, 2, 3]


def test_a_write_request_never_keeps(listening, app):
    build = builder()
    with app.test_request_context("/", method="POST"):
        assert [STATE.get(USER, "k", build) for _ in range(2)] == [1, 2]
    assert [STATE.get(USER, "k", build) for _ in range(2)] == [3, 3]


def test_kept_until_this_process_changes_it(listening):
    build = builder()
    assert STATE.get(USER, "k", build) == 1
    assert STATE.get(USER, "k", build) == 1
    assert STATE.get(USER + 1, "k", build) == 2  # per user
    user_state.changed(db.session, STATE, USER)  # dropped at once, before the commit
    assert STATE.get(USER, "k", build) == 3
    assert STATE.get(USER + 1, "k", build) == 2


def test_another_process_s_commit_drops_it_here(listening):
    build = builder()
    assert STATE.get(USER, "k", build) == 1
    with other_process(listening) as conn:
        conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, f"test_state:{USER}"))
        # the very next read already sees it (the reader takes in what has arrived before trusting an entry)
        wait_until(lambda: STATE.get(USER, "k", build) != 1, timeout=1.0)
        assert STATE.get(USER, "k", build) == 2
        conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, "test_state:*"))  # everyone's
        wait_until(lambda: STATE.get(USER, "k", build) != 2, timeout=1.0)


def test_a_committed_change_is_announced_at_its_commit_and_a_rolled_back_one_never(listening):
    """What the writers call really reaches other processes: a real transaction (not the test's, which is rolled
    back) announces on commit, one notification per call, and nothing on rollback."""
    with other_process(listening) as watcher:
        watcher.execute(f"LISTEN {CHANNEL}")
        with Session(db.engine) as session:
            user_state.changed(session, STATE, 7)
            user_state.changed_for_users(session, STATE, [9, 8, 9])
            session.rollback()
        with Session(db.engine) as session:
            user_state.changed(session, STATE, 7)
            user_state.changed_for_users(session, STATE, [9, 8, 9])
            user_state.changed_for_users(session, STATE, range(1, 502))  # too many to list
            session.commit()
        heard = []
        for n in watcher.notifies(timeout=2.0):
            if not n.payload.startswith("ping:"):
                heard.append(n.payload)
            if len(heard) == 3:
                break
    assert heard == ["test_state:7", "test_state:8,9", "test_state:*"]


def test_a_rolled_back_change_is_not_announced(listening):
    build = builder()
    assert STATE.get(USER, "k", build) == 1
    with other_process(listening) as conn:
        with pytest.raises(RuntimeError), conn.transaction():
            conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, f"test_state:{USER}"))
            raise RuntimeError("roll back")
        conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, "test_state:0"))  # a marker after it
        time.sleep(0.05)
    assert STATE.get(USER, "k", build) == 1


def test_an_answer_built_while_the_user_changed_is_not_kept(listening):
    values = iter([1, 2, 3])

    def build_while_changed():
        STATE.drop(USER)  # what the listener does when another process commits during the build
        return next(values)

    assert STATE.get(USER, "k", build_while_changed) == 1
    assert STATE.get(USER, "k", lambda: next(values)) == 2  # 1 was not kept
    assert STATE.get(USER, "k", lambda: next(values)) == 2


def test_while_the_channel_is_down_nothing_is_served_and_it_comes_back_empty(listening):
    build = builder()
    assert STATE.get(USER, "k", build) == 1
    with other_process(listening) as conn:
        ended = conn.execute(  # the listener's last statement is its LISTEN or its heartbeat
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE %s AND pid <> pg_backend_pid() "
            "AND datname = current_database()",
            (f"%{CHANNEL}%",),
        ).fetchall()
    assert ended and all(r[0] for r in ended)
    wait_until(lambda: not user_state.listening(listening))
    assert STATE.get(USER, "k", build) == 2  # read through
    assert STATE.get(USER, "k", build) == 3
    wait_until(lambda: user_state.listening(listening))  # the thread listens again within a second or so
    assert STATE.get(USER, "k", build) == 4
    assert STATE.get(USER, "k", build) == 4


def test_a_resident_sees_their_answer_in_the_list_at_once_with_the_list_kept(client, app, monkeypatch, dialect):
    monkeypatch.setitem(app.config, "USER_STATE_CACHE_SECONDS", 300)
    if dialect == "postgresql":
        wait_until(lambda: user_state.listening(app))
    monkeypatch.setitem(app.config, "SURVEY_LIST_CACHE_SECONDS", 5)
    survey_queries.ANSWERED.drop_all()
    poll = published(client, kind="poll")
    me = resident()

    def answered() -> bool:
        items = client.get("/api/v1/surveys", headers=login(me)).get_json()["items"]
        return next(i["answered"] for i in items if i["id"] == poll["id"])

    assert answered() is False
    assert answered() is False
    question = poll["items"][0]
    r = client.post(
        f"/api/v1/surveys/{poll['id']}/responses",
        json={"answers": [{"question_id": question["id"], "option_id": question["options"][0]["id"]}]},
        headers=login(me),
    )
    assert r.status_code == 201
    assert answered() is True


SMALL = UserState("test_small_state", seconds="TEST_SMALL_STATE_SECONDS", max_keys=2)


def test_a_full_id_loses_its_expired_entries_first_then_all(listening, app, monkeypatch):
    monkeypatch.setitem(app.config, "TEST_SMALL_STATE_SECONDS", 1)
    build = builder()
    assert SMALL.get(USER, "old", build) == 1
    time.sleep(1.05)  # "old" expires (this state's own setting, under USER_STATE_CACHE_SECONDS)
    assert SMALL.get(USER, "a", build) == 2
    assert SMALL.get(USER, "b", build) == 3  # full: the expired "old" goes, "a" stays
    assert SMALL.get(USER, "a", build) == 2
    assert SMALL.get(USER, "c", build) == 4  # full of live entries: all go
    assert (SMALL.get(USER, "a", build), SMALL.get(USER, "c", build)) == (5, 4)
    SMALL.drop_all()
