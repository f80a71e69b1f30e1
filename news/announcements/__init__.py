"""News: announcements (what a village or RW head, or an editor, posts to an area), read receipts in aggregate."""

from __future__ import annotations

from typing import Any


def register(app: Any, api: Any) -> None:
    """Blueprints, jobs, CLI, demo data and the link type of this part."""
    import news.announcements.demo
    import news.announcements.publishing  # noqa: F401  (the periodic publishing job registers on import)
    from app.core import links
    from news.announcements.cli import announcements_cli
    from news.announcements.routes import blp

    links.register("announcement", links.row_exists("announcements", absent="deleted_at"))
    api.register_blueprint(blp)
    app.cli.add_command(announcements_cli)
