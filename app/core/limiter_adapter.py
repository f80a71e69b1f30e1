"""The only place Balai touches Flask-Limiter's private attributes.

Balai has per-route limits only (``app.core.ratelimit``'s decorators check them). Flask-Limiter 4.1 always
registers a global before-request check, which serves application-wide default limits that Balai does not use, and
has no public switch to leave it out (no ``auto_check``); it costs ~0.1 ms on every request. ``drop_global_check``
removes it. Pinned to ``FLASK_LIMITER_VERSION``; ``tests/core/test_library_apis.py`` fails when an upgrade renames
it, so re-check this file before changing the pin.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask_limiter import Limiter

#: The Flask-Limiter release this was checked against (requirements.txt pins the same).
FLASK_LIMITER_VERSION = "4.1.1"


def global_check(limiter: Limiter) -> Callable[..., None]:
    """Flask-Limiter's before-request hook (what ``init_app`` registers)."""
    return limiter._check_request_limit


def drop_global_check(app: Flask, limiter: Limiter) -> None:
    """Remove the limiter's application-wide before-request check from ``app`` (call after ``limiter.init_app``)."""
    hooks = app.before_request_funcs.get(None, [])
    if global_check(limiter) in hooks:
        hooks.remove(global_check(limiter))
