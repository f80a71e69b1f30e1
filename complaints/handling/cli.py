"""``flask complaints …``: complaint jobs run by hand."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.core.db import utcnow
from complaints.handling.escalation import escalate_overdue

complaints_cli = AppGroup("complaints", help="Complaints: handling jobs.")


@complaints_cli.command("escalate")
def escalate_command() -> None:
    """Escalate overdue stages now (the worker does it every 15 minutes)."""
    escalated = escalate_overdue(now=utcnow())
    click.echo(f"escalated {escalated} overdue stage(s)")
