"""Publishing with ``notify`` broadcasts exactly once: at once or by the scheduler, after edits, re-publishing, and
when scheduler runs (or a request and the scheduler) overlap; on PostgreSQL with two real sessions."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import delete, func, select, update

from app.accounts.models import User
from app.core.db import utcnow
from app.extensions import db
from news.articles import publishing
from news.articles.models import Article, Channel
from notifications.models import Notification
from tests.factories import login, staff
from tests.news.test_articles_helpers import BANDUNG, article, body, channel, clean_view_buffer  # noqa: F401
from tests.notifications.conftest import _fcm_sender, fake_fcm, fake_server  # noqa: F401


def pushes(article_id: int) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(Notification.link_type == "news", Notification.link_id == article_id)
        )
    )


def test_publishing_pushes_once_to_the_area_topic(client, fake_fcm):  # noqa: F811
    ed = login(staff("editor", BANDUNG))
    resp = client.post("/api/v1/news", json=body(channel().id, notify=True, area_code="32.73.01"), headers=ed)
    aid = resp.get_json()["id"]
    assert pushes(aid) == []  # a draft pushes nothing
    got = client.post(f"/api/v1/news/{aid}/publish", json={}, headers=ed).get_json()
    assert got["notified_at"] is not None
    [n] = pushes(aid)
    assert (n.kind, n.area_key, n.title) == ("news", "32.73.01", "Posyandu keliling hadir di Sukasari")
    [m] = fake_fcm.messages()
    assert m["topic"] == "news-32.73.01" and m["data"]["link_type"] == "news" and m["data"]["link_id"] == str(aid)
    # edits, archiving and publishing again never push again
    client.patch(f"/api/v1/news/{aid}", json={"title": "Judul baru sekali", "notify": True}, headers=ed)
    client.post(f"/api/v1/news/{aid}/archive", headers=ed)
    client.post(f"/api/v1/news/{aid}/publish", json={}, headers=ed)
    assert len(pushes(aid)) == 1 and len(fake_fcm.messages()) == 1
    assert db.session.get(Article, aid).notification_id == n.id


def test_without_notify_nothing_is_pushed(client):
    a = article(notify=False)
    assert pushes(a.id) == []


def test_the_scheduler_pushes_once_however_often_it_runs(client):
    a = article(status="scheduled", notify=True)
    db.session.execute(update(Article).where(Article.id == a.id).values(publish_at=utcnow() - dt.timedelta(seconds=1)))
    assert publishing.publish_due() == [a.id]
    assert publishing.publish_due() == []
    assert publishing.notify_once(a.id, sender_id=None) is None  # a late second attempt finds it done
    [n] = pushes(a.id)
    assert n.sender_id == a.publisher_id


@pytest.fixture
def committed(app, _transaction) -> Iterator[dict[str, int]]:
    """A due scheduled article with ``notify``, committed (outside the test's transaction) so that two sessions
    see it, as two workers would; deleted again afterwards."""
    db.factory.configure(bind=db.engine, join_transaction_mode="conditional_savepoint")
    with app.app_context():
        author = staff("editor", BANDUNG)
        c = Channel(name=f"Kanal bersamaan {utcnow().timestamp()}")
        db.session.add(c)
        db.session.flush()
        a = article(author=author, status="scheduled", channel_id=c.id, notify=True)
        a.publish_at = utcnow() - dt.timedelta(seconds=1)
        db.session.commit()
        ids = {"article": a.id, "channel": c.id, "user": author.id}
    try:
        yield ids
    finally:
        db.factory.configure(bind=db.engine, join_transaction_mode="conditional_savepoint")
        with app.app_context():
            db.session.execute(delete(Notification).where(Notification.link_id == ids["article"]))
            db.session.execute(delete(Article).where(Article.id == ids["article"]))
            db.session.execute(delete(Channel).where(Channel.id == ids["channel"]))
            db.session.execute(delete(User).where(User.id == ids["user"]))
            db.session.commit()
        db.factory.configure(bind=_transaction, join_transaction_mode="create_savepoint")


def _count(app, article_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).where(Notification.link_id == article_id))


def test_overlapping_scheduler_runs_publish_and_push_once(app, dialect, committed):
    aid = committed["article"]
    with app.app_context():  # worker A claims the article and has not committed yet
        assert publishing.publish_due() == [aid]
        if dialect == "postgresql":
            with app.app_context():  # worker B runs meanwhile: the row is locked, B skips it
                assert publishing.publish_due() == []
                db.session.commit()
        db.session.commit()
    with app.app_context():  # a later run finds nothing due
        assert publishing.publish_due() == []
        db.session.commit()
    assert _count(app, aid) == 1


def test_two_publications_racing_push_once(app, dialect, committed):
    """One transaction has published and pushed but not committed; a second one (a request, another worker) that
    tries to push the same article waits for the row, then re-reads it, finds it notified and writes nothing."""
    if dialect != "postgresql":
        pytest.skip("SQLite serialises writers: the second one cannot even start before the first commits")
    aid = committed["article"]
    with app.app_context():
        db.session.execute(
            update(Article).where(Article.id == aid).values(status="published", publish_at=None, published_at=utcnow())
        )
        db.session.commit()
    results: list[int | None] = []
    with app.app_context():
        assert publishing.notify_once(aid, sender_id=None) is not None
        worker = threading.Thread(target=lambda: results.append(_second_attempt(app, aid)))
        worker.start()
        worker.join(timeout=1.0)
        assert worker.is_alive()  # blocked on the row lock held by the first transaction
        db.session.commit()
    worker.join(timeout=10)
    assert results == [None] and _count(app, aid) == 1


def test_a_worker_finds_an_uncommitted_publication_not_its_own(app, dialect, committed):
    """While the scheduler's publication is uncommitted, another attempt to push sees a scheduled article: nothing."""
    aid = committed["article"]
    with app.app_context():
        assert publishing.publish_due() == [aid]
        if dialect == "postgresql":
            assert _second_attempt(app, aid) is None
        db.session.commit()
    assert _second_attempt(app, aid) is None and _count(app, aid) == 1


def _second_attempt(app, aid: int) -> int | None:
    with app.app_context():
        nid = publishing.notify_once(aid, sender_id=None)
        db.session.commit()
        return nid
