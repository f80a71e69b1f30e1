"""Surveys and polls: built by staff in scope, answered once by residents of the target area, results in SQL."""

from __future__ import annotations

from typing import Any


def register(app: Any, api: Any) -> None:
    """Blueprints, jobs and CLI of surveys (filled in as it is built)."""
