from __future__ import annotations

import click
from flask.cli import AppGroup

from app.accounts import service
from app.accounts.roles import STAFF_ROLES
from app.core.errors import AppError
from app.extensions import db

users_cli = AppGroup("users", help="Staff accounts.")


@users_cli.command("create")
@click.option("--role", required=True, type=click.Choice([r.value for r in STAFF_ROLES]))
@click.option("--area", "area_code", required=True, help="Scope area code, e.g. 32.73")
@click.option("--rw", type=click.IntRange(1, 999), default=None, help="RW number (rw_official only)")
@click.option("--name", required=True)
@click.option("--phone", default=None)
@click.option("--email", default=None)
@click.password_option("--password", help="Initial password (prompted when omitted)")
def create_command(role, area_code, rw, name, phone, email, password) -> None:
    """Create a staff account (operator use: no caller scope applies)."""
    data = {
        "role": role,
        "scope_area_code": area_code,
        "scope_rw": rw,
        "name": name,
        "phone": phone,
        "email": email,
        "password": password,
    }
    if len(password) < 8:
        raise click.UsageError("the password needs at least 8 characters")
    try:
        user = service.create_staff(actor=None, data=data)
    except AppError as exc:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.errors.items())
        raise click.ClickException(f"{exc.message} {details}".strip()) from None
    db.session.commit()
    click.echo(f"created user {user.id}: {user.role} in {user.scope}")
