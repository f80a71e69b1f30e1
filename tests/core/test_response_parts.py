"""Answers joined from parts encoded once (``app.core.responses.encode_part``, ``with_member``, ``page_of_parts``):
the same JSON as encoding the whole answer at once."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from app.core import responses


@pytest.mark.parametrize("value", [0.0, 12.3, 999.9, 1e-07, 2.5e20, 7, None, "Jl. Dago \u201cNo. 5\u201d", True])
def test_a_member_added_to_an_encoded_part_is_what_json_writes(value):
    item = {"id": 1, "title": "Jalan berlubang", "created_at": dt.datetime(2026, 12, 2, tzinfo=dt.UTC).isoformat()}
    joined = responses.with_member(responses.encode_part(item), "distance_m", value)
    assert json.loads(joined) == {**item, "distance_m": value}
    assert joined == responses.encode_part({**item, "distance_m": value})


@pytest.mark.parametrize("cursor", [None, "WzEyLjUsIDQyXQ"])
@pytest.mark.parametrize("count", [0, 1, 3])
def test_a_page_of_parts_is_the_page_encoded_at_once(cursor, count):
    items = [{"id": i, "distance_m": i * 1.5} for i in range(count)]
    body = responses.page_of_parts([responses.encode_part(i) for i in items], cursor)
    assert body == responses.encode_part({"items": items, "next_cursor": cursor})
