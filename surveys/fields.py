"""Marshmallow fields of the surveys package (text people type, strict booleans)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import marshmallow as ma

from app.core.fields import TrimmedString

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f]")


class PlainText(TrimmedString):
    """Text a person typed: NFC-normalised and trimmed; control characters and lone surrogates are refused
    (``multiline`` allows line breaks and tabs); blank is None where None is allowed, an error otherwise."""

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
    """A JSON ``true`` or ``false`` only."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value
