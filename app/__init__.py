"""Balai: backend for citizen-engagement apps of Indonesian local governments.

``create_app`` reads as its steps: configure, extensions, features, error handlers, commands.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from pathlib import Path

from flask import Flask, Request, Response, send_from_directory
from flask.sessions import NullSession, SessionInterface, SessionMixin
from werkzeug.routing import BaseConverter, IntegerConverter, Map

from app.config import Config
from app.core import http, inputs, jobs, limiter_adapter, ratelimit
from app.core.db import register_request_transaction
from app.core.fields import MAX_ID
from app.extensions import api, db, jwt, limiter
from app.openapi import spec_options

#: Feature packages, registered in this order. Each exposes ``register(app, api)``.
FEATURES: tuple[str, ...] = (
    "app.areas",
    "app.accounts",
    "complaints",
    "news",
    "surveys",
    "notifications",
)

API_TITLE = "Balai API"
API_VERSION = "v1"
SWAGGER_UI_STATIC = "/api/v1/docs/static/"


class BalaiFlask(Flask):
    """Flask with one change to dispatching: a read request that meets a lost database connection runs its view
    once more on a fresh connection (``app.core.db.Database.retry_read``)."""

    def dispatch_request(self):  # type: ignore[override]
        return db.retry_read(super().dispatch_request)


class NoCookieSession(SessionInterface):
    """Flask's signed-cookie session is never used here; opening it on every request costs time for nothing."""

    def open_session(self, app: Flask, request: Request) -> None:
        return None

    def make_null_session(self, app: Flask) -> NullSession:
        return NullSession()

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        return None


class IdConverter(IntegerConverter):
    """Row ids in paths: ``<id:complaint_id>``; out-of-range numbers are a 404, never a database error."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


class AreaCodeConverter(BaseConverter):
    """Dotted Kemendagri code, province to desa: ``32``, ``32.73``, ``32.73.01``, ``32.73.01.1001``."""

    regex = r"\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?"


def load_models() -> None:
    """Import every feature's models so the metadata is complete (Alembic, tests)."""
    import importlib.util

    import app.accounts.privacy.models
    import app.core.sync  # noqa: F401  (the tombstones every delta-synced list reads)

    for name in FEATURES:
        if importlib.util.find_spec(f"{name}.models") is not None:
            importlib.import_module(f"{name}.models")


def create_app(config: Config | None = None) -> Flask:
    config = config or Config.from_env()
    config.validate()
    app = BalaiFlask(__name__, instance_path=str(Path(__file__).resolve().parent.parent / "instance"))
    configure(app, config)
    register_extensions(app)
    register_features(app)
    register_error_handlers(app)
    register_commands(app)
    return app


def configure(app: Flask, config: Config) -> None:
    app.config.from_mapping(config.as_flask_config())
    app.config.update(
        JWT_SECRET_KEY=config.JWT_SECRET_KEY,
        JWT_ACCESS_TOKEN_EXPIRES=dt.timedelta(minutes=config.ACCESS_TOKEN_MINUTES),
        JWT_REFRESH_TOKEN_EXPIRES=dt.timedelta(days=config.REFRESH_TOKEN_DAYS),
        JWT_TOKEN_LOCATION=["headers"],
        JWT_ERROR_MESSAGE_KEY="message",
        # flask-limiter's header writer also puts Retry-After on successful answers; app.core.ratelimit writes them.
        RATELIMIT_HEADERS_ENABLED=False,
        **ratelimit.storage_settings(config.RATELIMIT_STORAGE_URI, config.RATELIMIT_KEY_PREFIX),
        API_TITLE=API_TITLE,
        API_VERSION=API_VERSION,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=SWAGGER_UI_STATIC,
        API_SPEC_OPTIONS={
            **spec_options(),
            "info": {
                "description": "Complaints (aduan), announcements and notifications for residents and "
                "local-government staff. Errors always have the shape "
                "{code, status, message, errors, error, error_codes}: `error` and `error_codes` are stable machine "
                "codes; messages are in Bahasa Indonesia (default) or English, chosen by `Accept-Language` (see "
                "`Content-Language`).",
            },
            "components": {
                "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
            },
        },
        JSON_SORT_KEYS=False,
    )
    inputs.init_app(app)  # the one input policy (JSON parsing, path and headers), before anything reads a request
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.url_map.strict_slashes = False
    app.session_interface = NoCookieSession()  # a token API: never open or sign a cookie session
    app.url_map.converters["area_code"] = AreaCodeConverter
    app.url_map.converters["id"] = IdConverter
    logging.basicConfig(level=config.LOG_LEVEL)
    if config.PROXY_FIX_X_FOR:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.PROXY_FIX_X_FOR)  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    register_request_transaction(app, db)
    jwt.init_app(app)
    ratelimit.init_app(app)  # before the limiter: its after-request hook must run after the limiter's deductions
    limiter.init_app(app)
    jobs.init_app(app)
    # Only per-route limits exist (the decorators check them): drop Flask-Limiter's global check (~0.1 ms a request).
    limiter_adapter.drop_global_check(app, limiter)
    api.init_app(app)
    http.init_docs(api.spec)
    http.init_app(app)  # ETag / 304, Cache-Control, Vary and compression of the API's answers
    api.register_converter(IdConverter, lambda _c: {"type": "integer", "minimum": 1, "maximum": MAX_ID})
    api.register_converter(
        AreaCodeConverter, lambda _c: {"type": "string", "pattern": "^" + AreaCodeConverter.regex + "$"}
    )


def register_features(app: Flask) -> None:
    from app.health import health_blp

    app.register_blueprint(health_blp)
    for name in FEATURES:
        importlib.import_module(name).register(app, api)
    _serve_swagger_ui(app)


def _serve_swagger_ui(app: Flask) -> None:
    """Swagger UI from the flask-swagger-ui package's files: the docs work with no internet access."""
    import flask_swagger_ui

    dist = Path(flask_swagger_ui.__file__).parent / "dist"

    @app.get(SWAGGER_UI_STATIC + "<path:filename>")
    def swagger_ui_static(filename: str):
        return send_from_directory(dist, filename, max_age=86400)


def register_error_handlers(app: Flask) -> None:
    from app.core.errors import register_error_handlers as _register

    _register(app)


def register_commands(app: Flask) -> None:
    from app.demo import seed_demo_command

    app.cli.add_command(seed_demo_command)


__all__ = ["create_app", "load_models"]
