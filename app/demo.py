"""``flask seed-demo``: demo accounts in Kota Bandung (32.73), printed so a new user can log in at once.

Features add their own demo data (categories, offices…) with ``demo_seeder``; every seeder is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable

import click
from flask import current_app
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.passwords import hash_password
from app.accounts.roles import Role
from app.areas.models import Area
from app.extensions import db

DEMO_PASSWORD = "balai-demo-123"

#: (role, name, phone, email, scope area, scope RW)
DEMO_STAFF = [
    (Role.ADMIN.value, "Admin Kota Bandung", "081100000001", "admin@demo.balai.id", "32.73", None),
    (Role.EDITOR.value, "Editor Diskominfo", "081100000002", "editor@demo.balai.id", "32.73", None),
    (Role.MODERATOR.value, "Moderator Aduan", "081100000003", "moderator@demo.balai.id", "32.73", None),
    (Role.OFFICE_HANDLER.value, "Petugas Dinas PU", "081100000004", "petugas@demo.balai.id", "32.73", None),
    (Role.VILLAGE_OFFICIAL.value, "Lurah Sukarasa", "081100000005", "lurah@demo.balai.id", "32.73.01.1001", None),
    (Role.RW_OFFICIAL.value, "Ketua RW 05 Sukarasa", "081100000006", "rw05@demo.balai.id", "32.73.01.1001", 5),
]
#: (name, phone, home desa, RW)
DEMO_RESIDENTS = [
    ("Siti Rahmawati", "081200000001", "32.73.01.1001", 5),
    ("Budi Santoso", "081200000002", "32.73.01.1002", 2),
    ("Dewi Lestari", "081200000003", "32.73.02.1001", 7),
]

_seeders: list[Callable[[], None]] = []


def demo_seeder(fn: Callable[[], None]) -> Callable[[], None]:
    """Register a feature's idempotent demo-data function."""
    if fn not in _seeders:
        _seeders.append(fn)
    return fn


def _ensure(name: str, phone: str, email: str | None, **fields: object) -> tuple[User, bool]:
    from app.accounts.phones import normalise_mobile

    e164 = normalise_mobile(phone)
    user = db.session.scalars(select(User).where(User.phone == e164)).one_or_none()
    if user is not None:
        return user, False
    user = User(name=name, phone=e164, email=email, password_hash=hash_password(DEMO_PASSWORD), **fields)
    db.session.add(user)
    db.session.flush()
    return user, True


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="Allow in production mode.")
def seed_demo_command(force: bool) -> None:
    """Create demo staff (one per role) and residents in Kota Bandung, and print their log-ins."""
    if current_app.config["ENV"] == "production" and not force:
        raise click.ClickException("refusing to create demo accounts in production (use --force)")
    if db.session.get(Area, "32.73") is None:
        raise click.ClickException("areas are not loaded: run `flask areas load` first")
    rows = []
    for role, name, phone, email, area, rw in DEMO_STAFF:
        user, _ = _ensure(name, phone, email, role=role, scope_area_code=area, scope_rw=rw)
        rows.append((user.role, user.phone, user.email or "", user.scope or ""))
    for name, phone, desa, rw in DEMO_RESIDENTS:
        user, _ = _ensure(name, phone, None, role=Role.RESIDENT.value, home_area_code=desa, home_rw=rw)
        rows.append((user.role, user.phone, "", user.home or ""))
    for seeder in _seeders:
        seeder()
    db.session.commit()
    click.echo(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
    for role, phone, email, where in rows:
        click.echo(f"  {role:<17} {phone:<15} {email:<26} {where}")
