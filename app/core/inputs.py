"""The one input policy: what text Balai accepts, wherever it comes from (JSON body, query, form, path, header,
cursor).

- No NUL (U+0000) and no lone surrogate (U+D800-U+DFFF, which JSON can smuggle in as ``"\\ud800"``): no text a
  person types holds one, PostgreSQL cannot store NUL, UTF-8 cannot encode a surrogate (SQLite, argon2, Redis and
  the JSON encoder then fail), so either would become a 500 deep inside instead of a 422 here.
- JSON nests at most ``MAX_JSON_DEPTH`` levels, checked on the raw text before the parser recurses (a 2 KB body of
  1,000 brackets would otherwise raise ``RecursionError``).

Requests read JSON only through ``request.get_json()`` (``JSONProvider``; the webargs parser uses it too), path
parameters and headers are checked before the view runs, and cursors decode through ``loads``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from itertools import accumulate
from typing import Any

from flask import Flask, Request, request
from flask.json.provider import DefaultJSONProvider

from app.core.errors import BadRequest, ValidationFailed
from app.core.i18n import _

#: Deepest JSON nesting accepted; Balai's deepest body is 3 levels, Python's parser recurses per level.
MAX_JSON_DEPTH = 32

NUL_MESSAGE = _("Text must not contain NUL (U+0000) characters.")
SURROGATE_MESSAGE = _("Text must not contain lone surrogates (U+D800-U+DFFF).")

_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


class InputRejected(ValueError):
    """Input that breaks the policy; ``field`` names where (dotted path, "" for the whole value)."""

    def __init__(self, message: str, *, field: str = "", status: int = 422):
        super().__init__(message)
        self.message, self.field, self.status = message, field, status


def text_problem(text: str) -> str | None:
    """Why ``text`` is refused, or None."""
    found = _BAD_TEXT.search(text)
    if found is None:
        return None
    return NUL_MESSAGE if found.group() == "\x00" else SURROGATE_MESSAGE


def check_value(value: Any, path: str = "") -> None:
    """Raise ``InputRejected`` naming the first text (a value or a key) in ``value`` that breaks the policy."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise InputRejected(problem, field=path)
        return
    pairs: Any = ()
    if isinstance(value, Mapping):
        pairs = value.items()
    elif isinstance(value, list | tuple):
        pairs = enumerate(value)
    for key, item in pairs:
        name = f"{path}.{key}" if path else str(key)
        problem = text_problem(str(key))
        if problem:  # named with escapes: the answer must not carry the text it refuses
            raise InputRejected(problem, field=name.encode("ascii", "backslashreplace").decode())
        check_value(item, name)


def nests_too_deep(text: str) -> bool:
    """Whether the arrays and objects in a JSON text nest deeper than ``MAX_JSON_DEPTH`` (brackets inside strings
    do not count), without parsing it."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return False  # too few brackets to nest too deep: the common case costs two counts
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    return max(accumulate(1 if c in "[{" else -1 for c in brackets), default=0) > MAX_JSON_DEPTH


def loads(data: str | bytes) -> Any:
    """Parse JSON under the policy: ``InputRejected`` (a ``ValueError``) with 400 when it does not parse or nests
    too deep, 422 naming the field when a text is refused."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes | bytearray) else data
    except UnicodeDecodeError:
        raise InputRejected("The body is not valid UTF-8.", status=400) from None
    if nests_too_deep(text):
        raise InputRejected(_("JSON may not nest more than {depth} levels deep.", depth=MAX_JSON_DEPTH), status=400)
    try:
        value = json.loads(text)
    except ValueError:
        raise InputRejected("Invalid JSON body.", status=400) from None
    check_value(value)
    return value


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, parsing under the policy (``request.get_json()`` goes through ``app.json.loads``)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s)


def rejection(exc: InputRejected) -> BadRequest | ValidationFailed:
    """The error a refused body leaves as: 400 when it does not parse, else 422 naming the field."""
    if exc.status == 400:
        return BadRequest(exc.message, errors={"body": [exc.message]})
    return ValidationFailed("The request contains invalid fields.", errors={exc.field or "body": [exc.message]})


class BalaiRequest(Request):
    """A refused JSON body leaves as 400 (unparsable, too deep) or 422 naming the field (refused text)."""

    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        if isinstance(e, InputRejected):
            raise rejection(e)
        if e is not None:
            raise BadRequest("Invalid JSON body.", errors={"body": ["Invalid JSON body."]})
        return super().on_json_loading_failed(e)


def _check_path_and_headers() -> None:
    """Path parameters and header values follow the policy before any view (or its auth check) reads them."""
    if request.routing_exception is not None:
        return  # a 404/405 says more than a bad header
    args = request.view_args or {}
    environ = request.environ
    # One search over the raw WSGI values for every request (the common case); names only when something is found.
    raw = [v for k, v in environ.items() if (k[:5] == "HTTP_" or k[:8] == "CONTENT_") and type(v) is str]
    raw += [v for v in args.values() if isinstance(v, str)]
    if not _BAD_TEXT.search("".join(raw)):
        return
    texts = [(name, value) for name, value in args.items() if isinstance(value, str)]
    texts += request.headers.items()
    for name, value in texts:
        if problem := text_problem(value):
            raise ValidationFailed("The request contains invalid fields.", errors={name: [problem]})


def init_app(app: Flask) -> None:
    app.json = JSONProvider(app)
    app.request_class = BalaiRequest
    app.before_request(_check_path_and_headers)
