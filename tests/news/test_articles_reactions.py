"""Views (buffered, no write per read), read state, likes and bookmarks (one per user), ``GET /me/bookmarks``."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from sqlalchemy import event, func, select, update

from app.core.db import utcnow
from app.extensions import db
from news.articles import views
from news.articles.models import Article, ArticleBookmark, ArticleLike, ArticleRead, ArticleViewDay
from tests.factories import login, resident, staff
from tests.news.test_articles_helpers import BANDUNG, article, clean_view_buffer  # noqa: F401


def test_reading_writes_nothing_until_the_flush(client):
    a = article()
    reader = resident()
    headers = login(reader)
    writes: list[str] = []

    def record(conn, cursor, statement, *_a):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        for _ in range(3):
            assert client.get(f"/api/v1/news/{a.id}", headers=headers).status_code == 200
        client.get(f"/api/v1/news/{a.id}")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert [w for w in writes if "news_" in w] == []
    assert client.get(f"/api/v1/news/{a.id}", headers=headers).get_json()["me"]["read"] is False
    assert views.flush() == 5
    db.session.flush()
    db.session.expire_all()
    assert db.session.get(Article, a.id).view_count == 5
    day = db.session.get(ArticleViewDay, (a.id, utcnow().date()))
    assert day is not None and day.views == 5
    assert db.session.get(ArticleRead, (reader.id, a.id)) is not None
    assert client.get(f"/api/v1/news/{a.id}", headers=headers).get_json()["me"]["read"] is True
    assert views.flush() == 1  # the last read; the read row is not written twice
    assert db.session.scalar(select(func.count()).select_from(ArticleRead)) == 1


def test_flushing_does_not_move_updated_at_and_skips_vanished_rows(client):
    a = article()
    stamp = utcnow() - dt.timedelta(days=1)
    db.session.execute(update(Article).where(Article.id == a.id).values(updated_at=stamp))
    buffer = views.get_buffer()
    buffer.add(a.id, None, utcnow())
    buffer.add(999_999, 999_999, utcnow())  # an article and a user that do not exist
    views.flush()
    db.session.expire_all()
    assert db.session.get(Article, a.id).updated_at == stamp and db.session.get(Article, a.id).view_count == 1


def test_a_failed_flush_keeps_the_views(app):
    a = article()
    buffer = views.get_buffer()
    buffer.add(a.id, None, utcnow())
    assert views.flush() == 1
    db.session.rollback()  # the flush's transaction fails: the views go back into the buffer
    batch, _done = buffer.take()
    assert sum(batch.views.values()) == 1


@pytest.mark.skipif(
    not os.environ.get("TEST_RATELIMIT_STORAGE_URI", "").startswith("redis"), reason="needs Redis (CI's PG run)"
)
def test_the_redis_buffer_survives_a_failed_flush():
    url = os.environ["TEST_RATELIMIT_STORAGE_URI"]
    buffer = views.RedisBuffer(url, prefix=f"balai-test:news:{os.getpid()}")
    try:
        now = utcnow()
        buffer.add(7, 3, now)
        buffer.add(7, None, now)
        batch, _done = buffer.take()  # the flush dies here: its keys stay aside
        assert batch.views[(7, now.date().isoformat())] == 2 and (3, 7) in batch.reads
        buffer.restore(batch)
        buffer.add(7, None, now)  # new views go to the live keys meanwhile
        again, done = buffer.take()
        assert again.views[(7, now.date().isoformat())] == 2  # the batch aside comes first, once
        done()
        latest, done = buffer.take()
        assert latest.views[(7, now.date().isoformat())] == 1
        done()
        assert not buffer.take()[0]
    finally:
        for key in buffer.redis.scan_iter(f"balai-test:news:{os.getpid()}*"):
            buffer.redis.delete(key)


@pytest.mark.parametrize(("model", "path"), [(ArticleLike, "like"), (ArticleBookmark, "bookmark")])
def test_one_like_and_one_bookmark_per_user(client, model, path):
    a = article()
    me, other = login(resident()), login(resident())
    assert client.put(f"/api/v1/news/{a.id}/{path}", headers=me).get_json() == {"active": True, "count": 1}
    assert client.put(f"/api/v1/news/{a.id}/{path}", headers=me).get_json() == {"active": True, "count": 1}
    assert client.put(f"/api/v1/news/{a.id}/{path}", headers=other).get_json()["count"] == 2
    assert client.delete(f"/api/v1/news/{a.id}/{path}", headers=me).get_json() == {"active": False, "count": 1}
    assert client.delete(f"/api/v1/news/{a.id}/{path}", headers=me).get_json() == {"active": False, "count": 1}
    assert db.session.scalar(select(func.count()).select_from(model)) == 1
    assert client.put(f"/api/v1/news/{a.id}/{path}").status_code == 401
    draft = article(status="draft")
    assert client.put(f"/api/v1/news/{draft.id}/{path}", headers=me).status_code == 404


def test_my_bookmarks_with_delta_sync(client):
    ed = login(staff("editor", BANDUNG))
    user = resident()
    me = login(user)
    a, b, c = article(), article(), article()
    for x in (a, b, c):
        client.put(f"/api/v1/news/{x.id}/bookmark", headers=me)
    first = client.get("/api/v1/me/bookmarks?limit=2", headers=me).get_json()
    assert [i["id"] for i in first["items"]] == [c.id, b.id] and first["items"][0]["bookmarked_at"]
    rest = client.get(f"/api/v1/me/bookmarks?limit=2&cursor={first['next_cursor']}", headers=me).get_json()
    assert [i["id"] for i in rest["items"]] == [a.id] and rest["next_cursor"] is None
    since = first["server_time"].replace("+", "%2B")
    db.session.execute(update(ArticleBookmark).values(created_at=utcnow() - dt.timedelta(hours=2)))
    client.delete(f"/api/v1/news/{a.id}/bookmark", headers=me)
    client.delete(f"/api/v1/news/{b.id}", headers=ed)
    d = article()
    client.put(f"/api/v1/news/{d.id}/bookmark", headers=me)
    delta = client.get(f"/api/v1/me/bookmarks?updated_since={since}", headers=me).get_json()
    assert [i["id"] for i in delta["items"]] == [d.id]
    assert delta["deleted"] == sorted([a.id, b.id])
    assert client.get("/api/v1/me/bookmarks", headers=login(resident())).get_json()["items"] == []
