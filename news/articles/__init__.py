"""News: articles (channels, tags, articles with states and history, the feed, reactions, statistics)."""

from __future__ import annotations

from typing import Any


def register(app: Any, api: Any) -> None:
    """Blueprints, jobs, demo data and CLI of this part."""
    import news.articles.demo
    import news.articles.tasks  # noqa: F401  (the periodic jobs register on import)
    from app.core import links
    from news.articles.channel_routes import blp as channels_blp
    from news.articles.cli import news_cli
    from news.articles.reaction_routes import blp as reactions_blp
    from news.articles.reaction_routes import me_blp
    from news.articles.routes import blp as news_blp

    api.register_blueprint(channels_blp)
    api.register_blueprint(news_blp)
    api.register_blueprint(reactions_blp)
    api.register_blueprint(me_blp)
    app.cli.add_command(news_cli)
    # an announcement may link to an article (the type is the push deep link's: ``news``)
    links.register("news", links.row_exists("news_articles", absent="deleted_at"))
