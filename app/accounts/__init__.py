"""Residents and staff: registration, log-in sessions, roles scoped to areas; their personal-data rights."""

from __future__ import annotations

from typing import Any


def register(app: Any, api: Any) -> None:
    from app.accounts import principal_cache
    from app.accounts.cli import users_cli
    from app.accounts.privacy import audit, demo, export, own_data, retention  # noqa: F401  (jobs, demo seeder)
    from app.accounts.privacy.cli import privacy_cli
    from app.accounts.privacy.routes import my_privacy_blp, privacy_blp
    from app.accounts.routes import auth_blp, me_blp, users_blp
    from app.core import auth

    auth.register_principal_loader(principal_cache.load_principal)  # the token check's caller (and its cache)

    for blp in (auth_blp, me_blp, users_blp, my_privacy_blp, privacy_blp):
        api.register_blueprint(blp)
    app.cli.add_command(users_cli)
    app.cli.add_command(privacy_cli)
    own_data.register()
    audit.init_app(app)
