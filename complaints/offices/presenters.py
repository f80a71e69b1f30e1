"""The answers of offices as plain dicts, in exactly the documented shapes (``offices.schemas``): an office, the
three references to one (``OfficeNameSchema`` ⊂ ``OfficeRefSchema`` ⊂ ``ActiveOfficeRefSchema``) and a membership.
Pure functions; ``app.core.responses.json_response`` writes them."""

from __future__ import annotations

from typing import Any

from complaints.offices.permissions import can_join


def office(o: Any) -> dict[str, Any]:
    """An office as its admins and members see it (``OfficeSchema``)."""
    return {
        "id": o.id,
        "code": o.code,
        "name": o.name,
        "area_code": o.area_code,
        "parent_id": o.parent_id,
        "is_active": o.is_active,
        "created_at": o.created_at,
        "updated_at": o.updated_at,
    }


def office_name(o: Any) -> dict[str, Any]:
    """Who handles a complaint, as residents see it (``OfficeNameSchema``)."""
    return {"id": o.id, "name": o.name}


def office_ref(o: Any) -> dict[str, Any]:
    """The office next to a complaint, a stage or a rule, as staff see it (``OfficeRefSchema``)."""
    return {**office_name(o), "code": o.code}


def active_office_ref(o: Any) -> dict[str, Any]:
    """``office_ref`` with whether the office is active (``ActiveOfficeRefSchema``: routing skips inactive ones)."""
    return {**office_ref(o), "is_active": o.is_active}


def member(m: Any, account: Any, o: Any) -> dict[str, Any]:
    """A membership of office ``o`` (``MemberSchema``); ``account`` is the member's ``User``. It is effective while
    the account still qualifies (``permissions.can_join``): deactivated, another role or moved out of the office's
    reach, it grants nothing."""
    return {
        "user_id": m.user_id,
        "name": account.name,
        "is_head": m.is_head,
        "is_effective": can_join(account, o),
        "created_at": m.created_at,
    }
