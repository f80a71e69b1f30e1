"""Bahasa Indonesia (default) and English: the gettext catalogs and the one place that translates.

Source strings (msgids) are English and stay in the code: ``raise NotFound("Complaint not found.")`` is extracted
as it is (``app.core.i18n_extract``), and a text with values is ``_("At most {count} photos.", count=n)``, a
:class:`Msg` that reads as its English text everywhere (logs, ``str()``, comparisons) and is translated only at
the edge: the error renderer (``app.core.errors``, language from ``Accept-Language``) and the notification writer
(``notifications.api``, the recipient's language). The catalogs are ``app/translations/<locale>/LC_MESSAGES/
messages.po``; they are compiled in memory the first time a locale is used, so there is no ``.mo`` to forget.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

LOCALES: tuple[str, ...] = ("id", "en")
DEFAULT_LOCALE = "id"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"


class Msg(str):
    """A translatable text with its values: ``str`` of it is the English text, :func:`render` translates it."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, /, **params: Any) -> Msg:
        text = msgid.format(**{k: str(v) for k, v in params.items()}) if params else msgid
        self = super().__new__(cls, text)
        self.msgid, self.params = msgid, params
        return self

    def __reduce__(self) -> Any:
        return (_msg, (self.msgid, self.params))


def _msg(msgid: str, params: dict[str, Any]) -> Msg:
    return Msg(msgid, **params)


def _(msgid: str, /, **params: Any) -> Msg:
    """Mark a text for translation (extracted by Babel); values are ``{name}`` placeholders."""
    return Msg(msgid, **params)


def po_path(locale: str) -> Path:
    return TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po"


@functools.cache
def catalog(locale: str) -> _gettext.NullTranslations:
    """The compiled catalog of ``locale`` (read and compiled once per process)."""
    path = po_path(locale)
    if not path.exists():
        return _gettext.NullTranslations()
    with path.open("rb") as f:
        po = read_po(f, locale=locale)
    buf = io.BytesIO()
    write_mo(buf, po, use_fuzzy=False)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


@functools.cache
def msgids() -> frozenset[str]:
    """Every msgid of the default catalog."""
    path = po_path(DEFAULT_LOCALE)
    if not path.exists():
        return frozenset()
    with path.open("rb") as f:
        return frozenset(m.id for m in read_po(f) if m.id and isinstance(m.id, str))


@functools.cache
def _templates() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Patterns of the catalogued msgids with ``{placeholders}``: marshmallow fills ``error="... {min}"`` texts
    of validators before we see them, so those are recognised by their shape."""
    ids = sorted((i for i in msgids() if re.search(r"\{\w+\}", i)), key=len, reverse=True)  # most specific first
    return tuple((_pattern(i), i) for i in ids)


def translate_text(text: str, locale: str) -> str:
    """A plain text in ``locale``: its catalog entry, or a catalogued template it was formatted from."""
    if text in msgids() or not text:
        return gettext(text, locale)
    for pattern, template in _templates():
        m = pattern.match(text)
        if m:
            return gettext(template, locale).format(**m.groupdict())
    return text


def normalize(tag: str | None) -> str | None:
    """``"en-US"``, ``"en_GB"`` → ``"en"``; ``"in"`` (old Java code) → ``"id"``; anything else → None."""
    if not tag:
        return None
    primary = re.split(r"[-_]", tag.strip().lower(), maxsplit=1)[0]
    primary = "id" if primary == "in" else primary
    return primary if primary in LOCALES else None


def _spoken(accept: LanguageAccept) -> str | None:
    for value, quality in accept:
        if quality > 0:
            best = normalize(value)
            if best:
                return best
    return None


def best_locale(accept: LanguageAccept) -> str:
    """The first language of a parsed ``Accept-Language`` that Balai speaks (``id`` when it names neither)."""
    return _spoken(accept) or DEFAULT_LOCALE


def asked_locale() -> str | None:
    """The language this request's ``Accept-Language`` names, or None when it names none Balai speaks (or there
    is no request): the caller's own language, known without a query."""
    from flask import has_request_context, request

    return _spoken(request.accept_languages) if has_request_context() else None


def header_locale(value: str | None) -> str:
    """The language an ``Accept-Language`` header value asks for (outside Flask: the serving layer)."""
    return best_locale(parse_accept_header(value, LanguageAccept))


def request_locale() -> str:
    """The caller's language from ``Accept-Language`` (``id`` when it names neither)."""
    from flask import has_request_context, request

    if not has_request_context():
        return DEFAULT_LOCALE
    return best_locale(request.accept_languages)


def gettext(msgid: str, locale: str) -> str:
    return catalog(locale).gettext(msgid)


def render(value: Any, locale: str) -> Any:
    """``value`` in ``locale``: a :class:`Msg` or a catalogued text is translated (values too, when they are
    texts), and lists and mappings are translated item by item; anything else is returned as it is."""
    if isinstance(value, Msg):
        template = gettext(value.msgid, locale)
        if not value.params:
            return template
        params = {k: render(v, locale) if isinstance(v, Msg) else v for k, v in value.params.items()}
        return template.format(**params)
    if isinstance(value, str):
        return translate_text(value, locale)
    if isinstance(value, list | tuple):
        return [render(v, locale) for v in value]
    if isinstance(value, Mapping):
        return {k: render(v, locale) for k, v in value.items()}
    return value


