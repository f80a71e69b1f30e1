"""Fixtures for the personal-data tests: storage in a temporary directory, a published privacy notice."""

from __future__ import annotations

import pytest

from app.accounts.privacy import consent
from app.core.storage import LocalStorage
from app.extensions import db


@pytest.fixture(autouse=True)
def _fresh_storage(storage: LocalStorage) -> LocalStorage:
    """Photos and export archives go to a fresh directory per test (the suite's ``storage`` fixture)."""
    return storage


def publish(version: str = "2026-01") -> None:
    consent.publish(
        actor_id=None,
        data={
            "version": version,
            "title_id": f"Pemberitahuan Privasi {version}",
            "title_en": f"Privacy Notice {version}",
            "body_id": "Kami memproses data pribadi Anda untuk menangani aduan.",
            "body_en": "We process your personal data to handle complaints.",
        },
    )
    db.session.commit()
