"""JSON answers written straight from presenter dicts (the one way a view builds its body).

The presenters already build exactly the documented shape (they decide what each caller may see, and write
datetimes as ISO 8601 strings), so running the dicts through marshmallow again only costs time: dumping a 20-item
page took a quarter of the feed's time. The ``@blp.response`` schemas still document these answers;
``tests/complaints/test_responses.py`` validates answers against them, and the schemathesis contract test checks
every answer against the served document.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from flask import Response, current_app


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()  # what marshmallow's DateTime writes
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, default=_default, ensure_ascii=False, separators=(",", ":"))
    resp = current_app.response_class(body, status=status, mimetype="application/json")
    if headers:
        resp.headers.update(headers)
    return resp
