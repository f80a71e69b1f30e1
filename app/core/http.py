"""Conditional and compact responses, one mechanism for the whole API.

Every JSON ``GET`` answer under ``/api/`` gets a weak ETag (a hash of the body) and answers ``304 Not Modified``
when the caller's ``If-None-Match`` holds it; ``Cache-Control`` comes from the view (``shared_cache``), else
``private, no-cache``; ``Vary`` is ``Authorization, Accept-Language, Accept-Encoding``. JSON bodies of at least
``COMPRESS_MIN_SIZE`` bytes are compressed by flask-compress (br when the caller accepts it, else gzip); 304s,
errors below that size and tiny bodies never are.

A view that shows one resource with an optimistic-lock version (a complaint) names it with ``tag_resource``; its
ETag then reads ``W/"c42.v7.<hash>"``, and ``check_if_match`` lets an action refuse with 412 when the caller's
``If-Match`` names another version. The tag is weak because the representation around the version varies (per
caller, compressed or not); the ``c42.v7`` part is a strong validator of the stored row, and ``If-Match``
compares only that part (weak or strong tags alike, ``*`` matches any existing resource).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from apispec import BasePlugin
from flask import Flask, Response, current_app, g, has_request_context, request
from flask_compress import Compress
from werkzeug.http import parse_etags

from app.core.errors import AppError, view_method
from app.core.i18n import _

API_PREFIX = "/api/"
PRIVATE = "private, no-cache"
VARY = "Authorization, Accept-Language, Accept-Encoding"
#: Compress JSON bodies from this size on (smaller ones gain little and cost CPU on the phone and here).
COMPRESS_MIN_SIZE = 1024
_TAG = "balai_resource_tag"
_CHECKED = "balai_if_match_checked"
_IF_MATCH_MARK = "x-balai-if-match"
_IGNORED = "balai_etag_ignored"

compress = Compress()


class PreconditionFailed(AppError):
    """``If-Match`` names a version that is no longer the stored one (someone acted on the resource meanwhile)."""

    status_code = 412


def shared_cache(max_age: int) -> Callable[[Any], Any]:
    """Declare a view's answer the same for every anonymous caller: ``public, max-age=<max_age>`` for them
    (a shared cache may serve it for that long); a caller with a token still gets ``private, no-cache``."""

    def deco(fn: Any) -> Any:
        fn._balai_cache_control = f"public, max-age={int(max_age)}"
        return fn

    return deco


def if_match(fn: Any) -> Any:
    """Document that an action honours ``If-Match`` with the complaint's ETag (412 on a stale one).

    The check itself runs where the action locks its resource (``check_if_match``); this only marks the view, and
    the OpenAPI plugin below documents the header and the 412 answer from the mark.
    """
    fn._balai_if_match = True
    fn._apidoc = {**getattr(fn, "_apidoc", {})}
    fn._apidoc["manual_doc"] = {**fn._apidoc.get("manual_doc", {}), _IF_MATCH_MARK: True}
    return fn


def resource_tag(kind: str, resource_id: int, version: int) -> str:
    """The strong part of a versioned resource's validator: ``c42.v7`` for complaint 42 at version 7."""
    return f"{kind}{resource_id}.v{version}"


def tag_resource(tag: str) -> None:
    """The answer of this request shows the resource ``tag`` (``resource_tag``): its ETag starts with it."""
    if has_request_context():
        setattr(g, _TAG, tag)


def ignore_in_etag(text: str) -> None:
    """Leave ``text`` (a value that changes on every call, such as a sync ``server_time``) out of this answer's
    ETag: an answer that differs only there is the same for the client, who may keep its older copy (a weak tag)."""
    if has_request_context():
        setattr(g, _IGNORED, text.encode())


def check_if_match(tag: str) -> None:
    """412 unless the request's ``If-Match`` (if any) names ``tag``: a tag equal to it or starting with
    ``tag + "."`` (what the detail's ETag holds), weak or strong, or ``*``. Evaluated once per request."""
    if not has_request_context() or getattr(g, _CHECKED, False):
        return
    header = request.headers.get("If-Match")
    if header is None:
        return
    setattr(g, _CHECKED, True)
    etags = parse_etags(header)
    if etags.star_tag:
        return
    prefix = tag + "."
    if any(t == tag or t.startswith(prefix) for t in etags.as_set(include_weak=True)):
        return
    raise PreconditionFailed(
        "This complaint changed since you loaded it. Reload it and try again.",
        errors={"If-Match": [_("The current version is {tag}.", tag=tag)]},
    )


def _view_attr(name: str, default: Any) -> Any:
    """An attribute that a decorator put on the view method serving this request (looked up once per endpoint)."""
    cache: dict[tuple[str | None, str], dict[str, Any]] = current_app.extensions.setdefault("balai_http_views", {})
    key = (request.endpoint, request.method)
    attrs = cache.get(key)
    if attrs is None:
        view = current_app.view_functions.get(request.endpoint or "")
        fn = view_method(view, "GET" if request.method == "HEAD" else request.method)
        attrs = cache[key] = {k: v for k, v in vars(fn).items() if k.startswith("_balai_")} if fn is not None else {}
    return attrs.get(name, default)


