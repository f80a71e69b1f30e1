"""The answers of ``/auth``, ``/me`` and ``/users`` as plain dicts, in exactly the documented shapes
(``app.accounts.schemas``): the own profile, a staff account and the token answer. Pure functions over what the
services and queries loaded; ``app.core.responses.json_response`` writes them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.accounts.privacy import presenters as privacy

#: The only token type Balai issues.
TOKEN_TYPE = "Bearer"


def me(u: Any) -> dict[str, Any]:
    """``MeSchema``: the caller's own profile, phone and e-mail included (a ``User`` or the request's
    ``Principal``)."""
    return {
        "id": u.id,
        "name": u.name,
        "phone": u.phone,
        "email": u.email,
        "role": u.role,
        "home_area_code": u.home_area_code,
        "home_rw": u.home_rw,
        "scope_area_code": u.scope_area_code,
        "scope_rw": u.scope_rw,
        "created_at": u.created_at,
    }


def staff(u: Any) -> dict[str, Any]:
    """``StaffSchema``: a staff account as the staff member managing it sees it."""
    out = me(u)
    out.update(is_active=u.is_active, last_login_at=u.last_login_at, created_by_id=u.created_by_id)
    return out


def staff_page(result: Mapping[str, Any]) -> dict[str, Any]:
    return {"items": [staff(u) for u in result["items"]], "next_cursor": result["next_cursor"]}


def tokens(issued: Mapping[str, Any], *, consent: Mapping[str, Any]) -> dict[str, Any]:
    """``TokenSchema``: the tokens ``sessions`` issued, the account's profile and its consent state."""
    return {
        "access_token": issued["access_token"],
        "refresh_token": issued["refresh_token"],
        "token_type": TOKEN_TYPE,
        "expires_in": issued["expires_in"],
        "user": me(issued["user"]),
        "privacy": privacy.consent_state(consent),
    }


def sessions_revoked(count: int) -> dict[str, Any]:
    """``SessionsRevokedSchema``: how many sessions ended."""
    return {"revoked": count}
