"""Checks for presenters that took over from a schema dump: the dict is what the documented schema describes
(``same_as_schema``) and, field for field, what marshmallow writes from the same loaded objects, which is what
those views answered before their presenters existed."""

from __future__ import annotations

import json
from typing import Any

from app.core.responses import json_response
from tests.complaints.test_responses import same_as_schema


def written(data: Any) -> Any:
    """``data`` as the client reads it: written by ``json_response`` and parsed again."""
    return json.loads(json_response(data).get_data())


def same_as_dump(data: Any, schema: Any, source: Any) -> None:
    """``data`` (a presenter's dict or an answer's JSON) matches ``schema`` and equals ``schema.dump(source)``."""
    same_as_schema(data, schema)
    assert written(data) == json.loads(json.dumps(schema.dump(source)))
