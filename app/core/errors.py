"""Domain errors and the one error body: ``{code, status, message, errors, error, error_codes}``.

Services raise the exceptions below; ``register_error_handlers`` maps them, werkzeug's HTTP errors, JWT errors and
anything unexpected to the same JSON shape. No HTML error page is ever sent. Messages are English msgids in the
code and leave in the caller's language (``Accept-Language``: ``id`` by default, or ``en``; ``app.core.i18n``);
``error`` is a stable machine code (``complaint_not_found``, ``token_expired``, ``validation_failed`` …) and
``error_codes`` gives one code per message of ``errors``, in the same order (``required``, ``too_long`` …).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, UnsupportedMediaType

from app.core import i18n

#: Seconds a client is asked to wait (``Retry-After``) when a dependency is down; a restart or failover takes about
#: that long, and apps retry once with the same Idempotency-Key.
RETRY_AFTER_SECONDS = 5


class AppError(Exception):
    """Base for errors a service raises on purpose; the status code says what kind."""

    status_code = 400
    #: Machine code when the raise site names none (``error`` in the body); by status otherwise.
    code: str | None = None

    def __init__(
        self,
        message: str,
        *,
        errors: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        code: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        self.headers = headers or {}
        if code is not None:
            self.code = code


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


class PayloadTooLarge(AppError):
    status_code = 413


class UnsupportedFileType(AppError):
    status_code = 415


class Unavailable(AppError):
    """A dependency (database, storage) cannot serve right now; the same request may succeed in a moment."""

    status_code = 503
    code = "unavailable"

    def __init__(self, message: str, *, retry_after: int = RETRY_AFTER_SECONDS, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {})["Retry-After"] = str(retry_after)
        super().__init__(message, **kwargs)


class InsufficientStorage(Unavailable):
    """The storage is full (ENOSPC, quota): 507, also worth a retry once space is freed."""

    status_code = 507
    code = "insufficient_storage"


class InvalidTransition(Conflict):
    """A state change that is not allowed from the current state."""

    code = "invalid_transition"


#: The machine code of an error whose raise site names none, by HTTP status; otherwise the status phrase in
#: snake case (``method_not_allowed``). Published codes never change.
STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
    507: "insufficient_storage",
}
#: Codes of well-known messages, so their raise sites stay as they are.
MESSAGE_CODES = {
    "Complaint not found.": "complaint_not_found",
    "User not found.": "user_not_found",
    "Area not found.": "area_not_found",
    "Category not found.": "category_not_found",
    "Office not found.": "office_not_found",
    "Routing rule not found.": "routing_rule_not_found",
    "The token has expired.": "token_expired",
    "The token is invalid.": "token_invalid",
    "Authentication required.": "authentication_required",
    "An account with these details already exists.": "account_exists",
    "The current password is wrong.": "wrong_password",
    "This complaint changed since you loaded it. Reload it and try again.": "complaint_changed",
    "Wrong phone/e-mail or password.": "invalid_credentials",
    "This account has been deactivated.": "account_inactive",
    "The session has ended. Log in again.": "session_ended",
    "Your role does not allow this.": "role_forbidden",
    "The request contains invalid fields.": "validation_failed",
    "Invalid cursor.": "invalid_cursor",
    "Someone else changed this at the same time. Reload and try again.": "concurrent_change",
    "Someone else changed this complaint at the same time. Reload and try again.": "concurrent_change",
    "The request conflicts with data that already exists.": "conflict",
}


def status_code_name(status: int) -> str:
    return STATUS_CODES.get(status) or HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")


def error_body(
    status: int,
    message: str | None = None,
    errors: dict[str, Any] | None = None,
    *,
    code: str | None = None,
    locale: str | None = None,
) -> dict[str, Any]:
    """The error body, its texts in ``locale`` (the request's language when not given)."""
    locale = locale or i18n.request_locale()
    phrase = HTTPStatus(status).phrase
    code = code or (MESSAGE_CODES.get(str(message)) if message else None) or status_code_name(status)
    texts, codes = _field_errors(errors or {}, locale, code)
    return {
        "code": status,
        "status": phrase,
        "message": i18n.render(message, locale) if message else i18n.gettext(phrase, locale),
        "errors": texts,
        "error": code,
        "error_codes": codes,
    }


def _field_errors(errors: Any, locale: str, fallback: str) -> tuple[Any, Any]:
    """``errors`` translated, and the same shape with a machine code in place of each message."""
    if isinstance(errors, dict):
        pairs = [(k, _field_errors(v, locale, fallback)) for k, v in errors.items()]
        return {k: t for k, (t, _c) in pairs}, {k: c for k, (_t, c) in pairs}
    if isinstance(errors, list | tuple):
        pairs = [_field_errors(v, locale, fallback) for v in errors]
        return [t for t, _c in pairs], [c for _t, c in pairs]
    return i18n.field_message(errors, locale, fallback)


def json_error(
    status: int,
    message: str | None = None,
    errors: dict[str, Any] | None = None,
    headers: Any = None,
    *,
    code: str | None = None,
) -> Response:
    locale = i18n.request_locale()
    resp = jsonify(error_body(status, message, errors, code=code, locale=locale))
    resp.status_code = status
    resp.headers["Content-Language"] = locale
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
            message = i18n._("The request contains invalid fields.")
        elif status == 400 and errors.get("body"):
            message = str(errors["body"][0])
        elif status == 429:
            message = i18n._("Too many requests (limit: {limit}). Try again later.", limit=exc.description)
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
        return json_error(exc.status_code, exc.message, exc.errors, exc.headers, code=exc.code)
    if isinstance(exc, HTTPException):
        return _http_exception_response(exc)
    if isinstance(exc, IntegrityError):
        return json_error(409, "The request conflicts with data that already exists.")
    if isinstance(exc, OperationalError) and _is_lock_conflict(exc):
        return json_error(409, "Someone else changed this at the same time. Reload and try again.")
    if is_unavailable(exc):
        # Nothing is half-written: the request's transaction never committed (or, if the connection broke during
        # COMMIT, all or nothing of it did); the client retries with the same Idempotency-Key.
        current_app.logger.warning("database unavailable on %s %s: %s", request.method, request.path, exc)
        return error_response_for(
            Unavailable("The database is not reachable right now. Try again in a moment.", code="database_unavailable")
        )
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path, exc_info=exc)
    return json_error(500, "Internal server error.")


