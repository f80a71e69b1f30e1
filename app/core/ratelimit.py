"""Rate-limit decorators: per client IP and per account, limits read from configuration; and the rate-limit headers.

Mobile carriers put many phones behind one address (CGNAT), so per-IP limits are generous and per-account limits
are the strict ones. The per-account limit on log-in counts failures only.

Headers: flask-limiter's own writer (``RATELIMIT_HEADERS_ENABLED``) sets ``Retry-After`` on *every* answer of a
limited endpoint, to the seconds until the window resets — a 201 from ``POST /complaints`` said
``Retry-After: 3600``, which tells a client to wait an hour after a success. It is turned off; ``init_app`` writes
``X-RateLimit-Limit/Remaining/Reset`` on every answer of a limited endpoint and ``Retry-After`` only on a 429.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, request
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


def init_app(app: Flask) -> None:
    """Register the header writer. Call it before ``limiter.init_app``: Flask runs after-request hooks in reverse
    order, so this one then runs after flask-limiter has counted the answer (``failures_only`` limits)."""
    app.after_request(_write_headers)


def _write_headers(response: Response) -> Response:
    if not limiter.enabled:
        return response
    current = limiter.current_limit  # the breached limit on a 429, else the one with the smallest window
    if current is None:
        return response
    reset_at = int(current.reset_at)
    response.headers["X-RateLimit-Limit"] = str(current.limit.amount)
    response.headers["X-RateLimit-Remaining"] = str(current.remaining)
    response.headers["X-RateLimit-Reset"] = str(reset_at)
    if response.status_code == 429:
        response.headers["Retry-After"] = str(max(1, math.ceil(reset_at - time.time())))
    return response
