"""The only place Balai touches lokal-id's private attributes.

``lokal.detect_pii(types=...)`` (the public API) runs all of its 40-odd detectors and filters afterwards.
``complaints.intake.pii`` runs only the detectors that can produce its types, with the same ranking and overlap
rule: the same matches in a fifth of the time. lokal-id has no public way to choose detectors, so this module picks
them from ``lokal.samaran.detectors._DETECTORS`` by name. When their shape changes ``fast_path()`` answers None and
``pii`` falls back to ``detect_pii`` (same answers, slower); ``tests/complaints/test_lokal_adapter.py`` fails then,
and on a version other than ``LOKAL_ID_VERSION``, so re-check this file before changing the pin.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

#: The lokal-id release this was checked against (requirements.txt pins the same).
LOKAL_ID_VERSION = "0.7.2"

#: lokal-id detectors that can emit one of PII_TYPES: fixed-type ones, and the label/table parsers whose type comes
#: from a field name ("NIK:", "No. HP").
DETECTOR_NAMES = frozenset(
    {
        "_detect_digit_runs",
        "_detect_npwp_formatted",
        "_detect_passports",
        "_detect_phones",
        "_detect_emails",
        "_detect_plates",
        "_detect_glued_ids",
        "_detect_card_codes",
        "_detect_spoken_phones",
        "_detect_stacked_labels",
        "_detect_colonless_labels",
        "_detect_html",
        "_detect_hl7",
        "_detect_sql_inserts",
        "_detect_labeled_fields",
        "_detect_csv_columns",
        "_detect_tab_tables",
    }
)


def fast_path() -> tuple[Sequence[Callable[[str], list[Any]]], Any] | None:
    """lokal-id's detectors named in ``DETECTOR_NAMES`` (in lokal's order) and its astral-character pattern, or
    None when lokal-id's internals no longer have that shape."""
    try:
        from lokal.samaran import detectors as d

        chosen = [fn for fn in d._DETECTORS if fn.__name__ in DETECTOR_NAMES]
        astral = d._ASTRAL
    except (ImportError, AttributeError):
        return None
    if len(chosen) != len(DETECTOR_NAMES):
        return None
    return chosen, astral
