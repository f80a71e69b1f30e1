"""``flask privacy``: retention by hand, publishing a privacy notice."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup
from sqlalchemy import event

from app.accounts.privacy import consent, retention
from app.core.db import utcnow
from app.core.errors import AppError
from app.extensions import db

privacy_cli = AppGroup("privacy", help="Personal data: retention, privacy notice.")


@privacy_cli.command("retention")
@click.option("--dry-run/--apply", "dry_run", default=True, show_default=True, help="Only count, or do it.")
@click.option(
    "--limit", type=click.IntRange(1, 100_000), default=None, help="Rows per batch (PRIVACY_RETENTION_BATCH)."
)
def retention_command(dry_run: bool, limit: int | None) -> None:
    """Apply (or preview) the retention rules: warnings, anonymisation, old notifications, expired exports,
    personal fields of long-closed complaints. Bounded batches, a commit after each; safe to run again."""
    statements = [0]

    def count(*_args) -> None:
        statements[0] += 1

    assert db.engine is not None
    event.listen(db.engine, "before_cursor_execute", count)
    started = time.perf_counter()
    try:
        now = utcnow()
        report = retention.run(apply=not dry_run, now=now, limit=limit)
        if dry_run:
            db.session.rollback()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    verb = "would process (first batch, at most the batch size)" if dry_run else "processed"
    for name, figures in report.items():
        click.echo(f"{name}: {verb} {figures['rows']} rows in {figures['batches']} batch(es)")
    if dry_run:
        click.echo(f"residents past the inactivity limit: {retention.inactive_resident_count(now=now)}")
        db.session.rollback()
    click.echo(f"{statements[0]} statements, {time.perf_counter() - started:.2f} s")


@privacy_cli.command("publish-notice")
@click.option("--version", "version", required=True)
@click.option("--title-id", required=True)
@click.option("--title-en", required=True)
@click.option("--body-id", "body_id", type=click.File("r", encoding="utf-8"), required=True, help="File (Indonesian).")
@click.option("--body-en", "body_en", type=click.File("r", encoding="utf-8"), required=True, help="File (English).")
def publish_command(version: str, title_id: str, title_en: str, body_id, body_en) -> None:
    """Publish a privacy-notice version (residents are asked to accept it at their next log-in)."""
    from app.accounts.privacy.schemas import NoticeCreateSchema

    raw = {"version": version, "title_id": title_id, "title_en": title_en}
    raw |= {"body_id": body_id.read(), "body_en": body_en.read()}
    errors = NoticeCreateSchema().validate(raw)
    if errors:
        raise click.ClickException(f"invalid notice: {errors}")
    try:
        notice = consent.publish(actor_id=None, data=NoticeCreateSchema().load(raw))
    except AppError as exc:
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"published privacy notice {notice.version}")
