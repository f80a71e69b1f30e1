"""``flask news``: run the scheduled publication and the view flush by hand (cron without a worker)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db
from news.articles import publishing, views

news_cli = AppGroup("news", help="News articles.")


@news_cli.command("publish-due")
def publish_due_command() -> None:
    """Publish the scheduled articles whose time has come."""
    ids = publishing.publish_due()
    db.session.commit()
    click.echo(f"published {len(ids)} article(s)")


@news_cli.command("flush-views")
def flush_views_command() -> None:
    """Write the buffered views and reads."""
    n = views.flush()
    db.session.commit()
    click.echo(f"flushed {n} view(s)")
