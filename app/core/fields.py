"""Marshmallow fields the stock set lacks."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import marshmallow as ma


class WholeInteger(ma.fields.Integer):
    """An integer that refuses 2.5 (stock ``Integer`` truncates it) but accepts 3.0, as JSON Schema does."""

    def _validated(self, value: Any) -> int:
        if isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


class TrimmedString(ma.fields.String):
    """A string with surrounding whitespace removed; blank counts as missing a value."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        out = super()._deserialize(value, attr, data, **kwargs)
        return out.strip()


#: Largest id a path or body may carry: PostgreSQL BIGINT (larger values would fail in the database, not here).
MAX_ID = 2**63 - 1


def IdField(**kwargs: Any) -> WholeInteger:
    """A reference to a row by id: a whole number between 1 and ``MAX_ID``."""
    metadata = {"example": 1, **kwargs.pop("metadata", {})}
    return WholeInteger(validate=ma.validate.Range(1, MAX_ID), metadata=metadata, **kwargs)


class Pattern(ma.validate.Regexp):
    """A ``Regexp`` the whole value must match. marshmallow's uses ``re.match``, where a final ``$`` also matches
    before a trailing newline: ``^\\d{2}$`` let ``"32\\n"`` through, one character more than the pattern's width (and
    the column sized for it). The pattern is still documented as written."""

    def __call__(self, value: str) -> str:
        if self.regex.fullmatch(value) is None:
            raise ma.ValidationError(self._format_error(value))
        return value


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f]")


class PlainText(TrimmedString):
    """Text a person typed: NFC-normalised, surrounding spaces removed; control characters (NUL included) and
    unpaired surrogates are refused rather than stored. ``multiline`` allows line breaks and tabs. Blank text is
    None where the field allows None, and an error otherwise."""

    default_error_messages = {"control": "Contains characters that are not text.", "blank": "Must not be blank."}

    def __init__(self, *, multiline: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.multiline = multiline

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | None:
        out = super()._deserialize(value, attr, data, **kwargs)
        try:
            out.encode("utf-8")
        except UnicodeEncodeError:
            raise self.make_error("control") from None
        if (_CONTROL if self.multiline else _CONTROL_ONE_LINE).search(out):
            raise self.make_error("control")
        out = unicodedata.normalize("NFC", out)
        if not out:
            if self.allow_none:
                return None
            raise self.make_error("blank")
        return out

    def _validate(self, value: Any) -> None:
        if value is not None:
            super()._validate(value)


class StrictBoolean(ma.fields.Boolean):
    """A JSON ``true`` or ``false``; not 0, 1, "yes" or "true" (which the stock field accepts)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value
