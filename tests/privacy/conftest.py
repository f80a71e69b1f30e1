"""Fixtures for the personal-data tests: storage in a temporary directory, a published privacy notice."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.accounts.privacy import consent
from app.core.storage import LocalStorage
from app.extensions import db


@pytest.fixture(autouse=True)
def storage(app, tmp_path) -> Iterator[LocalStorage]:
    """Photos and export archives go to a fresh directory per test."""
    previous = app.extensions.get("balai_storage")
    store = LocalStorage(tmp_path / "uploads")
    app.extensions["balai_storage"] = store
    yield store
    if previous is None:
        app.extensions.pop("balai_storage", None)
    else:
        app.extensions["balai_storage"] = previous


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
