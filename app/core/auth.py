"""Authentication and role gates.

Tokens are issued by flask-jwt-extended (``app/accounts/sessions.py``). Each request verifies its access token once
with PyJWT (HS256 only, ``exp``/``sub``/``sid`` required, type ``access``) and loads the user joined to the token's
session in one query, so a revoked session (logout, refresh-token reuse, password change) or a deactivated account
stops working at once, not after 15 minutes. Role gates are decorators; object-level checks are pure predicates in
each feature's ``permissions.py``.

Read requests (GET, HEAD, OPTIONS) may take that answer from a short per-process cache by session id
(``AUTH_SESSION_CACHE_SECONDS``, 5 s; 0 turns it off): the check was the one database round trip of many reads.
The trade-off, and what keeps it small:

- every write request (any other method) checks the session in the database, as before, and so do views marked
  ``auth_required(fresh=True)`` (``GET /me``, which shows the stored profile);
- a change in this process (logout, password change, deactivation, a role, scope or home change, account deletion)
  drops the affected entries when it is flushed and again when it commits (``app.accounts.principal_cache``), and a
  load that overlapped the change is not stored (``_generation``): this process's next read sees it;
- another process (gunicorn worker, server) may still accept a revoked session's token for reads, or show the old
  role, scope or home, for at most ``AUTH_SESSION_CACHE_SECONDS`` after the commit (plus the replica's delay when
  reads go to ``DATABASE_READ_URL``, which then applies to this process too).
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar, cast

import jwt as pyjwt
from flask import current_app, g, request
from sqlalchemy import bindparam, select

from app.core.cache import setting_ttl_cache
from app.core.db import SAFE_METHODS
from app.core.errors import Forbidden, Unauthorized
from app.core.principal import Principal
from app.extensions import db

F = TypeVar("F", bound=Callable[..., Any])

BEARER = [{"bearerAuth": []}]
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def _unauthorized(message: str, reason: str) -> Unauthorized:
    return Unauthorized(message, errors={"token": [reason]}, headers=_CHALLENGE)


_verified: OrderedDict[str, dict[str, Any]] = OrderedDict()
_VERIFIED_MAX = 20_000


def decode_access_token(token: str) -> dict[str, Any]:
    """The verified claims of an access token, or ``Unauthorized`` saying why not.

    A token verified once is remembered until it expires (the signature cannot change), which saves the HMAC and
    JSON work on every request of an app that sends the same token for 15 minutes.
    """
    claims = _verified.get(token)
    if claims is not None and claims["exp"] > time.time():
        return claims
    try:
        claims = pyjwt.decode(
            token,
            current_app.config["JWT_SECRET_KEY"],
            algorithms=["HS256"],
            options={"require": ["exp", "iat", "sub"]},
        )
    except pyjwt.ExpiredSignatureError:
        raise _unauthorized("The token has expired.", "expired") from None
    except pyjwt.PyJWTError:
        raise _unauthorized("The token is invalid.", "invalid") from None
    if claims.get("type") != "access" or not isinstance(claims.get("sid"), str):
        raise _unauthorized("The token is invalid.", "invalid")
    _verified[token] = claims
    if len(_verified) > _VERIFIED_MAX:
        _verified.popitem(last=False)
    return claims


@functools.cache
def _principal_query() -> Any:
    """The per-request user query (SQLAlchemy Core, built once: building a statement costs more than running it)."""
    from app.accounts.models import AuthSession, User

    users, sessions = User.__table__, AuthSession.__table__
    columns = [users.c[name] for name in Principal.__slots__]
    return (
        select(*columns)
        .join(sessions, sessions.c.user_id == users.c.id)
        .where(
            users.c.id == bindparam("user_id"),
            users.c.is_active.is_(True),
            sessions.c.id == bindparam("sid"),
            sessions.c.revoked_at.is_(None),
        )
    )


#: Principals of recently checked sessions, by session id (read requests only; see the module docstring).
_principals = setting_ttl_cache("AUTH_SESSION_CACHE_SECONDS", maxsize=50_000)
_principals_lock = threading.Lock()
#: Moves on every ``forget_principals``: a load that began before a change is not stored after it.
_generation = 0


def load_principal(claims: dict[str, Any], *, fresh: bool = False) -> Principal | None:
    """The active user whose (unrevoked) session the token belongs to, or None.

    A read request takes it from the per-process cache when it is there (unless ``fresh``); everything else asks
    the database. Only found principals are stored, never an ended session.
    """
    try:
        user_id = int(claims["sub"])
    except (TypeError, ValueError):
        return None
    sid = claims["sid"]
    cacheable = request.method in SAFE_METHODS
    if cacheable:
        with _principals_lock:
            hit = None if fresh else _principals.get(sid)
            generation = _generation
        if hit is not None and hit.id == user_id:
            return hit
    # On a read request, check the token on the thread's autocommit connection without an ORM session
    # (GET /me then costs one round trip and nothing else).
    conn = db.connection()
    row = conn.execute(_principal_query(), {"user_id": user_id, "sid": sid}).first()
    if row is None:
        return None
    principal = Principal(*row)
    if cacheable:
        with _principals_lock:
            if generation == _generation:
                _principals[sid] = principal
    return principal


def forget_principals(*, user_ids: Any = None, session_ids: Any = None) -> None:
    """Drop the cached principals of these users and sessions (both None: every one). Called by
    ``app.accounts.principal_cache`` whenever this process changes a session or what a principal holds."""
    global _generation
    with _principals_lock:
        _generation += 1
        if user_ids is None and session_ids is None:
            _principals.clear()
            return
        users, sids = set(user_ids or ()), set(session_ids or ())
        for sid in list(_principals):
            principal = _principals.get(sid)
            if sid in sids or (principal is not None and principal.id in users):
                _principals.pop(sid, None)


def authenticate(*, fresh: bool = False) -> Any:
    """Verify the request's bearer token and remember the user for the rest of the request (``fresh``: ask the
    database even on a read request)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("Authentication required.", "missing")
    claims = decode_access_token(token.strip())
    user = load_principal(claims, fresh=fresh)
    if user is None:
        raise _unauthorized("The session has ended. Log in again.", "revoked")
    # ``g`` belongs to the app context, which a test keeps across requests: remember which request this was for.
    g.balai_user, g.balai_claims, g.balai_environ = user, claims, request.environ
    return user


