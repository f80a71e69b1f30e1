"""News: announcements."""

from __future__ import annotations

from typing import Any


def register(app: Any, api: Any) -> None:
    """Blueprints, jobs and CLI of this part (filled in as it is built)."""
