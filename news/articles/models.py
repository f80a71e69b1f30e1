"""Models of news.articles."""

__all__: list[str] = []