def _document_security(view: Any, security: list[dict[str, list[str]]]) -> None:
    apidoc = dict(getattr(view, "_apidoc", {}))
    apidoc["manual_doc"] = {**apidoc.get("manual_doc", {}), "security": security}
    view._apidoc = apidoc


def auth_required(*roles: str, fresh: bool = False) -> Callable[[F], F]:
    """Require a valid access token, and one of ``roles`` when given. Put it above the ``blp`` decorators, so an
    anonymous caller gets 401 before any validation error. ``fresh``: check the session and load the user from the
    database even on a read request (a view that shows the stored account itself)."""
    allowed = frozenset(str(r) for r in roles)

    def deco(fn: F) -> F:
        @functools.wraps(fn)
        def checked(*args: Any, **kwargs: Any) -> Any:
            user = authenticate(fresh=fresh)
            if allowed and user.role not in allowed:
                raise Forbidden("Your role does not allow this.")
            return fn(*args, **kwargs)

        _document_security(checked, BEARER)
        return cast(F, checked)

    return deco


def permission_required(predicate: Callable[[Principal], bool], message: str) -> Callable[[F], F]:
    """A gate that needs the caller but no object (``can_manage_categories``). Put it under ``auth_required`` and
    above the ``blp`` decorators, so a caller without the right gets 403 before any validation error."""

    def deco(fn: F) -> F:
        @functools.wraps(fn)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if not predicate(get_current_user()):
                raise Forbidden(message)
            return fn(*args, **kwargs)

        return cast(F, checked)

    return deco


def optional_user() -> Principal | None:
    """The caller when a bearer token is sent, None for an anonymous caller. A bad token is still a 401: an app
    that believes it is signed in must learn that it is not."""
    if g.get("balai_environ") is request.environ:
        return g.balai_user
    if not request.headers.get("Authorization"):
        return None
    return authenticate()


def auth_optional(fn: F) -> F:
    """Endpoints that answer everyone but show more to some callers; ``optional_user()`` tells who is calling."""

    @functools.wraps(fn)
    def checked(*args: Any, **kwargs: Any) -> Any:
        optional_user()
        return fn(*args, **kwargs)

    _document_security(checked, [{}, *BEARER])
    return cast(F, checked)


def get_current_user() -> Principal:
    """The signed-in user of this request, as a read-only snapshot (set by ``auth_required``)."""
    return g.balai_user


def load_current_user() -> Any:
    """The signed-in user as an ORM object, for the requests that change it (one more query)."""
    from app.accounts.models import User

    return db.session.get(User, g.balai_user.id)


def get_claims() -> dict[str, Any]:
    """The verified access-token claims of this request (``sid`` is the session id)."""
    return g.balai_claims
