"""Cursor pagination: every list answers ``{items, next_cursor}``; pass ``cursor`` back for the next page.

Keyset cursors keep pages stable while rows are added (no skipped or repeated items) and never count the table.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any

import marshmallow as ma
from sqlalchemy import Select, tuple_

from app.core import inputs
from app.core.errors import ValidationFailed
from app.core.fields import MAX_ID, WholeInteger

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class PageArgs(ma.Schema):
    cursor = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(max=500),
        metadata={"description": "Opaque cursor from the previous page's `next_cursor`."},
    )
    limit = WholeInteger(
        load_default=DEFAULT_LIMIT,
        validate=ma.validate.Range(1, MAX_LIMIT),
        metadata={"description": f"Items per page (1-{MAX_LIMIT})."},
    )


_PAGE_SCHEMAS: dict[type[ma.Schema], type[ma.Schema]] = {}


def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The ``{items, next_cursor}`` envelope schema for one item schema (one class per item schema)."""
    if item_schema not in _PAGE_SCHEMAS:
        name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
        _PAGE_SCHEMAS[item_schema] = type(
            name,
            (ma.Schema,),
            {
                "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
                "next_cursor": ma.fields.String(
                    required=True, allow_none=True, metadata={"description": "null on the last page."}
                ),
            },
        )
    return _PAGE_SCHEMAS[item_schema]


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps(list(values), separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, *, types: Sequence[type]) -> list[Any] | None:
    """The key values in a cursor, checked against the expected types and the input policy; a bad cursor is a 422."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = inputs.loads(raw)  # the one input policy: no NUL or lone surrogate reaches a query
        if not isinstance(values, list) or len(values) != len(types):
            raise ValueError
        out = []
        for value, typ in zip(values, types, strict=True):
            if typ is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, typ) or (isinstance(value, bool) and typ is not bool):
                raise ValueError
            if typ is int and not -MAX_ID <= value <= MAX_ID:  # a 64-bit column's range; beyond it SQLite overflows
                raise ValueError
            out.append(value)
        return out
    except ValueError:
        raise ValidationFailed("Invalid cursor.", errors={"cursor": ["Invalid cursor."]}) from None


def keyset(
    stmt: Select[Any],
    *,
    keys: Sequence[Any],
    cursor: str | None,
    limit: int,
    types: Sequence[type],
    descending: bool = False,
) -> Select[Any]:
    """Order ``stmt`` by ``keys`` (a unique combination), start after the cursor, fetch one extra row."""
    after = decode_cursor(cursor, types=types)
    if after is not None:
        cmp = tuple_(*keys) < tuple_(*after) if descending else tuple_(*keys) > tuple_(*after)
        stmt = stmt.where(cmp)
    order = [k.desc() for k in keys] if descending else list(keys)
    return stmt.order_by(*order).limit(limit + 1)


def page(rows: Sequence[Any], *, limit: int, key: Any) -> dict[str, Any]:
    """The envelope for rows fetched with ``limit + 1``; ``key(row)`` gives the row's cursor values."""
    items = list(rows[:limit])
    next_cursor = encode_cursor(key(items[-1])) if len(rows) > limit and items else None
    return {"items": items, "next_cursor": next_cursor}


def offset_page(rows: Sequence[Any], *, limit: int, offset: int) -> dict[str, Any]:
    """The envelope for ranked results (search) where a key set does not exist: the cursor holds an offset."""
    items = list(rows[:limit])
    return {"items": items, "next_cursor": encode_cursor([offset + limit]) if len(rows) > limit else None}