def _hash(body: bytes) -> str:
    """A fingerprint of the body, not a secret: SHA-1 runs in hardware here (2-3x faster than BLAKE2 or MD5)."""
    return hashlib.sha1(body, usedforsecurity=False).hexdigest()[:20]


def body_digest(body: bytes, ignored: bytes | None = None) -> str:
    """The digest an answer's ETag is made of: the body's hash, ``ignored`` (``ignore_in_etag``) left out."""
    return _hash(body.replace(ignored, b"") if ignored else body)


_DIGEST = "balai_body_digest"


def known_digest(response: Response, body: bytes, digest: str) -> None:
    """The ETag digest of ``body``, computed once for an answer sent many times (``responses.Encoded``); used only
    while the response still holds exactly that body."""
    setattr(response, _DIGEST, (body, digest))


def _conditional(response: Response) -> Response:
    """ETag, 304, Cache-Control and Vary for the API's answers (runs before compression)."""
    if not request.path.startswith(API_PREFIX):
        return response
    headers = response.headers
    if "Cache-Control" not in headers:
        policy = _view_attr("_balai_cache_control", PRIVATE) if response.status_code < 400 else PRIVATE
        headers["Cache-Control"] = PRIVATE if "HTTP_AUTHORIZATION" in request.environ else policy
    headers["Vary"] = VARY
    if response.status_code != 200 or response.mimetype != "application/json" or response.is_streamed:
        return response
    tag = getattr(g, _TAG, None)
    safe = request.method in ("GET", "HEAD")
    if not safe and tag is None:
        return response
    body = response.get_data()
    known = getattr(response, _DIGEST, None)
    if known is not None and (known[0] is body or known[0] == body):
        digest = known[1]
    else:
        digest = body_digest(body, getattr(g, _IGNORED, None))
    etag = f"{tag}.{digest}" if tag else digest
    response.set_etag(etag, weak=True)
    if safe and "HTTP_IF_NONE_MATCH" in request.environ and request.if_none_match.contains_weak(etag):
        response.status_code = 304
        response.set_data(b"")
        for name in ("Content-Type", "Content-Length"):
            headers.pop(name, None)
    return response


def init_app(app: Flask) -> None:
    """flask-compress, then the conditional step (after-request hooks run last-registered first, so the ETag is
    the uncompressed body's and a 304 is never compressed)."""
    app.config.setdefault("COMPRESS_MIMETYPES", ["application/json"])
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIN_SIZE", COMPRESS_MIN_SIZE)
    app.config.setdefault("COMPRESS_BR_LEVEL", 4)
    app.config.setdefault("COMPRESS_LEVEL", 6)
    app.config.setdefault("COMPRESS_STREAMS", False)
    app.config.setdefault("COMPRESS_EVALUATE_CONDITIONAL_REQUEST", False)  # done here, on the uncompressed body
    compress.init_app(app)
    app.after_request(_conditional)


_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
_STRING = {"schema": {"type": "string"}}
_GET_HEADERS = {
    "ETag": {"description": "Weak validator of this answer (send it back as `If-None-Match`).", **_STRING},
    "Cache-Control": {
        "description": "`public, max-age=N` for answers shared by every anonymous caller, else `private, no-cache`.",
        **_STRING,
    },
}


class ConditionalDocs(BasePlugin):
    """Documents the conditional headers on every operation as it is added to the OpenAPI document: on each JSON
    ``GET``, ``If-None-Match``, the 304 answer and the ETag / Cache-Control / Vary headers; on actions marked with
    ``if_match``, the ``If-Match`` header and the 412 answer."""

    def operation_helper(self, path: str | None = None, operations: dict[str, Any] | None = None, **_: Any) -> None:
        for method, op in (operations or {}).items():
            responses = op.setdefault("responses", {})
            ok = responses.get(200) or responses.get("200")
            json_ok = isinstance(ok, dict) and "application/json" in ok.get("content", {})
            if method == "get" and json_ok and 304 not in responses and "304" not in responses:
                op.setdefault("parameters", []).append(
                    {
                        "in": "header",
                        "name": "If-None-Match",
                        "required": False,
                        "schema": {"type": "string"},
                        "description": "The `ETag` of an earlier answer: 304 with no body when nothing changed.",
                    }
                )
                ok.setdefault("headers", {}).update(_GET_HEADERS)
                responses["304"] = {"description": "Not modified: the `If-None-Match` ETag is still current."}
            if op.pop(_IF_MATCH_MARK, False):
                op.setdefault("parameters", []).append(
                    {
                        "in": "header",
                        "name": "If-Match",
                        "required": False,
                        "schema": {"type": "string"},
                        "description": "The `ETag` of the complaint detail (or of an action's answer) the caller "
                        "acted on; a stale one is a 412 and nothing changes. Without it, no check.",
                    }
                )
                responses["412"] = {"description": "The complaint changed since that ETag.", "content": _ERROR}


def init_docs(spec: Any) -> None:
    """Add the documenting plugin to flask-smorest's spec before any blueprint is registered."""
    plugin = ConditionalDocs()
    plugin.init_spec(spec)
    spec.plugins.append(plugin)
