"""Authentication and role gates.

Tokens are issued by flask-jwt-extended (``app/accounts/sessions.py``). Each request verifies its access token once
with PyJWT (HS256 only, ``exp``/``sub``/``sid`` required, type ``access``) and then asks the principal loader for
the caller: the active user joined to the token's unrevoked session, so a revoked session (logout, refresh-token
reuse, password change) or a deactivated account stops working at once, not after 15 minutes. Role gates are
decorators; object-level checks are pure predicates in each feature's ``permissions.py``.

The loader belongs to ``app.accounts``, which registers it at app setup (``register_principal_loader``): this
module knows no accounts, only that a principal has an ``id`` and a ``role``. It is
``app.accounts.principal_cache.load_principal``, which answers read requests from a short per-process cache by
session id (``AUTH_SESSION_CACHE_SECONDS``) and documents the trade-off.
"""

from __future__ import annotations

import functools
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar, cast

import jwt as pyjwt
from flask import current_app, g, request

from app.core.errors import Forbidden, Unauthorized

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


#: ``loader(claims, fresh)``: the caller of verified access-token ``claims`` (anything with ``id`` and ``role``:
#: ``app.accounts.principal.Principal``), or None when the session has ended or the account is inactive; ``fresh``
#: asks the database even on a read request.
PrincipalLoader = Callable[[dict[str, Any], bool], Any]


def _no_loader(claims: dict[str, Any], fresh: bool) -> Any:
    raise RuntimeError("No principal loader: app.accounts registers it in register(app, api).")


_load_principal: PrincipalLoader = _no_loader


def register_principal_loader(loader: PrincipalLoader) -> None:
    """Say how to load the caller of a verified token (``app.accounts`` does, once, when it is registered)."""
    global _load_principal
    _load_principal = loader


def authenticate(*, fresh: bool = False) -> Any:
    """Verify the request's bearer token and remember the user for the rest of the request (``fresh``: ask the
    database even on a read request)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("Authentication required.", "missing")
    claims = decode_access_token(token.strip())
    user = _load_principal(claims, fresh)
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


def permission_required(predicate: Callable[[Any], bool], message: str) -> Callable[[F], F]:
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


def optional_user() -> Any:
    """The caller when a bearer token is sent, None for an anonymous caller. A bad token is still a 401: an app
    that believes it is signed in must learn that it is not. A caller is an ``app.accounts.principal.Principal``."""
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


def get_current_user() -> Any:
    """The signed-in user of this request, as a read-only snapshot (set by ``auth_required``): an
    ``app.accounts.principal.Principal``. ``app.accounts.principal_cache.load_current_user`` gives the ORM ``User``."""
    return g.balai_user


def get_claims() -> dict[str, Any]:
    """The verified access-token claims of this request (``sid`` is the session id)."""
    return g.balai_claims
