"""Models of news.announcements."""

__all__: list[str] = []
