"""Consent to the privacy notice: published versions, what a user accepted and when.

The newest published notice is the current one. Registration may carry the version the app showed (it is then
recorded as accepted); every token answer (register, log-in, refresh) says ``privacy.consent_required`` when the
current version has not been accepted, and the app shows the notice and calls ``POST /me/privacy-consent``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.accounts.privacy.models import PrivacyConsent, PrivacyNotice
from app.core.db import flush_unique, utcnow
from app.core.errors import Conflict
from app.extensions import db


def current_notice() -> PrivacyNotice | None:
    return db.session.scalars(select(PrivacyNotice).order_by(PrivacyNotice.id.desc()).limit(1)).first()


def state(user_id: int) -> dict[str, Any]:
    """``{current_version, accepted_version, accepted_at, consent_required}`` for the token answers and ``/me``."""
    notice = current_notice()
    accepted = db.session.execute(
        select(PrivacyNotice.id, PrivacyNotice.version, PrivacyConsent.accepted_at)
        .join(PrivacyConsent, PrivacyConsent.notice_id == PrivacyNotice.id)
        .where(PrivacyConsent.user_id == user_id)
        .order_by(PrivacyNotice.id.desc())
        .limit(1)
    ).first()
    return {
        "current_version": notice.version if notice else None,
        "accepted_version": accepted.version if accepted else None,
        "accepted_at": accepted.accepted_at if accepted else None,
        "consent_required": notice is not None and (accepted is None or accepted.id != notice.id),
    }


def outdated(version: str) -> Conflict:
    return Conflict(
        "This is not the current privacy notice: show the current one and try again.",
        errors={"version": ["Not the current version."]},
        code="privacy_notice_outdated",
    )


def accept(*, user_id: int, version: str) -> dict[str, Any]:
    """Record that the user accepted ``version``, which must be the current one (409 otherwise); idempotent."""
    notice = current_notice()
    if notice is None or notice.version != version:
        raise outdated(version)
    exists = db.session.scalar(
        select(PrivacyConsent.id).where(PrivacyConsent.user_id == user_id, PrivacyConsent.notice_id == notice.id)
    )
    if exists is None:
        row = PrivacyConsent(user_id=user_id, notice_id=notice.id, accepted_at=utcnow())
        flush_unique(db.session, row, conflict=lambda: Conflict("Already accepted."))
    return state(user_id)


def publish(*, actor_id: int | None, data: dict[str, Any]) -> PrivacyNotice:
    """A new notice version; it becomes current at once, so everyone is asked again at their next log-in."""
    notice = PrivacyNotice(**data, published_by_id=actor_id, published_at=utcnow())

    def conflict() -> Conflict:
        return Conflict(
            "This version was already published.",
            errors={"version": ["Already published."]},
            code="privacy_notice_exists",
        )

    if db.session.scalar(select(PrivacyNotice.id).where(PrivacyNotice.version == data["version"])) is not None:
        raise conflict()
    flush_unique(db.session, notice, conflict=conflict)
    return notice


def list_notices() -> list[PrivacyNotice]:
    return list(db.session.scalars(select(PrivacyNotice).order_by(PrivacyNotice.id.desc()).limit(100)))
