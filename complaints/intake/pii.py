"""Personal data in complaint texts: lokal-id's detectors for identifiers and contact data, and public masking.

Complaints name streets, schools and officials by design, so only identifiers and contact data count here: NIK, KK,
NPWP, passport, SIM, BPJS, phone, e-mail, bank account, card and plate numbers (not names or addresses).

``lokal.detect_pii(types=...)`` runs all of its 40-odd detectors and filters afterwards (about 0.7 ms for a short
description). ``find_pii`` runs only the detectors that can produce the types above, with the same candidate
ranking and overlap rule, which gives the same matches in a fifth of the time; ``tests/complaints/test_screening.py``
checks the equivalence on a corpus. The detectors come from ``lokal_adapter`` (lokal-id has no public way to pick
them); if lokal-id's internals change shape, it falls back to ``detect_pii``. To
lokal's candidates it adds the spellings lokal misses (``pii_spellings``: dotted NIK/KK, phones without the trunk
zero after a cue word, spaced " at " e-mails), found with lokal's public validators.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import lokal

from complaints.intake import lokal_adapter, pii_spellings

PII_TYPES: tuple[str, ...] = (
    "NIK",
    "KK",
    "NPWP",
    "PASSPORT",
    "SIM",
    "BPJS",
    "PHONE",
    "EMAIL",
    "BANK_ACCOUNT",
    "CARD",
    "PLATE",
)

#: What replaces each kind of value in public views.
LABELS = {
    "NIK": "[NIK disembunyikan]",
    "KK": "[nomor KK disembunyikan]",
    "NPWP": "[NPWP disembunyikan]",
    "PASSPORT": "[nomor paspor disembunyikan]",
    "SIM": "[nomor SIM disembunyikan]",
    "BPJS": "[nomor BPJS disembunyikan]",
    "PHONE": "[nomor telepon disembunyikan]",
    "EMAIL": "[e-mail disembunyikan]",
    "BANK_ACCOUNT": "[nomor rekening disembunyikan]",
    "CARD": "[nomor kartu disembunyikan]",
    "PLATE": "[pelat nomor disembunyikan]",
}

_FAST = lokal_adapter.fast_path()
_WANTED = frozenset(PII_TYPES)


def _lokal_candidates(text: str) -> list[Any]:
    """lokal-id's candidate matches for PII_TYPES, before its overlap rule (its full run when the fast path is off)."""
    if _FAST is None:
        return lokal.detect_pii(text, types=PII_TYPES)
    detectors, astral = _FAST
    if astral.search(text) is not None:  # emoji: lokal maps UTF-16 offsets back to characters itself
        return lokal.detect_pii(text, types=PII_TYPES)
    return [m for fn in detectors for m in fn(text) if m.end > m.start and m.type in _WANTED]


def _resolve(candidates: list[Any], length: int) -> list[Any]:
    """lokal's rule: confident first, then longer; drop anything overlapping an accepted match. (Medium is the
    lowest confidence detect_pii keeps by default, so nothing is dropped for confidence.) Ties keep list order."""
    candidates = sorted(candidates, key=lambda m: (-(2 if m.confidence == "high" else 1), -(m.end - m.start), m.start))
    taken = bytearray(length + 1)
    accepted = []
    for c in candidates:
        if any(taken[c.start : c.end]):
            continue
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)
        accepted.append(c)
    accepted.sort(key=lambda m: m.start)
    return accepted


def lokal_pii(text: str) -> list[Any]:
    """What ``lokal.detect_pii(text, types=PII_TYPES)`` answers, faster."""
    return _resolve(_lokal_candidates(text), len(text)) if text else []


def find_pii(text: str) -> list[Any]:
    """Identifiers and contact data in ``text`` (lokal ``PiiMatch`` objects, in reading order, non-overlapping):
    lokal-id's matches and the spellings it misses (``pii_spellings``), under lokal's overlap rule. Masking and the
    moderators' flag both come from here."""
    if not text:
        return []
    return _resolve([*_lokal_candidates(text), *pii_spellings.find(text)], len(text))


def mask(text: str, matches: Sequence[Any]) -> str:
    """``text`` with each match replaced by its label."""
    out, cursor = [], 0
    for m in matches:
        out.append(text[cursor : m.start])
        out.append(LABELS.get(m.type, "[disembunyikan]"))
        cursor = m.end
    out.append(text[cursor:])
    return "".join(out)


def masked_name(name: str) -> str:
    """A reporter's name as the public sees it: initials kept, the rest starred ("Siti Rahmawati" → "S*** R***")."""
    words = name.split()
    if not words:
        return "Warga"
    return lokal.partial_mask("NAME", " ".join(words))
