"""Liveness and readiness probes, outside the versioned API."""

from __future__ import annotations

from flask import Blueprint, Response, current_app
from sqlalchemy import text

from app.core.errors import json_error
from app.extensions import db

health_blp = Blueprint("health", __name__)

_OK = b'{"status":"ok"}\n'


@health_blp.get("/healthz")
def healthz() -> Response:
    """Process is up. Touches nothing: the bare endpoint benchmarks compare against."""
    return current_app.response_class(_OK, mimetype="application/json")


@health_blp.get("/readyz")
def readyz() -> Response:
    """Ready to serve: the database answers."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any database failure means not ready
        current_app.logger.warning("readiness check failed: %s", exc)
        return json_error(503, "The database is not reachable.")
    return current_app.response_class(b'{"status":"ready"}\n', mimetype="application/json")
