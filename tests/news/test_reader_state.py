"""The reader's own state of an article, kept per process (``news.articles.reader_state``): a repeated read runs
no statement on PostgreSQL, and the reader's like, bookmark and (once flushed) read show on the next read."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from app.core import user_state
from app.extensions import db
from news.articles import feed, reader_state, views
from tests.core.test_user_state import wait_until
from tests.factories import login, resident
from tests.news.test_articles_helpers import article, clean_view_buffer  # noqa: F401


@pytest.fixture
def kept(app, monkeypatch, dialect):
    monkeypatch.setitem(app.config, "USER_STATE_CACHE_SECONDS", 300)
    if dialect == "postgresql":
        wait_until(lambda: user_state.listening(app))
    monkeypatch.setitem(app.config, "NEWS_FEED_CACHE_SECONDS", 5)
    reader_state.ME.drop_all()
    feed.forget_shared()
    yield
    reader_state.ME.drop_all()
    feed.forget_shared()


@pytest.fixture
def statements():
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def test_my_like_bookmark_and_read_show_on_the_next_read_while_kept(client, kept, statements, dialect):
    a = article()
    headers = login(resident())

    def me() -> dict[str, bool]:
        r = client.get(f"/api/v1/news/{a.id}", headers=headers)
        assert r.status_code == 200
        return r.get_json()["me"]

    assert me() == {"liked": False, "bookmarked": False, "read": False}
    statements.clear()
    assert me() == {"liked": False, "bookmarked": False, "read": False}
    if dialect == "postgresql":
        assert [s for s in statements if "news_" in s] == []  # head, public part and own state all kept
    assert client.put(f"/api/v1/news/{a.id}/like", headers=headers).status_code == 200
    assert me() == {"liked": True, "bookmarked": False, "read": False}
    assert client.put(f"/api/v1/news/{a.id}/bookmark", headers=headers).status_code == 200
    assert client.delete(f"/api/v1/news/{a.id}/like", headers=headers).status_code == 200
    assert me() == {"liked": False, "bookmarked": True, "read": False}
    assert views.flush() >= 1  # the read receipts land: everyone's kept state is dropped
    db.session.flush()
    assert me()["read"] is True
