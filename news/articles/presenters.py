"""The answers of news.articles as plain dicts, in exactly the documented shapes (``read_schemas``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from news.articles.images import version_of

PREFIX = "/api/v1/news"


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def channel_view(c: Any) -> dict[str, Any]:
    logo = f"{PREFIX}/channels/{c.id}/logo?v={version_of(c.logo_key)}" if c.logo_key else None
    return {
        "id": c.id,
        "name": c.name,
        "website": c.website,
        "logo_url": logo,
        "logo_thumbnail_url": logo.replace("/logo?", "/logo/thumbnail?") if logo else None,
        "is_active": c.is_active,
    }


def tag_view(t: Any) -> dict[str, Any]:
    return {"id": t.id, "slug": t.slug, "name": t.name}


def cover_view(row: Mapping[str, Any]) -> dict[str, Any] | None:
    key = row["cover_key"]
    if not key:
        return None
    v = version_of(key)
    return {
        "url": f"{PREFIX}/{row['id']}/cover?v={v}",
        "thumbnail_url": f"{PREFIX}/{row['id']}/cover/thumbnail?v={v}",
        "width": row["cover_width"],
        "height": row["cover_height"],
    }


def article_item(row: Mapping[str, Any], *, channels: Mapping[int, str], tags: Sequence[Any]) -> dict[str, Any]:
    """One list item from a row of ``queries.ITEM_COLUMNS`` (or an ``Article``'s mapping)."""
    return {
        "id": row["id"],
        "status": row["status"],
        "title": row["title"],
        "summary": row["summary"],
        "excerpt": row["excerpt"],
        "channel": {"id": row["channel_id"], "name": channels.get(row["channel_id"], "")},
        "tags": [tag_view(t) for t in tags],
        "area_code": row["area_code"],
        "cover": cover_view(row),
        "is_featured": row["is_featured"],
        "featured_order": row["featured_order"],
        "source_url": row["source_url"],
        "source_date": _iso(row["source_date"]),
        "publish_at": _iso(row["publish_at"]),
        "published_at": _iso(row["published_at"]),
        "edited_at": _iso(row["edited_at"]),
        "updated_at": _iso(row["updated_at"]),
    }


def article_detail(
    article: Any,
    *,
    channels: Mapping[int, str],
    tags: Sequence[Any],
    related: list[dict[str, Any]],
    me: dict[str, bool] | None,
) -> dict[str, Any]:
    row = {c: getattr(article, c) for c in ARTICLE_ROW_FIELDS}
    out = article_item(row, channels=channels, tags=tags)
    out.update(
        body=article.body_markdown,
        body_html=article.body_html,
        view_count=article.view_count,
        like_count=article.like_count,
        bookmark_count=article.bookmark_count,
        notify=article.notify,
        notified_at=_iso(article.notified_at),
        related=related,
        me=me,
    )
    return out


ARTICLE_ROW_FIELDS = (
    "id",
    "status",
    "title",
    "summary",
    "excerpt",
    "channel_id",
    "area_code",
    "cover_key",
    "cover_width",
    "cover_height",
    "is_featured",
    "featured_order",
    "source_url",
    "source_date",
    "publish_at",
    "published_at",
    "edited_at",
    "updated_at",
)


def change_view(c: Any) -> dict[str, Any]:
    return {"id": c.id, "action": c.action, "actor_id": c.actor_id, "fields": c.fields, "at": _iso(c.at)}
