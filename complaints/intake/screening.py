"""Screening at submission: flags for moderators, never a rejection.

Two checks: abusive words (``wordlist``), found through look-alike characters and spelling games, and personal data
(``pii``), which is also masked in the public copies of the texts.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from complaints.intake import pii
from complaints.intake.wordlist import ABUSIVE_WORDS

FLAG_ABUSIVE = "abusive_language"
FLAG_PII = "personal_data"

#: Characters people write instead of letters. "1", "|" and "!" may be an i or an l: both are tried.
_LEET = {
    "4": "a",
    "@": "a",
    "3": "e",
    "0": "o",
    "5": "s",
    "$": "s",
    "7": "t",
    "+": "t",
    "9": "g",
    "6": "g",
    "8": "b",
    "€": "e",
    "£": "l",
}
_AMBIGUOUS = {"1": "il", "|": "il", "!": "il"}
#: Cyrillic and Greek letters that look like Latin ones.
_HOMOGLYPHS = str.maketrans(
    # Cyrillic look-alikes of a b e k m h o p c t y x i j s d, the Latin script g, Greek a b e i k v o p t u x
    "\u0430\u0432\u0435\u043a\u043c\u043d\u043e\u0440\u0441\u0442\u0443\u0445\u0456\u0458\u0455\u0501"
    "\u0261\u03b1\u03b2\u03b5\u03b9\u03ba\u03bd\u03bf\u03c1\u03c4\u03c5\u03c7",
    "abekmhopctyxijsdgabeikvoptux",
)
#: Token separators. ".", "-", "_", "*" separate too, so "a.n.j.i.n.g" becomes single letters joined back below.
_SPLIT = re.compile(r"[\s,;:?\"'()\[\]{}<>/\\.\-_*~=#%^&]+")
_REPEATS = re.compile(r"(.)\1+")
_NOT_LETTER = re.compile(r"[^a-z]")

_PREFIXES = ("", "di", "ke", "nge", "ng", "se", "me", "pe")
_SUFFIXES = ("", "nya", "lah", "kah", "mu", "ku", "lu", "in", "an", "kan", "i", "tuh", "deh", "nye")


def _collapse(word: str) -> str:
    return _REPEATS.sub(r"\1", word)


def _variants() -> tuple[dict[str, str], dict[str, str]]:
    """Every spelling to look for, mapped to its base word: as written, and with stretched letters collapsed.

    Short words match only as they are. A variant whose affix doubles a letter at the join ("se" + "edan") is left
    out of the collapsed table, or "sedan" would read as "s-edan".
    """
    exact: dict[str, str] = {}
    collapsed: dict[str, str] = {}
    for word in ABUSIVE_WORDS:
        affixes = itertools.product(_PREFIXES, _SUFFIXES) if len(word) >= 4 else [("", "")]
        for pre, suf in affixes:
            variant = pre + word + suf
            exact.setdefault(variant, word)
            if not (pre and pre[-1] == word[0]) and not (suf and suf[0] == word[-1]):
                collapsed.setdefault(_collapse(variant), word)
    return exact, collapsed


_EXACT, _COLLAPSED = _variants()


def _fold(text: str) -> str:
    """Lower case, accents removed, Cyrillic/Greek look-alikes turned into Latin letters."""
    text = text.lower()
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text.translate(_HOMOGLYPHS))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).translate(_HOMOGLYPHS)


def _spellings(token: str) -> list[str]:
    """A token with look-alike characters read as letters (both readings of an ambiguous one), letters only."""
    if token.isalpha() and token.isascii():
        return [token]
    token = token.strip("!?.")  # "anjing!" is an exclamation, not an "anjingi"
    if not token:
        return []
    base = "".join(_LEET.get(ch, ch) for ch in token)
    slots = [i for i, ch in enumerate(base) if ch in _AMBIGUOUS]
    if not slots:
        return [_NOT_LETTER.sub("", base)]
    out = []
    for choice in itertools.islice(itertools.product(*(_AMBIGUOUS[base[i]] for i in slots)), 16):
        chars = list(base)
        for i, letter in zip(slots, choice, strict=True):
            chars[i] = letter
        out.append(_NOT_LETTER.sub("", "".join(chars)))
    return out


def _words(text: str) -> list[list[str]]:
    """Candidate spellings per token, plus runs of single letters joined back ("a n j i n g", "a.n.j.i.n.g")."""
    tokens = [t for t in _SPLIT.split(_fold(text)) if t]
    out: list[list[str]] = []
    run: list[list[str]] = []
    for tok in [*tokens, ""]:
        spelled = _spellings(tok) if tok else []
        if spelled and all(len(s) == 1 for s in spelled):
            run.append(spelled)
            continue
        if len(run) >= 3:
            out.append(["".join(letters) for letters in itertools.islice(itertools.product(*run), 16)])
        run = []
        if spelled:
            out.append(spelled)
    return out


def abusive_terms(text: str) -> list[str]:
    """The base forms of abusive words found in ``text``, in order of first appearance."""
    found: dict[str, None] = {}
    for spellings in _words(text):
        for s in spellings:
            hit = _EXACT.get(s) or _COLLAPSED.get(_collapse(s))
            if hit:
                found.setdefault(hit, None)
                break
    return list(found)


@dataclass
class ScreenedText:
    """The public copy of one text (None when nothing had to be masked) and what was found in it."""

    public: str | None
    pii_types: list[str] = field(default_factory=list)


@dataclass
class Screening:
    flags: list[str]
    abusive_terms: list[str]
    pii_types: list[str]
    texts: dict[str, ScreenedText]

    def as_json(self) -> dict[str, Any]:
        return {"flags": self.flags, "abusive_terms": self.abusive_terms, "pii_types": self.pii_types}


def screen_text(text: str | None) -> ScreenedText:
    if not text:
        return ScreenedText(public=None)
    matches = pii.find_pii(text)
    if not matches:
        return ScreenedText(public=None)
    return ScreenedText(public=pii.mask(text, matches), pii_types=sorted({m.type for m in matches}))


def screen(**texts: str | None) -> Screening:
    """Screen the named texts (title, description, address) of a submission."""
    screened = {name: screen_text(value) for name, value in texts.items()}
    terms: dict[str, None] = {}
    for value in texts.values():
        if value:
            for term in abusive_terms(value):
                terms.setdefault(term, None)
    pii_types = sorted({t for s in screened.values() for t in s.pii_types})
    flags = [name for name, on in ((FLAG_ABUSIVE, bool(terms)), (FLAG_PII, bool(pii_types))) if on]
    return Screening(flags=flags, abusive_terms=list(terms), pii_types=pii_types, texts=screened)
