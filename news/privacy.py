"""News' part of a resident's data rights (``app.accounts.privacy.registry``).

- Export: the resident's likes, bookmarks and read articles (with each article's title), and the announcements they
  opened.
- Erase: likes, bookmarks, read states and announcement receipts are deleted. The articles' ``like_count`` and
  ``bookmark_count`` keep counting them (counts only, nobody's name): published figures do not move when someone
  leaves. An announcement's "opened" count loses them, as its "residents" count does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import delete, select

from app.accounts.privacy import registry
from app.core import user_state
from app.extensions import db
from news.announcements.models import Announcement, AnnouncementRead
from news.articles import reader_state
from news.articles.models import Article, ArticleBookmark, ArticleLike, ArticleRead

BATCH = 1000


def _articles(model: Any, when: Any, user_id: int) -> Iterator[dict[str, Any]]:
    stmt = (
        select(Article.id, Article.title, when)
        .join(model, model.article_id == Article.id)
        .where(model.user_id == user_id)
        .order_by(Article.id)
        .execution_options(yield_per=BATCH)
    )
    for row in db.session.execute(stmt):
        yield {"article_id": row[0], "title": row[1], "at": row[2]}


def export_news(user_id: int) -> Iterator[tuple[str, Any]]:
    yield "news/likes.json", registry.JsonArray(_articles(ArticleLike, ArticleLike.created_at, user_id))
    yield "news/bookmarks.json", registry.JsonArray(_articles(ArticleBookmark, ArticleBookmark.created_at, user_id))
    yield "news/read.json", registry.JsonArray(_articles(ArticleRead, ArticleRead.read_at, user_id))
    opened = db.session.execute(
        select(Announcement.id, Announcement.title)
        .join(AnnouncementRead, AnnouncementRead.announcement_id == Announcement.id)
        .where(AnnouncementRead.user_id == user_id)
        .order_by(Announcement.id)
    )
    yield "news/announcements_opened.json", [{"announcement_id": i, "title": t} for i, t in opened]


def erase_news(user_ids: Sequence[int], now: dt.datetime) -> None:
    ids = list(user_ids)
    for model in (ArticleLike, ArticleBookmark, ArticleRead, AnnouncementRead):
        db.session.execute(delete(model).where(model.user_id.in_(ids)))
    user_state.changed_for_users(db.session, reader_state.ME, ids)


def register() -> None:
    registry.register_exporter("news", export_news)
    registry.register_eraser("news", erase_news)
