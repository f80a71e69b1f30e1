"""Writing articles: create, edit, delete, cover, state changes. Scope is checked on every write.

An editor or admin may target area T iff their scope contains T (``news.common.require_target``), on create and on
every edit of ``area_code``; articles outside their scope are a 404 (a 403 when the article is public anyway).
Edits after the first publication set ``edited_at`` and write a history row naming the fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, insert, select

from app.core.db import utcnow
from app.core.errors import Forbidden, NotFound, ValidationFailed
from app.extensions import db
from news.articles import channels, images, publishing, search
from news.articles import permissions as perm
from news.articles.models import EXCERPT_MAX, Article, ArticleChange, ArticleTag, Tag
from news.common import render_body, require_target

#: Fields of the write schemas, as stored (``body`` is stored as ``body_markdown``).
_PLAIN_FIELDS = ("summary", "source_url", "source_date", "is_featured", "featured_order", "notify")


def load(article_id: int, *, for_update: bool = False) -> Article:
    stmt = select(Article).where(Article.id == article_id).execution_options(populate_existing=True)
    if for_update:
        stmt = stmt.with_for_update()
    article = db.session.scalars(stmt).one_or_none()
    if article is None or article.deleted_at is not None:
        raise NotFound("Article not found.", code="article_not_found")
    return article


def managed(user: Any, article_id: int, *, for_update: bool = True) -> Article:
    """The article if the caller manages it; 404 when they cannot see it, 403 when they only read it."""
    article = load(article_id, for_update=for_update)
    if not perm.can_manage(user, article):
        if perm.is_public(article):
            raise Forbidden("This article is outside your scope.")
        raise NotFound("Article not found.", code="article_not_found")
    return article


def _render(article: Article) -> None:
    rendered = render_body(article.body_markdown, excerpt_chars=EXCERPT_MAX)
    article.body_html, article.excerpt = rendered.html, rendered.excerpt
    article.search_vector = search.vector_value(db.dialect, article.title, article.summary, article.body_markdown)


def _set_tags(article: Article, tags: list[Tag]) -> None:
    db.session.execute(delete(ArticleTag).where(ArticleTag.article_id == article.id))
    if tags:
        db.session.execute(insert(ArticleTag), [{"article_id": article.id, "tag_id": t.id} for t in tags])


def tag_ids_of(article_id: int) -> list[int]:
    return list(
        db.session.scalars(select(ArticleTag.tag_id).where(ArticleTag.article_id == article_id).order_by("tag_id"))
    )


def create(*, user: Any, data: dict[str, Any]) -> Article:
    area_code = require_target(user, area_code=data["area_code"])
    channels.require_active_channel(data["channel_id"])
    tags = channels.require_tags(data.get("tag_ids", []))
    article = Article(
        title=data["title"],
        body_markdown=data["body"],
        channel_id=data["channel_id"],
        area_code=area_code,
        author_id=user.id,
        **{k: data[k] for k in _PLAIN_FIELDS if k in data},
    )
    article.summary = article.summary or ""
    _render(article)
    db.session.add(article)
    db.session.flush()
    _set_tags(article, tags)
    publishing.record(article.id, actor_id=user.id, action="create")
    return article


def update(*, user: Any, article_id: int, changes: dict[str, Any]) -> Article:
    article = managed(user, article_id)
    if "area_code" in changes:
        changes["area_code"] = require_target(user, area_code=changes["area_code"])
    if "channel_id" in changes and changes["channel_id"] != article.channel_id:
        channels.require_active_channel(changes["channel_id"])
    changed: list[str] = []
    if "tag_ids" in changes:
        tags = channels.require_tags(changes.pop("tag_ids"))
        if sorted(t.id for t in tags) != tag_ids_of(article.id):
            _set_tags(article, tags)
            changed.append("tag_ids")
    if "body" in changes:
        changes["body_markdown"] = changes.pop("body")
    for key, value in changes.items():
        if getattr(article, key) != value:
            setattr(article, key, value)
            changed.append("body" if key == "body_markdown" else key)
    if {"title", "summary", "body"} & set(changed):
        _render(article)
    if changed:
        touch(article, actor_id=user.id, fields=sorted(changed))
    return article


def touch(article: Article, *, actor_id: int, fields: list[str]) -> None:
    """An edit: after the first publication it keeps ``edited_at`` and a history row; ``updated_at`` moves."""
    article.updated_at = utcnow()
    if article.published_at is not None:
        article.edited_at = article.updated_at
        publishing.record(article.id, actor_id=actor_id, action="edit", fields=fields)
    db.session.flush()


def remove(*, user: Any, article_id: int) -> None:
    """Soft delete: the article leaves every list (delta sync lists it in ``deleted``)."""
    article = managed(user, article_id)
    article.deleted_at = utcnow()
    db.session.flush()
    publishing.record(article.id, actor_id=user.id, action="delete")


def set_cover(*, user: Any, article_id: int, data: bytes) -> Article:
    article = managed(user, article_id)
    stored = images.store_image(data, folder="news-covers")
    images.forget_after_commit(article.cover_key, article.cover_thumbnail_key)
    article.cover_key, article.cover_thumbnail_key = stored.key, stored.thumbnail_key
    article.cover_width, article.cover_height = stored.width, stored.height
    touch(article, actor_id=user.id, fields=["cover"])
    return article


def remove_cover(*, user: Any, article_id: int) -> Article:
    article = managed(user, article_id)
    if article.cover_key:
        images.forget_after_commit(article.cover_key, article.cover_thumbnail_key)
        article.cover_key = article.cover_thumbnail_key = None
        article.cover_width = article.cover_height = None
        touch(article, actor_id=user.id, fields=["cover"])
    return article


def publish(*, user: Any, article_id: int, publish_at: dt.datetime | None) -> Article:
    """Publish now, or schedule for ``publish_at`` (which must be in the future)."""
    article = managed(user, article_id)
    if publish_at is None:
        publishing.publish_now(article, actor_id=user.id)
        return article
    if publish_at <= utcnow():
        raise ValidationFailed("The time must be in the future.", errors={"publish_at": ["Must be in the future."]})
    publishing.schedule(article, actor_id=user.id, publish_at=publish_at.astimezone(dt.UTC))
    return article


def unschedule(*, user: Any, article_id: int) -> Article:
    article = managed(user, article_id)
    publishing.unschedule(article, actor_id=user.id)
    return article


def archive(*, user: Any, article_id: int) -> Article:
    article = managed(user, article_id)
    publishing.archive(article, actor_id=user.id)
    return article


def history(*, user: Any, article_id: int) -> list[ArticleChange]:
    managed(user, article_id, for_update=False)
    return list(
        db.session.scalars(
            select(ArticleChange).where(ArticleChange.article_id == article_id).order_by(ArticleChange.id)
        )
    )
