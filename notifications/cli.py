"""``flask notifications …``: send from the command line, and the demo welcome broadcast."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.demo import demo_seeder
from app.extensions import db
from notifications.api import ANNOUNCEMENT, BROADCAST_KINDS, broadcast_to_area
from notifications.models import Notification

notifications_cli = AppGroup("notifications", help="Notifications and push.")


@notifications_cli.command("broadcast")
@click.option("--area", "area_code", required=True, help="Area code, province to desa (e.g. 32.73).")
@click.option("--rw", type=int, default=None, help="An RW of the desa given in --area.")
@click.option("--kind", type=click.Choice(BROADCAST_KINDS), default=ANNOUNCEMENT, show_default=True)
@click.option("--title", required=True)
@click.option("--body", required=True)
def broadcast_command(area_code: str, rw: int | None, kind: str, title: str, body: str) -> None:
    """Broadcast to every resident of an area (inbox row + one push to the area topic, sent by the worker)."""
    notification_id = broadcast_to_area(area_code=area_code, rw=rw, kind=kind, title=title, body=body)
    db.session.commit()
    click.echo(f"notification {notification_id} stored; the worker pushes it to the area topic")


@demo_seeder
def seed_welcome() -> None:
    """A welcome announcement for Kota Bandung, so the demo inbox is not empty and the worker has a push to log."""
    if db.session.scalar(select(Notification.id).where(Notification.area_key == "32.73").limit(1)) is None:
        broadcast_to_area(
            area_code="32.73",
            kind=ANNOUNCEMENT,
            title="Selamat datang di Balai",
            body="Laporkan masalah di lingkungan Anda dan ikuti pengumuman dari kelurahan, kecamatan dan kota.",
        )
