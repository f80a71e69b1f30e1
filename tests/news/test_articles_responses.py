"""The JSON written straight from the presenters is what the documented schemas describe."""

from __future__ import annotations

import datetime as dt
import io

from app.core.pagination import page_of
from app.core.sync import sync_page_of
from news.articles.read_schemas import (
    ArticleItemSchema,
    ArticleSchema,
    BookmarkedArticleSchema,
    NewsChangeSchema,
    NewsChannelSchema,
    NewsReactionSchema,
    NewsStatsSchema,
    NewsTagSchema,
)
from tests.complaints.helpers import jpeg_bytes
from tests.complaints.test_responses import same_as_schema
from tests.factories import login, resident, staff
from tests.news.test_articles_helpers import BANDUNG, article, channel, clean_view_buffer, tag  # noqa: F401


def test_answers_match_their_schemas(client):
    ed = login(staff("editor", BANDUNG))
    me = login(resident())
    t = tag("kesehatan")
    c = channel()
    a = article(
        channel_id=c.id, tag_ids=[t.id], source_url="https://bandung.go.id/b/1", source_date=dt.date(2026, 11, 30)
    )
    article(channel_id=c.id, tag_ids=[t.id])
    client.put(f"/api/v1/news/{a.id}/cover", data={"file": (io.BytesIO(jpeg_bytes()), "c.jpg")}, headers=ed,
               content_type="multipart/form-data")  # fmt: skip
    client.put(f"/api/v1/news/{a.id}/bookmark", headers=me)
    checks = [
        ("/api/v1/news", {}, sync_page_of(ArticleItemSchema)),
        ("/api/v1/news?featured=true&q=posyandu", me, sync_page_of(ArticleItemSchema)),
        ("/api/v1/news?updated_since=2026-01-01T00:00:00%2B00:00", me, sync_page_of(ArticleItemSchema)),
        (f"/api/v1/news/{a.id}", {}, ArticleSchema),
        (f"/api/v1/news/{a.id}", me, ArticleSchema),
        ("/api/v1/news/manage", ed, page_of(ArticleItemSchema)),
        ("/api/v1/news/stats", ed, NewsStatsSchema),
        ("/api/v1/me/bookmarks", me, sync_page_of(BookmarkedArticleSchema)),
        (f"/api/v1/news/channels/{c.id}", {}, NewsChannelSchema),
        ("/api/v1/news/tags", {}, page_of(NewsTagSchema)),
    ]
    for path, headers, schema in checks:
        resp = client.get(path, headers=headers)
        assert resp.status_code == 200, (path, resp.get_json())
        same_as_schema(resp.get_json(), schema())
    history = client.get(f"/api/v1/news/{a.id}/history", headers=ed).get_json()
    same_as_schema(history[0], NewsChangeSchema())
    same_as_schema(client.put(f"/api/v1/news/{a.id}/like", headers=me).get_json(), NewsReactionSchema())
