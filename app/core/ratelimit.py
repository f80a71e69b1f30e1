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


def _exempt_unless(when: Callable[[], bool] | None) -> Callable[[], bool] | None:
    return (lambda: not when()) if when is not None else None


def _failures(response: Response) -> bool:
    return response.status_code in (400, 401, 403, 422)


def client_ip() -> str:
    """The client's address (after ``PROXY_FIX_X_FOR``)."""
    return get_remote_address() or "-"


def per_ip(
    config_key: str,
    *,
    scope: str = "",
    counts: Callable[[Response], bool] | None = None,
    when: Callable[[], bool] | None = None,
) -> Any:
    """Limit by client IP. Give a ``scope`` when a second per-IP limit sits on the same route (its own counter);
    ``counts(response)`` decides which answers use it up, ``when()`` whether the request is limited at all."""
    prefix = f"ip:{scope}:" if scope else "ip:"
    return limiter.limit(
        _limit(config_key),
        key_func=lambda: prefix + client_ip(),
        deduct_when=counts,
        exempt_when=_exempt_unless(when),
    )


def per_account(
    config_key: str,
    key: Callable[[], str],
    *,
    failures_only: bool = False,
    counts: Callable[[Response], bool] | None = None,
    when: Callable[[], bool] | None = None,
) -> Any:
    """Limit by an account key (a normalised login, a user id); ``failures_only`` counts only 4xx answers,
    ``counts(response)`` decides otherwise which answers use up the limit (e.g. not an idempotent replay);
    ``when()`` False leaves the request out of this limit (neither checked nor counted)."""
    deduct = _failures if failures_only else counts
    return limiter.limit(
        _limit(config_key), key_func=lambda: "acct:" + key(), deduct_when=deduct, exempt_when=_exempt_unless(when)
    )


def _known_key(account_key: str, ip: str) -> str:
    return f"known-client/{account_key}/{ip}"


def remember_client(account_key: str) -> None:
    """Note that this client IP has just signed in to the account (kept as long as a session lives)."""
    if not limiter.enabled:  # RATELIMIT_ENABLED=false: flask-limiter made no storage
        return
    expiry = current_app.config["REFRESH_TOKEN_DAYS"] * 86400
    limiter.storage.clear(_known_key(account_key, client_ip()))
    limiter.storage.incr(_known_key(account_key, client_ip()), expiry)


def is_known_client(account_key: str) -> bool:
    """Whether this client IP signed in to the account before (in the limit storage, so every process agrees)."""
    return limiter.enabled and bool(limiter.storage.get(_known_key(account_key, client_ip())))


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
