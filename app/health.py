"""Liveness and readiness probes, outside the versioned API.

``/healthz`` is liveness: the process answers, nothing else is touched. ``/readyz`` checks every dependency the
configuration uses, at once and each within ``CHECK_TIMEOUT_SECONDS``: the database; the rate-limit storage
when it is shared (Redis); the job queue unless jobs run inline (Redis or the SQLite file); the photo storage (a
file written and removed). All up: 200 ``{"status": "ready", "checks": {...: "ok"}}``. Any down: 503 in the error
format, ``errors`` naming each dependency that is down.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from flask import Blueprint, Response, current_app, jsonify

from app.config import is_per_process_storage
from app.core.errors import json_error
from app.core.i18n import _
from app.core.jobs import huey
from app.core.storage import get_storage
from app.extensions import db, limiter

log = logging.getLogger(__name__)

health_blp = Blueprint("health", __name__)

_OK = b'{"status":"ok"}\n'

#: Longest wait for any one dependency (they are checked at the same time).
CHECK_TIMEOUT_SECONDS = 2.0
#: Checks run here so that a dependency that never answers only costs the probe its timeout.
_checks = ThreadPoolExecutor(max_workers=4, thread_name_prefix="readyz")

#: What the probe says about a dependency that is down.
DOWN = {
    "database": _("The database is not reachable."),
    "ratelimit": _("The rate-limit storage (Redis) is not reachable."),
    "queue": _("The job queue is not reachable."),
    "storage": _("The photo storage does not accept files."),
}


@health_blp.get("/healthz")
def healthz() -> Response:
    """Process is up. Touches nothing: the bare endpoint benchmarks compare against."""
    return current_app.response_class(_OK, mimetype="application/json")


def _database() -> None:
    assert db.engine is not None
    # Deferred on SQLite: a probe never waits for the write lock.
    with db.engine.connect().execution_options(sqlite_deferred=True) as conn:
        conn.exec_driver_sql("SELECT 1")


def _ratelimit() -> None:
    if not limiter.storage.check():
        raise ConnectionError("the rate-limit storage did not answer its check")


def _queue() -> None:
    huey.pending_count()


def dependency_checks() -> dict[str, Callable[[], None]]:
    """The checks this configuration needs, by dependency name."""
    cfg = current_app.config
    checks: dict[str, Callable[[], None]] = {"database": _database}
    if limiter.enabled and not is_per_process_storage(cfg["RATELIMIT_STORAGE_URI"]):
        checks["ratelimit"] = _ratelimit
    if not huey.immediate:
        checks["queue"] = _queue
    checks["storage"] = get_storage().check  # resolved here, in the request's app context
    return checks


@health_blp.get("/readyz")
def readyz() -> Response:
    """Ready to serve: every dependency answers within the timeout (503 naming those that do not)."""
    futures = {name: _checks.submit(check) for name, check in dependency_checks().items()}
    down: dict[str, list[str]] = {}
    for name, future in futures.items():
        try:
            future.result(timeout=CHECK_TIMEOUT_SECONDS)
        except FutureTimeout:
            log.warning("readiness: %s did not answer within %s s", name, CHECK_TIMEOUT_SECONDS)
            down[name] = [DOWN[name]]
        except Exception as exc:  # any failure of a dependency means not ready
            log.warning("readiness: %s is down: %s", name, exc)
            down[name] = [DOWN[name]]
    if down:
        return json_error(
            503, _("Not ready: {names} down.", names=", ".join(sorted(down))), errors=down, code="not_ready"
        )
    return jsonify(status="ready", checks=dict.fromkeys(futures, "ok"))
