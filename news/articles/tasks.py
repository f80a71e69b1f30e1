"""Periodic jobs of news.articles: publish scheduled articles, flush buffered views (every minute)."""

from __future__ import annotations

from app.core.jobs import crontab, periodic_job
from news.articles import publishing, views


@periodic_job(crontab(minute="*"))
def publish_scheduled_articles() -> list[int]:
    """Publish the scheduled articles whose time has come (each pushes once, if asked)."""
    return publishing.publish_due()


@periodic_job(crontab(minute="*"))
def flush_news_views() -> int:
    """Add the buffered views and reads to the database."""
    return views.flush()
