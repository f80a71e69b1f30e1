"""Editor statistics: views, likes and bookmarks per article and per channel over a period, in scope only."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, update

from app.core.db import utcnow
from app.extensions import db
from news.articles.models import ArticleBookmark, ArticleLike, ArticleViewDay
from tests.factories import login, resident, staff
from tests.news.test_articles_helpers import BANDUNG, KAB_BANDUNG, article, channel, clean_view_buffer  # noqa: F401


def test_statistics_per_article_and_channel(client):
    c1, c2 = channel("A"), channel("B")
    a = article(channel_id=c1.id, title="Artikel pertama")
    b = article(channel_id=c2.id, title="Artikel kedua")
    elsewhere = article(channel_id=c1.id, area=KAB_BANDUNG)
    today = utcnow().date()
    old = today - dt.timedelta(days=40)
    db.session.execute(
        insert(ArticleViewDay),
        [
            {"article_id": a.id, "day": today, "views": 10},
            {"article_id": a.id, "day": today - dt.timedelta(days=1), "views": 5},
            {"article_id": a.id, "day": old, "views": 1000},  # outside the period
            {"article_id": b.id, "day": today, "views": 3},
            {"article_id": elsewhere.id, "day": today, "views": 99},  # outside the editor's scope
        ],
    )
    readers = [resident() for _ in range(3)]
    for r in readers:
        db.session.add(ArticleLike(user_id=r.id, article_id=a.id))
    db.session.add(ArticleBookmark(user_id=readers[0].id, article_id=b.id))
    db.session.add(ArticleLike(user_id=readers[0].id, article_id=b.id))
    db.session.flush()
    db.session.execute(
        update(ArticleLike)
        .where(ArticleLike.article_id == b.id)
        .values(created_at=utcnow() - dt.timedelta(days=60))  # liked before the period
    )
    ed = login(staff("editor", BANDUNG))
    got = client.get("/api/v1/news/stats", headers=ed).get_json()
    assert got["totals"] == {"views": 18, "likes": 3, "bookmarks": 1}
    assert got["articles"] == [
        {"id": a.id, "name": "Artikel pertama", "views": 15, "likes": 3, "bookmarks": 0},
        {"id": b.id, "name": "Artikel kedua", "views": 3, "likes": 0, "bookmarks": 1},
    ]
    assert [(c["id"], c["views"]) for c in got["channels"]] == [(c1.id, 15), (c2.id, 3)]
    since = (today - dt.timedelta(days=60)).isoformat()
    wide = client.get(f"/api/v1/news/stats?from={since}&channel={c1.id}", headers=ed).get_json()
    assert wide["totals"] == {"views": 1015, "likes": 3, "bookmarks": 0}
    assert client.get("/api/v1/news/stats?from=2026-02-01&to=2026-01-01", headers=ed).status_code == 422
    assert client.get("/api/v1/news/stats?from=2024-01-01&to=2026-01-01", headers=ed).status_code == 422
    assert client.get("/api/v1/news/stats", headers=login(resident())).status_code == 403
    assert client.get("/api/v1/news/stats", headers=login(staff("moderator", BANDUNG))).status_code == 403
