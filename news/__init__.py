"""News (government articles for everyone) and announcements (what a village or RW head posts to their area).

``news.articles`` and ``news.announcements`` each own one part; ``news.models`` imports every model so the
metadata is complete.
"""

from __future__ import annotations

from typing import Any


def register(app: Any, api: Any) -> None:
    from news import announcements, articles, privacy

    articles.register(app, api)
    announcements.register(app, api)
    privacy.register()  # export and erasure of likes, bookmarks, reads (app.accounts.privacy)
