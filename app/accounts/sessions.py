"""Log-in sessions: short-lived access JWTs and rotating refresh tokens.

A session row holds the id (``jti``) of the only refresh token that may be used next. Using it issues a new pair
and replaces the id. Presenting an older one means it was copied: the session is revoked, and both the thief and
the owner must log in again.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TypedDict

from flask import current_app
from flask_jwt_extended import create_access_token, create_refresh_token, decode_token
from jwt.exceptions import PyJWTError
from sqlalchemy import select, update

from app.accounts.models import AuthSession, User
from app.core.db import utcnow
from app.core.errors import Unauthorized
from app.extensions import db


def _refresh_lifetime() -> dt.timedelta:
    return dt.timedelta(days=current_app.config["REFRESH_TOKEN_DAYS"])


class IssuedTokens(TypedDict):
    """What a log-in, a registration or a refresh issued (``presenters.tokens`` makes the answer of it)."""

    access_token: str
    refresh_token: str
    #: Access token lifetime in seconds.
    expires_in: int
    user: User


def issue_tokens(user: User, session: AuthSession) -> IssuedTokens:
    """A new access token and a new refresh token for the session (the old refresh token stops working)."""
    session.refresh_jti = secrets.token_hex(16)
    session.last_used_at = user.last_active_at = utcnow()
    if user.retention_warned_at is not None:  # active again: the retention warning no longer applies
        user.retention_warned_at = None
    claims = {"sid": session.id, "role": user.role}
    access = create_access_token(identity=str(user.id), additional_claims=claims)
    refresh = create_refresh_token(
        identity=str(user.id),
        additional_claims={"sid": session.id, "jti": session.refresh_jti},
        expires_delta=_refresh_lifetime(),
    )
    return {
        "access_token": access,
        "refresh_token": refresh,
        "expires_in": current_app.config["ACCESS_TOKEN_MINUTES"] * 60,
        "user": user,
    }


def start_session(user: User, *, user_agent: str | None) -> IssuedTokens:
    now = utcnow()
    session = AuthSession(
        id=secrets.token_hex(16),
        user_id=user.id,
        refresh_jti="",
        created_at=now,
        expires_at=now + _refresh_lifetime(),
        user_agent=(user_agent or "")[:200] or None,
    )
    db.session.add(session)
    user.last_login_at = now
    tokens = issue_tokens(user, session)
    db.session.flush()
    return tokens


class RefreshReused(Unauthorized):
    """A rotated refresh token came back; the session has been revoked (the caller must commit that)."""


def rotate(refresh_token: str) -> IssuedTokens:
    """Trade a refresh token for a new pair. Raises ``Unauthorized`` (or ``RefreshReused``)."""
    try:
        payload = decode_token(refresh_token)
    except PyJWTError as exc:
        reason = "expired" if exc.__class__.__name__ == "ExpiredSignatureError" else "invalid"
        raise Unauthorized("The refresh token is invalid or has expired.", errors={"refresh_token": [reason]}) from None
    if payload.get("type") != "refresh" or "sid" not in payload:
        raise Unauthorized("A refresh token is required.", errors={"refresh_token": ["invalid"]})
    stmt = select(AuthSession).where(AuthSession.id == str(payload["sid"])).with_for_update()
    session = db.session.scalars(stmt).one_or_none()
    if session is None or session.revoked_at is not None or session.expires_at <= utcnow():
        raise Unauthorized("The session has ended. Log in again.", errors={"refresh_token": ["revoked"]})
    if not secrets.compare_digest(session.refresh_jti, str(payload.get("jti", ""))):
        revoke(session, reason="refresh_reuse")
        raise RefreshReused(
            "This refresh token was already used. The session has been closed; log in again.",
            errors={"refresh_token": ["reused"]},
        )
    user = db.session.get(User, session.user_id)
    if user is None or not user.is_active or str(user.id) != str(payload.get("sub")):
        raise Unauthorized("The account is not active.", errors={"refresh_token": ["inactive"]})
    tokens = issue_tokens(user, session)
    db.session.flush()
    return tokens


def revoke(session: AuthSession, *, reason: str) -> None:
    if session.revoked_at is None:
        session.revoked_at = utcnow()
        session.revoked_reason = reason
    db.session.flush()


def revoke_session_id(sid: str, *, reason: str) -> None:
    session = db.session.get(AuthSession, sid)
    if session is not None:
        revoke(session, reason=reason)


def revoke_all(user_id: int, *, reason: str, keep: str | None = None) -> int:
    """Revoke every open session of a user except ``keep``; returns how many."""
    stmt = update(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
    if keep is not None:
        stmt = stmt.where(AuthSession.id != keep)
    result = db.session.execute(stmt.values(revoked_at=utcnow(), revoked_reason=reason))
    return result.rowcount or 0
