from __future__ import annotations

import click
from flask.cli import AppGroup

from app.accounts import service
from app.accounts.roles import ROLES, STAFF_ROLES
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


def _account(ref: str):
    user = service.find_account(ref)
    if user is None:
        raise click.ClickException(f"no account {ref!r} (give an id, a phone number or an e-mail address)")
    return user


@users_cli.command("list")
@click.option("--role", type=click.Choice(ROLES), default=None, help="Default: every staff role.")
@click.option("--area", "area_code", default=None, help="Scope (staff) or home (residents) inside this area.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
def list_command(role, area_code, limit) -> None:
    """List accounts, newest first: id, role, scope, active, last log-in, name."""
    for u in service.list_accounts(role=role, area_code=area_code, limit=limit):
        last = u.last_login_at.isoformat(timespec="minutes") if u.last_login_at else "-"
        state = "active" if u.is_active else ("deleted" if u.deleted_at else "inactive")
        click.echo(f"{u.id}\t{u.role}\t{u.scope or u.home or '-'}\t{state}\t{last}\t{u.name}")


@users_cli.command("deactivate")
@click.argument("account")
def deactivate_command(account) -> None:
    """Deactivate an account (id, phone or e-mail): it cannot log in and every session ends at once. Staff are
    deactivated, never erased: their actions keep their role label."""
    user = _account(account)
    service.deactivate(target=user)
    db.session.commit()
    click.echo(f"deactivated user {user.id}")


@users_cli.command("reset-password")
@click.argument("account")
@click.password_option("--password", help="New password (prompted when omitted)")
def reset_password_command(account, password) -> None:
    """Set a new password for an account; every session of it ends."""
    if len(password) < 8:
        raise click.UsageError("the password needs at least 8 characters")
    user = _account(account)
    closed = service.reset_password(target=user, new_password=password)
    db.session.commit()
    click.echo(f"new password set for user {user.id}; {closed} session(s) ended")


@users_cli.command("revoke-sessions")
@click.argument("account")
def revoke_sessions_command(account) -> None:
    """Sign an account out everywhere (a lost phone, a leaked token)."""
    user = _account(account)
    closed = service.revoke_sessions(target=user)
    db.session.commit()
    click.echo(f"{closed} session(s) of user {user.id} ended")
