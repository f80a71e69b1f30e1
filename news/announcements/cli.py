"""``flask announcements publish-due``: publish the scheduled announcements that are due (the worker does it too)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from news.announcements.publishing import publish_due

announcements_cli = AppGroup("announcements", help="Village and RW announcements.")


@announcements_cli.command("publish-due")
def publish_due_command() -> None:
    """Publish (and push, once) every scheduled announcement whose time has come."""
    click.echo(f"published {publish_due()} announcements")
