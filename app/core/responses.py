"""JSON answers written straight from presenter dicts (the one way a view builds its body).

The presenters already build exactly the documented shape (they decide what each caller may see, and write
datetimes as ISO 8601 strings), so running the dicts through marshmallow again only costs time: dumping a 20-item
page took a quarter of the feed's time. The ``@blp.response`` schemas still document these answers;
``tests/complaints/test_responses.py`` validates answers against them, and the schemathesis contract test checks
every answer against the served document.

A page that many callers get for a few seconds (a shared feed page) can be encoded once with ``encode``: the
``Encoded`` answer keeps its bytes and its ETag digest, so each request sends them without serialising or hashing
the body again (``app.core.http`` takes the digest from the response).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from flask import Response, current_app

from app.core import http


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()  # what marshmallow's DateTime writes
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _dumps(data: Any) -> str:
    return json.dumps(data, default=_default, ensure_ascii=False, separators=(",", ":"))


class Encoded:
    """A JSON answer encoded once: its body, and the digest its ETag is made of (``ignore`` left out, as
    ``http.ignore_in_etag`` would). Immutable; share it between requests."""

    __slots__ = ("body", "digest")

    def __init__(self, data: Any, *, ignore: str | None = None) -> None:
        self.body = _dumps(data).encode()
        self.digest = http.body_digest(self.body, ignore.encode() if ignore else None)

    def with_last(self, key: str, value: Any) -> bytes:
        """The body with its last member ``key`` (encoded as ``null``) set to ``value``: a shared answer plus the
        caller's own part, without encoding the shared part again."""
        tail = f',"{key}":null}}'.encode()
        if not self.body.endswith(tail):
            raise ValueError(f"{key!r} is not the last member, or not null")
        return self.body[: -len(tail)] + f',"{key}":'.encode() + _dumps(value).encode() + b"}"


def encode_part(data: Any) -> bytes:
    """``data`` as JSON, a part to join into answers (``page_of_parts``, ``with_member``)."""
    return _dumps(data).encode()


def with_member(part: bytes, key: str, value: Any) -> bytes:
    """An encoded object (``encode_part``) with one more member at its end."""
    # A finite float: what json writes for it, without its machinery.
    encoded = repr(value) if type(value) is float and math.isfinite(value) else _dumps(value)
    return part[:-1] + f',"{key}":{encoded}}}'.encode()


def page_of_parts(items: list[bytes], next_cursor: str | None) -> bytes:
    """A page (``app.core.pagination.page``'s envelope) of items already encoded, as the answer's bytes."""
    return b'{"items":[' + b",".join(items) + b'],"next_cursor":' + _dumps(next_cursor).encode() + b"}"


def encode(data: Any, *, ignore: str | None = None) -> Encoded:
    """``data`` encoded once, for many answers (``json_response(encoded)``)."""
    return Encoded(data, ignore=ignore)


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """The JSON answer: ``data`` (a presenter's dict or list) encoded, or an ``Encoded`` answer sent as it is, or
    bytes already encoded (``Encoded.with_last``)."""
    if isinstance(data, Encoded):
        resp = current_app.response_class(data.body, status=status, mimetype="application/json")
        http.known_digest(resp, data.body, data.digest)
    else:
        body = data if isinstance(data, bytes) else _dumps(data)
        resp = current_app.response_class(body, status=status, mimetype="application/json")
    if headers:
        resp.headers.update(headers)
    return resp
