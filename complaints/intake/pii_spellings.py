"""Spellings of identifiers and contact data that lokal-id 0.7 misses, found with lokal's public parsers.

Residents write numbers the way they read them off a card or a phone screen. lokal-id finds most forms; these it
does not (checked against 0.7.2, see ``tests/complaints/test_screening.py``):

- a NIK or KK in dotted groups (``3273.0115.0885.0001``, ``32.73.01.150885.0001``) without a ``NIK:`` label;
- a mobile number without its trunk zero after a cue word (``telp 812 3456 7890``, ``hp/wa 812-3456-7890``),
  ``(+62) 812 …``, and groupings such as ``0812-345-67890``;
- e-mail addresses spelt with a spaced " at " / " dot " (``budi at gmail dot com``).

Each candidate is one run of digit groups (separated by a space, a dot or a hyphen, parentheses around a prefix).
It counts only when lokal's own validators accept it: ``lokal.is_valid_nik`` for 16 digits (or a NIK/KK cue word
right before it), ``lokal.parse_phone`` for phones (a valid mobile number of a known operator; a bare ``8…`` or a
landline only after a cue word). So amounts (``Rp 1.500.000``), dates, times (``08.15``), RT/RW numbers and
tracking numbers (``ADU-2026-000123``) never match: they are too short, start with the wrong digits or are glued
to letters.
"""

from __future__ import annotations

import re

import lokal

#: A run of digit groups: the first may carry "+" or sit in parentheses ("(+62)", "(022)"); groups are separated
#: by one space, dot or hyphen (" - " too). Not inside a word, a URL path or a longer number; possessive, so a run
#: glued to letters at its end is no match at all (rather than a shorter one).
_RUN = re.compile(
    r"(?<![\w.+\-/@])"
    r"(?:\(\s?\+?\d{1,5}\s?\)|\+\s?\d+|\d+)"
    r"(?:(?:[ \u00a0]?[.\-][ \u00a0]?|[ \u00a0])?(?:\(\d{1,5}\)|\d+))*+"
    r"(?![\w@])"
)
_DIGITS = re.compile(r"\d")
_NUMBER_CUE = re.compile(
    r"(?i)\b(?:hp|h\.p|wa|whatsapp|whats\s?app|telp|telpon|telepon|tlp|tlpn|tel|phone|no|nomor|nomer|kontak|"
    r"hubungi|sms|ponsel|handphone|hape)\b"
    r"[^\w\n]*(?:(?:hp|wa|telp|tlp|saya|aku|sy|ku|di|ke|nya|ya)\b[^\w\n]*){0,3}$"
)
_KK_CUE = re.compile(r"(?i)\b(?:kk|kartu\s+keluarga)\b[^\w\n]*(?:(?:no|nomor|nomer|saya|sy)\b[^\w\n]*){0,2}$")
_NIK_CUE = re.compile(r"(?i)\b(?:nik|ktp|e-?ktp|nomor\s+induk)\b[^\w\n]*(?:(?:no|nomor|saya|sy)\b[^\w\n]*){0,2}$")
#: "1.234.567": thousands separators, an amount.
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_CUE_WINDOW = 40

_AT = r"(?:\s+at\s+|\s*[\[({]\s*at\s*[\])}]\s*|\s*@\s*)"
_DOT = r"(?:\s*\.\s*|\s+dot\s+|\s*[\[({]\s*dot\s*[\])}]\s*)"
_SPACED_EMAIL = re.compile(
    rf"(?i)(?<![\w.@])[a-z0-9][a-z0-9._%+-]{{0,63}}{_AT}[a-z0-9][a-z0-9-]{{0,62}}(?:{_DOT}[a-z0-9-]{{2,63}})+\b"
)
_TLDS = frozenset(("com", "id", "net", "org", "info", "biz", "co", "io", "me", "edu", "gov", "mil", "xyz", "app"))


def _match(kind: str, text: str, start: int, end: int) -> lokal.PiiMatch:
    return lokal.PiiMatch(type=kind, start=start, end=end, value=text[start:end], confidence="high")


def _phone(run: str, digits: str, cued: bool) -> bool:
    """Whether a run of digit groups is a phone number (lokal's parser decides what is valid)."""
    first = re.match(r"\(?\s?\+?\d+", run).group()
    if "+" in run[:3] and not digits.startswith("62"):
        return False  # a foreign number, or not a number at all
    if digits.startswith("62"):
        national = "0" + digits[2:]
    elif digits.startswith("0"):
        national = digits
        if len(first.strip("( )")) < 3 and not cued:
            return False  # "08.15 09.15 10.15" is a timetable
    elif digits.startswith("8") and cued:
        national = "0" + digits
    else:
        return False
    if not 10 <= len(national) <= 13:
        return False
    info = lokal.parse_phone(national)
    if not info.valid:
        return False
    if info.type == "mobile":
        return bool(info.operator)  # a known operator prefix, not "0800…" or a made-up one
    return info.type == "landline" and cued


def find(text: str) -> list[lokal.PiiMatch]:
    """Candidates (possibly overlapping lokal's own) for the spellings above, all of ``high`` confidence."""
    out: list[lokal.PiiMatch] = []
    for m in _RUN.finditer(text):
        run = m.group()
        digits = "".join(_DIGITS.findall(run))
        if len(digits) < 9 or _THOUSANDS.fullmatch(run):
            continue
        before = text[max(0, m.start() - _CUE_WINDOW) : m.start()]
        if len(digits) == 16 and "+" not in run and "(" not in run:
            if _KK_CUE.search(before):
                out.append(_match("KK", text, m.start(), m.end()))
            elif _NIK_CUE.search(before) or lokal.is_valid_nik(digits):
                out.append(_match("NIK", text, m.start(), m.end()))
            continue
        if _phone(run, digits, bool(_NUMBER_CUE.search(before))):
            out.append(_match("PHONE", text, m.start(), m.end()))
    for m in _SPACED_EMAIL.finditer(text):
        last = re.split(_DOT, m.group(), flags=re.IGNORECASE)[-1].lower()
        if last in _TLDS:
            out.append(_match("EMAIL", text, m.start(), m.end()))
    return out
