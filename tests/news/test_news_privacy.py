"""News' part of the data rights: the export holds the resident's likes, bookmarks and opened announcements, and
deleting the account removes them while the published counts stay."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.privacy import registry
from app.extensions import db
from news.announcements.models import AnnouncementRead
from news.articles.models import Article, ArticleBookmark, ArticleLike
from tests.factories import PASSWORD, login, resident
from tests.news.test_announcements_helpers import DESA, URL, lurah, posted
from tests.news.test_articles_helpers import article


def _files(user_id):
    return {name: payload for name, payload in registry.export_files(user_id)}


def test_export_and_erasure_of_my_news_data(client):
    me, other = resident(home_area_code=DESA, home_rw=1), resident(home_area_code=DESA, home_rw=1)
    a, b = article(title="Jalan diperbaiki"), article(title="Posyandu dibuka")
    for who in (me, other):
        assert client.put(f"/api/v1/news/{a.id}/like", headers=login(who)).status_code in (200, 204)
    assert client.put(f"/api/v1/news/{b.id}/bookmark", headers=login(me)).status_code in (200, 204)
    ann = posted(client, lurah(), rw=None)
    assert client.post(f"{URL}/{ann['id']}/opened", headers=login(me)).status_code == 204

    files = _files(me.id)
    likes = list(files["news/likes.json"].items)
    assert [(x["article_id"], x["title"]) for x in likes] == [(a.id, "Jalan diperbaiki")]
    assert [x["article_id"] for x in files["news/bookmarks.json"].items] == [b.id]
    assert files["news/announcements_opened.json"] == [{"announcement_id": ann["id"], "title": ann["title"]}]

    assert client.delete("/api/v1/me", json={"password": PASSWORD}, headers=login(me)).status_code in (200, 204)
    for model in (ArticleLike, ArticleBookmark, AnnouncementRead):
        assert db.session.scalar(select(func.count()).select_from(model).where(model.user_id == me.id)) == 0
    assert db.session.scalar(select(func.count()).select_from(ArticleLike).where(ArticleLike.user_id == other.id)) == 1
    db.session.expire_all()
    assert db.session.get(Article, a.id).like_count == 2  # the published count keeps counting, nobody's name