def render_text(value: str, locale: str) -> str:
    """A notification text: a :class:`Msg` is translated; a plain ``str`` is what someone wrote and stays."""
    return render(value, locale) if isinstance(value, Msg) else value


# --- marshmallow / webargs validation messages ----------------------------------------------------------------
# marshmallow formats its messages before we see them ("Longer than maximum length 100."), so they are matched
# against their templates here, then the template is translated and filled again. Each has a stable code.
VALIDATION_TEMPLATES: tuple[tuple[str, str], ...] = (
    ("Missing data for required field.", "required"),
    ("Field may not be null.", "null"),
    ("Unknown field.", "unknown_field"),
    ("Invalid input type.", "invalid_type"),
    ("Invalid type.", "invalid_type"),
    ("Invalid value.", "invalid"),
    ("Invalid input.", "invalid"),
    ("Not a valid string.", "invalid_string"),
    ("Not a valid utf-8 string.", "invalid_string"),
    ("Not a valid integer.", "invalid_integer"),
    ("Not a valid number.", "invalid_number"),
    ("Number too large.", "too_large"),
    ("Special numeric values (nan or infinity) are not permitted.", "invalid_number"),
    ("Not a valid boolean.", "invalid_boolean"),
    ("Not a valid date.", "invalid_date"),
    ("Not a valid datetime.", "invalid_datetime"),
    ("Not a valid aware datetime.", "invalid_datetime"),
    ("Not a valid naive datetime.", "invalid_datetime"),
    ("Not a valid time.", "invalid_time"),
    ("Not a valid list.", "invalid_list"),
    ("Not a valid tuple.", "invalid_list"),
    ("Not a valid mapping type.", "invalid_mapping"),
    ("Not a valid email address.", "invalid_email"),
    ("Not a valid URL.", "invalid_url"),
    ("Not a valid UUID.", "invalid_uuid"),
    ("Not a valid period of time.", "invalid_duration"),
    ("String does not match expected pattern.", "pattern"),
    ("Must be one of: {choices}.", "one_of"),
    ("Must be equal to {other}.", "equal"),
    ("One or more of the choices you made was not in: {choices}.", "one_of"),
    ("One or more of the choices you made was in: {values}.", "none_of"),
    ("Length must be between {min} and {max}.", "length"),
    ("Length must be {equal}.", "length"),
    ("Longer than maximum length {max}.", "too_long"),
    ("Shorter than minimum length {min}.", "too_short"),
    ("Must be greater than or equal to {min} and less than or equal to {max}.", "range"),
    ("Must be greater than or equal to {min} and less than {max}.", "range"),
    ("Must be greater than {min} and less than or equal to {max}.", "range"),
    ("Must be greater than {min} and less than {max}.", "range"),
    ("Must be greater than or equal to {min}.", "too_small"),
    ("Must be greater than {min}.", "too_small"),
    ("Must be less than or equal to {max}.", "too_large"),
    ("Must be less than {max}.", "too_large"),
    ('"{input}" cannot be formatted as a date.', "invalid_date"),
)


#: Texts of the framework (werkzeug's descriptions, HTTP status phrases) that can reach a person.
def edge_messages() -> list[str]:
    from http import HTTPStatus

    from werkzeug.exceptions import default_exceptions

    codes = (400, 401, 403, 404, 405, 408, 409, 412, 413, 415, 422, 429, 500, 503)
    texts = [default_exceptions[c].description for c in codes if c in default_exceptions]
    texts += [HTTPStatus(c).phrase for c in codes]
    texts += ["Unprocessable Entity"]
    return [t for t in texts if t]


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    return re.compile(f"^{regex}$", re.DOTALL)


_VALIDATION = [(_pattern(t), t, code) for t, code in VALIDATION_TEMPLATES]
_EXACT = {t: code for t, code in VALIDATION_TEMPLATES if "{" not in t}


def validation_message(text: str) -> tuple[str, dict[str, str]] | None:
    """(template, values) of a formatted marshmallow message, or None when it is not one."""
    if text in _EXACT:
        return text, {}
    for pattern, template, _code in _VALIDATION:
        m = pattern.match(text)
        if m and "{" in template:
            return template, m.groupdict()
    return None


def field_message(text: Any, locale: str, fallback_code: str) -> tuple[Any, str]:
    """One field message in ``locale`` and its machine code."""
    if isinstance(text, Msg):
        return render(text, locale), getattr(text, "code", None) or fallback_code
    if not isinstance(text, str):
        return text, fallback_code
    found = validation_message(text)
    if found is not None:
        template, values = found
        code = dict(VALIDATION_TEMPLATES)[template]
        return gettext(template, locale).format(**values) if values else gettext(template, locale), code
    return translate_text(text, locale), fallback_code
