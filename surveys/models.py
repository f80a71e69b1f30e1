"""Models of surveys."""

__all__: list[str] = []
