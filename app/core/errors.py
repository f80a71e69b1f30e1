"""Domain errors and the one error body: ``{code, status, message, errors}``.

Services raise the exceptions below; ``register_error_handlers`` maps them, werkzeug's HTTP errors, JWT errors and
anything unexpected to the same JSON shape. No HTML error page is ever sent.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException, UnsupportedMediaType


class AppError(Exception):
    """Base for errors a service raises on purpose; the status code says what kind."""

    status_code = 400

    def __init__(self, message: str, *, errors: dict[str, Any] | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        self.headers = headers or {}


class BadRequest(AppError):
    status_code = 400


class Unauthorized(AppError):
    status_code = 401


class Forbidden(AppError):
    status_code = 403


class NotFound(AppError):
    status_code = 404


class Conflict(AppError):
    status_code = 409


class ValidationFailed(AppError):
    """Input that parses but breaks a rule (unknown area, landline phone, inactive category)."""

    status_code = 422


class InvalidTransition(Conflict):
    """A state change that is not allowed from the current state."""


def error_body(status: int, message: str | None = None, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    phrase = HTTPStatus(status).phrase
    return {"code": status, "status": phrase, "message": message or phrase, "errors": errors or {}}


def json_error(
    status: int, message: str | None = None, errors: dict[str, Any] | None = None, headers: Any = None
) -> Response:
    resp = jsonify(error_body(status, message, errors))
    resp.status_code = status
    if headers:
        for key, value in headers.items() if hasattr(headers, "items") else headers:
            if key.lower() not in ("content-type", "content-length"):
                resp.headers[key] = value
    return resp


def _http_exception_response(exc: HTTPException) -> Response:
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    message = data.get("message") or (exc.description if status < 500 else None)
    errors = data.get("errors") or data.get("messages") or {}
    if isinstance(errors, dict) and set(errors) <= {"json", "query", "form", "files", "headers", "view_args"}:
        errors = _flatten_locations(errors)
    headers = list(exc.get_headers())
    headers += list((data.get("headers") or {}).items())
    if not data.get("message"):
        if status == 422 and errors:
            message = "The request contains invalid fields."
        elif status == 400 and errors.get("body"):
            message = str(errors["body"][0])
        elif status == 429:
            message = f"Too many requests (limit: {exc.description}). Try again later."
    return json_error(status, message, errors, headers)


def _flatten_locations(errors: dict[str, Any]) -> dict[str, Any]:
    """webargs nests errors by location ({"json": {"phone": [...]}}); the client only needs field → messages."""
    out: dict[str, Any] = {}
    for location_errors in errors.values():
        if isinstance(location_errors, dict):
            out.update(location_errors)
        else:
            out.setdefault("body", []).extend(location_errors)
    return out


def error_response_for(exc: BaseException) -> Response:
    """The JSON error response for any exception (used by handlers and by the commit step)."""
    if isinstance(exc, AppError):
        return json_error(exc.status_code, exc.message, exc.errors, exc.headers)
    if isinstance(exc, HTTPException):
        return _http_exception_response(exc)
    if isinstance(exc, IntegrityError):
        return json_error(409, "The request conflicts with data that already exists.")
    if isinstance(exc, OperationalError) and _is_lock_conflict(exc):
        return json_error(409, "Someone else changed this at the same time. Reload and try again.")
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path, exc_info=exc)
    return json_error(500, "Internal server error.")


def _is_lock_conflict(exc: OperationalError) -> bool:
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return code in {"40001", "40P01", "55P03"} or "database is locked" in str(exc)


def register_error_handlers(app: Flask) -> None:
    """Every error, including routing and framework errors, leaves as ``{code, status, message, errors}``."""

    app.register_error_handler(AppError, error_response_for)
    app.register_error_handler(HTTPException, error_response_for)
    app.register_error_handler(Exception, error_response_for)

    @app.before_request
    def _require_json_body() -> Response | None:
        # Routing errors (404/405) come first: a PUT to a POST-only route is a 405, not a 415.
        if request.routing_exception is not None or request.method not in ("POST", "PUT", "PATCH"):
            return None
        view = app.view_functions.get(request.endpoint or "")
        fn = _view_method(view, request.method)
        if fn is None:
            return None
        accepted = getattr(fn, "_balai_accepts", _JSON_ONLY)
        if not request.content_length and request.mimetype == "" and not request.headers.get("Transfer-Encoding"):
            if _takes_body(fn):
                raise BadRequest("This request needs a body.", errors={"body": ["Missing request body."]})
            return None  # an endpoint without a body (e.g. logout) needs no content type
        if request.mimetype not in accepted:
            raise UnsupportedMediaType(f"Send the body as {' or '.join(sorted(accepted))}.")
        if request.mimetype == "application/json":
            limit = app.config["MAX_JSON_LENGTH"]
            if request.content_length is not None and request.content_length > limit:
                from werkzeug.exceptions import RequestEntityTooLarge

                raise RequestEntityTooLarge(f"A JSON body may not exceed {limit} bytes.")
            request.max_content_length = limit
        return None


def accepts(*mimetypes: str):
    """Declare the body content types a view method takes (default: JSON only)."""

    def deco(fn):
        fn._balai_accepts = frozenset(mimetypes)
        return fn

    return deco


_JSON_ONLY = frozenset({"application/json"})


def _view_method(view: Any, method: str) -> Any:
    """The function that serves ``method`` for a view (the MethodView method, or the view itself)."""
    if view is None:
        return None
    view_class = getattr(view, "view_class", None)
    return getattr(view_class, method.lower(), None) if view_class is not None else view


def _takes_body(fn: Any) -> bool:
    """Whether the view documents a request body (flask-smorest ``@blp.arguments`` in the JSON or form location)."""
    params = getattr(fn, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return any(p.get("in") in ("json", "form", "files") for p in params)
