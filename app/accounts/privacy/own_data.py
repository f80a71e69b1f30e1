"""The account's own part of "download my data", and what accounts erase themselves (``deletion.anonymise``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from app.accounts.models import AuthSession, User
from app.accounts.privacy import presenters, registry
from app.accounts.privacy.audit import list_for_subject
from app.accounts.privacy.models import PrivacyConsent, PrivacyNotice
from app.extensions import db


def export_account(user_id: int) -> Iterator[tuple[str, Any]]:
    user = db.session.get(User, user_id)
    if user is None:
        return
    yield (
        "account/profile.json",
        {
            "id": user.id,
            "name": user.name,
            "phone": user.phone,
            "email": user.email,
            "role": user.role,
            "home_area_code": user.home_area_code,
            "home_rw": user.home_rw,
            "created_at": user.created_at,
            "last_login_at": user.last_login_at,
            "last_active_at": user.last_active_at,
        },
    )
    sessions = db.session.scalars(
        select(AuthSession).where(AuthSession.user_id == user_id).order_by(AuthSession.created_at)
    )
    yield (
        "account/sessions.json",
        registry.JsonArray(
            {
                "created_at": s.created_at,
                "last_used_at": s.last_used_at,
                "expires_at": s.expires_at,
                "revoked_at": s.revoked_at,
                "revoked_reason": s.revoked_reason,
                "user_agent": s.user_agent,
            }
            for s in sessions
        ),
    )
    consents = db.session.execute(
        select(PrivacyNotice.version, PrivacyConsent.accepted_at)
        .join(PrivacyNotice, PrivacyNotice.id == PrivacyConsent.notice_id)
        .where(PrivacyConsent.user_id == user_id)
        .order_by(PrivacyConsent.id)
    )
    yield (
        "account/privacy_consents.json",
        [{"version": v, "accepted_at": at} for v, at in consents],
    )
    yield "account/identity_access_log.json", registry.JsonArray(_access_items(user_id))


def _access_items(user_id: int) -> Iterator[dict[str, Any]]:
    cursor = None
    while True:
        result = presenters.my_access_page(list_for_subject(user_id=user_id, cursor=cursor, limit=100))
        yield from result["items"]
        cursor = result["next_cursor"]
        if cursor is None:
            return


def register() -> None:
    registry.register_exporter("accounts", export_account)
