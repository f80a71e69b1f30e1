"""Models of news.articles: channels, tags, articles, their history, and what readers do with them.

An article targets one area (province down to desa/kelurahan) and is shown to every reader whose home lies inside
it. Counters that many readers move (``view_count``, ``like_count``, ``bookmark_count``) change with SQL
``UPDATE … SET x = x + n`` and never move ``updated_at`` (the feed does not show them). ``notified_at`` is set by a
conditional ``UPDATE`` in the transaction that writes the broadcast, and ``notification_id`` is unique: the push
goes out once per article, however often it is published.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    false,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from app.core.db import Base, BigIntPK, code_string, utcnow

__all__ = [
    "Article",
    "ArticleBookmark",
    "ArticleChange",
    "ArticleLike",
    "ArticleRead",
    "ArticleTag",
    "ArticleViewDay",
    "Channel",
    "Tag",
]

DRAFT, SCHEDULED, PUBLISHED, ARCHIVED = "draft", "scheduled", "published", "archived"
STATUSES = (DRAFT, SCHEDULED, PUBLISHED, ARCHIVED)

TITLE_MAX, SUMMARY_MAX, BODY_MAX, EXCERPT_MAX = 150, 500, 20_000, 200
URL_MAX, CHANNEL_NAME_MAX, TAG_NAME_MAX, TAG_SLUG_MAX = 500, 100, 60, 60
MAX_TAGS = 10
#: Longest area code an article targets (a desa/kelurahan: ``32.73.01.1001``).
AREA_CODE_LENGTH = 13


class SearchVector(TypeDecorator[Any]):
    """The words of an article for search: a ``tsvector`` on PostgreSQL (GIN-indexed), the normalised words as text
    elsewhere (``news.articles.search``)."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        return dialect.type_descriptor(TSVECTOR() if dialect.name == "postgresql" else Text())


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Channel(Base):
    """Where an article comes from (Diskominfo, Humas Pemprov): name, website and logo."""

    __tablename__ = "news_channels"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    name: Mapped[str] = mapped_column(String(CHANNEL_NAME_MAX), unique=True)
    website: Mapped[str | None] = mapped_column(String(URL_MAX))
    logo_key: Mapped[str | None] = mapped_column(String(120))
    logo_thumbnail_key: Mapped[str | None] = mapped_column(String(120))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Tag(Base):
    """A topic (kategori/tag) articles are filed under: ``kesehatan``, ``pendidikan``."""

    __tablename__ = "news_tags"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    slug: Mapped[str] = mapped_column(String(TAG_SLUG_MAX), unique=True)
    name: Mapped[str] = mapped_column(String(TAG_NAME_MAX))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Article(Base):
    __tablename__ = "news_articles"
    __table_args__ = (
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint("status <> 'scheduled' OR publish_at IS NOT NULL", name="scheduled_has_time"),
        # The feed: one index range per level of the reader's home, newest first, only what readers may see.
        Index(
            "ix_news_articles_feed",
            "area_code",
            "published_at",
            "id",
            postgresql_where=text("status = 'published' AND deleted_at IS NULL"),
            sqlite_where=text("status = 'published' AND deleted_at IS NULL"),
        ),
        # Word search over the reader's areas, newest first (common words walk it; rare ones use the GIN index).
        Index(
            "ix_news_articles_published_at_id",
            "published_at",
            "id",
            postgresql_where=text("status = 'published' AND deleted_at IS NULL"),
            sqlite_where=text("status = 'published' AND deleted_at IS NULL"),
        ),
        # The scheduler's due rows.
        Index(
            "ix_news_articles_publish_at",
            "publish_at",
            postgresql_where=text("status = 'scheduled'"),
            sqlite_where=text("status = 'scheduled'"),
        ),
        # Delta sync (``updated_since``) and the editors' desk.
        Index("ix_news_articles_area_code_updated_at_id", "area_code", "updated_at", "id"),
        Index("ix_news_articles_channel_id_published_at", "channel_id", "published_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    status: Mapped[str] = mapped_column(String(12), default=DRAFT)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    body_markdown: Mapped[str] = mapped_column(Text, default="")
    #: Rendered from ``body_markdown`` and sanitised (``app.core.markdown``) when the body is written.
    body_html: Mapped[str] = mapped_column(Text, default="")
    excerpt: Mapped[str] = mapped_column(String(EXCERPT_MAX + 10), default="")
    search_vector: Mapped[Any] = mapped_column(SearchVector(), nullable=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey(Channel.id))
    area_code: Mapped[str] = mapped_column(code_string(AREA_CODE_LENGTH))
    source_url: Mapped[str | None] = mapped_column(String(URL_MAX))
    source_date: Mapped[dt.date | None] = mapped_column(Date)
    is_featured: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Position among the featured articles of the same area (smaller first).
    featured_order: Mapped[int] = mapped_column(SmallInteger, default=0, server_default=text("0"))
    cover_key: Mapped[str | None] = mapped_column(String(120))
    cover_thumbnail_key: Mapped[str | None] = mapped_column(String(120))
    cover_width: Mapped[int | None] = mapped_column(Integer)
    cover_height: Mapped[int | None] = mapped_column(Integer)
    #: Push to the target area when the article is published (once: ``notified_at``).
    notify: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    notified_at: Mapped[dt.datetime | None]
    notification_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    publish_at: Mapped[dt.datetime | None]
    published_at: Mapped[dt.datetime | None]
    archived_at: Mapped[dt.datetime | None]
    edited_at: Mapped[dt.datetime | None]
    deleted_at: Mapped[dt.datetime | None]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Who scheduled or published it last (the sender of the push when the scheduler publishes).
    publisher_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    view_count: Mapped[int] = mapped_column(BigInteger, default=0, server_default=text("0"))
    like_count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    bookmark_count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ArticleTag(Base):
    __tablename__ = "news_article_tags"
    __table_args__ = (Index("ix_news_article_tags_tag_id_article_id", "tag_id", "article_id"),)

    article_id: Mapped[int] = mapped_column(ForeignKey(Article.id, ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey(Tag.id, ondelete="CASCADE"), primary_key=True)


class ArticleChange(Base):
    """History: who did what to an article (state changes, and edits after publication with the fields)."""

    __tablename__ = "news_article_changes"
    __table_args__ = (Index("ix_news_article_changes_article_id_id", "article_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey(Article.id, ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))
    fields: Mapped[list[str] | None] = mapped_column(JSON)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ArticleLike(Base):
    __tablename__ = "news_article_likes"
    __table_args__ = (Index("ix_news_article_likes_article_id_created_at", "article_id", "created_at"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey(Article.id, ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ArticleBookmark(Base):
    __tablename__ = "news_article_bookmarks"
    __table_args__ = (
        Index("ix_news_article_bookmarks_user_id_created_at", "user_id", "created_at", "article_id"),
        Index("ix_news_article_bookmarks_article_id_created_at", "article_id", "created_at"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey(Article.id, ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ArticleRead(Base):
    """The reader's own read state: written by the view flush (``news.articles.views``), never on the read itself."""

    __tablename__ = "news_article_reads"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey(Article.id, ondelete="CASCADE"), primary_key=True)
    read_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ArticleViewDay(Base):
    """Views per article and UTC day (statistics over a period), added to by the view flush."""

    __tablename__ = "news_article_view_days"
    __table_args__ = (Index("ix_news_article_view_days_day", "day"),)

    article_id: Mapped[int] = mapped_column(ForeignKey(Article.id, ondelete="CASCADE"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    views: Mapped[int] = mapped_column(BigInteger, default=0)