#: PostgreSQL's connection-exception class (08xxx) and the shutdown states of a terminated or restarting server.
_GONE_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})
#: SQLite's messages for a database file it cannot reach (a lock is a conflict, not an outage: `_is_lock_conflict`).
_SQLITE_UNREACHABLE = ("unable to open database file", "disk i/o error")


def is_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached right now (connection lost or refused, server shutting
    down, pool exhausted) rather than that the statement was wrong: the same request may succeed in a moment."""
    if isinstance(exc, PoolTimeout):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError):
        return False
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith("08") or sqlstate in _GONE_SQLSTATES
    if type(orig).__module__.startswith("psycopg"):
        return True  # raised by the client without a server answer: the connection failed or broke
    return any(text in str(orig).lower() for text in _SQLITE_UNREACHABLE)


def _is_lock_conflict(exc: OperationalError) -> bool:
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return code in {"40001", "40P01", "55P03"} or "database is locked" in str(exc)


def register_error_handlers(app: Flask) -> None:
    """Every error, including routing and framework errors, leaves as ``{code, status, message, errors}``."""

    app.register_error_handler(AppError, error_response_for)
    app.register_error_handler(HTTPException, error_response_for)
    app.register_error_handler(Exception, error_response_for)

    @app.after_request
    def _content_language(response: Response) -> Response:
        # The language the texts of the answer are in (errors here; labels and messages as they are added).
        if request.path.startswith("/api/"):
            response.headers.setdefault("Content-Language", i18n.request_locale())
        return response

    @app.before_request
    def _require_json_body() -> Response | None:
        # Routing errors (404/405) come first: a PUT to a POST-only route is a 405, not a 415.
        if request.routing_exception is not None or request.method not in ("POST", "PUT", "PATCH"):
            return None
        view = app.view_functions.get(request.endpoint or "")
        fn = view_method(view, request.method)
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


def view_method(view: Any, method: str) -> Any:
    """The function that serves ``method`` for a view (the MethodView method, or the view itself)."""
    if view is None:
        return None
    view_class = getattr(view, "view_class", None)
    return getattr(view_class, method.lower(), None) if view_class is not None else view


def _takes_body(fn: Any) -> bool:
    """Whether the view documents a request body (flask-smorest ``@blp.arguments`` in the JSON or form location)."""
    params = getattr(fn, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return any(p.get("in") in ("json", "form", "files") for p in params)
