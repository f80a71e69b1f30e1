"""Residents and staff: registration, log-in sessions, roles scoped to areas."""

from __future__ import annotations

from typing import Any


def register(app: Any, api: Any) -> None:
    from app.accounts.cli import users_cli
    from app.accounts.routes import auth_blp, me_blp, users_blp

    for blp in (auth_blp, me_blp, users_blp):
        api.register_blueprint(blp)
    app.cli.add_command(users_cli)
