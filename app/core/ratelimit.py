"""Rate-limit decorators: per client IP and per account, limits read from configuration.

Mobile carriers put many phones behind one address (CGNAT), so per-IP limits are generous and per-account limits
are the strict ones. The per-account limit on log-in counts failures only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, current_app, request
from flask_limiter.util import get_remote_address

from app.extensions import limiter


def _limit(config_key: str) -> Callable[[], str]:
    return lambda: current_app.config[config_key]


def per_ip(config_key: str) -> Any:
    return limiter.limit(_limit(config_key), key_func=lambda: "ip:" + get_remote_address())


def per_account(
    config_key: str,
    key: Callable[[], str],
    *,
    failures_only: bool = False,
    counts: Callable[[Response], bool] | None = None,
) -> Any:
    """Limit by an account key (a normalised login, a user id); ``failures_only`` counts only 4xx answers,
    ``counts(response)`` decides otherwise which answers use up the limit (e.g. not an idempotent replay)."""
    deduct = (lambda response: response.status_code in (400, 401, 403, 422)) if failures_only else counts
    return limiter.limit(_limit(config_key), key_func=lambda: "acct:" + key(), deduct_when=deduct)


def json_field(name: str) -> str:
    """A field of the JSON body, for keys; never fails (the body is validated later)."""
    body = request.get_json(silent=True)
    value = body.get(name) if isinstance(body, dict) else None
    return str(value).strip().lower()[:254] if value is not None else ""
