"""Rate-limit decorators: per client IP and per account, limits read from configuration; and the rate-limit headers.

Mobile carriers put many phones behind one address (CGNAT), so per-IP limits are generous and per-account limits
are the strict ones. The per-account limit on log-in counts failures only.

Outages: when the shared storage (Redis) cannot be reached, flask-limiter's in-memory fallback counts the same limits
in each process until the storage answers again (it re-checks with a growing pause, at most ~30 s), and logs the
switch; Balai's own reads and writes of the storage (known clients) are skipped with an error in the log. A log-in
never fails because Redis is down, and limits are never off: per process for the time of the outage.

Headers: flask-limiter's own writer (``RATELIMIT_HEADERS_ENABLED``) sets ``Retry-After`` on *every* answer of a
limited endpoint, to the seconds until the window resets — a 201 from ``POST /complaints`` said
``Retry-After: 3600``, which tells a client to wait an hour after a success. It is turned off; ``init_app`` writes
``X-RateLimit-Limit/Remaining/Reset`` on every answer of a limited endpoint and ``Retry-After`` only on a 429.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, request
from flask_limiter.util import get_remote_address

from app.extensions import limiter

log = logging.getLogger(__name__)

#: Seconds a rate-limit check waits for Redis before it counts in memory instead (a refused connection fails at
#: once; this bounds a Redis that does not answer at all).
REDIS_TIMEOUT_SECONDS = 0.5


def storage_settings(uri: str, key_prefix: str) -> dict[str, Any]:
    """Flask-Limiter's settings for the storage at ``uri``: short socket timeouts on Redis, the in-memory fallback
    (same limits, counted per process while the storage is unreachable) and errors logged, never raised."""
    settings: dict[str, Any] = {
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_STORAGE_OPTIONS": {},
    }
    if uri.startswith("redis"):
        settings["RATELIMIT_STORAGE_OPTIONS"] = {
            "key_prefix": key_prefix,
            "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
            "socket_timeout": REDIS_TIMEOUT_SECONDS,
        }
    return settings


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
    try:
        limiter.storage.clear(_known_key(account_key, client_ip()))
        limiter.storage.incr(_known_key(account_key, client_ip()), expiry)
    except Exception as exc:  # the storage is down: the log-in stands, this client is just not remembered
        log.error("rate-limit storage unreachable, sign-in address not remembered: %s", exc)


def is_known_client(account_key: str) -> bool:
    """Whether this client IP signed in to the account before (in the limit storage, so every process agrees).
    While the storage is unreachable nobody is known: the stricter per-account limit applies to everyone."""
    if not limiter.enabled:
        return False
    try:
        return bool(limiter.storage.get(_known_key(account_key, client_ip())))
    except Exception as exc:
        log.error("rate-limit storage unreachable, counting every address as unknown: %s", exc)
        return False


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
    try:
        reset_at, remaining = int(current.reset_at), current.remaining
    except Exception as exc:  # the storage went away after the check: answer without the headers
        log.error("rate-limit storage unreachable, no rate-limit headers: %s", exc)
        return response
    response.headers["X-RateLimit-Limit"] = str(current.limit.amount)
    response.headers["X-RateLimit-Remaining"] = str(remaining)
    response.headers["X-RateLimit-Reset"] = str(reset_at)
    if response.status_code == 429:
        response.headers["Retry-After"] = str(max(1, math.ceil(reset_at - time.time())))
    return response
