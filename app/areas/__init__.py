"""Indonesia's administrative areas (Kemendagri codes) and the one containment rule every scope check uses."""

from __future__ import annotations

from typing import Any


def register(app: Any, api: Any) -> None:
    from app.areas.cli import areas_cli
    from app.areas.routes import blp

    api.register_blueprint(blp)
    app.cli.add_command(areas_cli)
