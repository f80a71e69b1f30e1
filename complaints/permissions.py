"""Who may see and do what with a complaint. Pure predicates: no database, no request.

``user`` is a ``Principal`` (or ``User``) or None for an anonymous caller; ``complaint`` is anything with the
complaint's columns (an ORM object or a row). Staff "in scope" are the roles that look after complaints in an area
whose scope contains the complaint's desa (and RW, for an RW official), and the office handlers of an office with an
active stage on the complaint: the loader (``complaints.intake.access.attach_viewer_offices``) stores those offices
on the complaint as ``viewer_offices``. Asking about an active office handler and a complaint that was not loaded
that way is a programming error (``ViewerOfficesNotLoaded``), never a silent "handled by nobody".
"""

from __future__ import annotations

from typing import Any

from app.accounts.roles import Role
from app.areas.codes import area_contains, scope_key
from complaints.states import OPEN_STATUSES, PUBLIC_STATUSES, Status

#: Staff roles that see the complaints inside their area.
AREA_STAFF_ROLES = frozenset({Role.ADMIN, Role.MODERATOR, Role.VILLAGE_OFFICIAL, Role.RW_OFFICIAL})


def complaint_key(complaint: Any) -> str:
    """Where a complaint is, as a scope key: its desa, or desa + RW."""
    return scope_key(complaint.desa_code, complaint.rw)


def is_reporter(user: Any | None, complaint: Any) -> bool:
    return user is not None and user.id == complaint.reporter_id


#: Roles that moderate (verify, reject, validate resolutions) inside their area; they alone may also know who
#: filed an anonymous complaint (to handle abuse): other staff see "Anonim" too.
MODERATOR_ROLES = frozenset({Role.ADMIN, Role.MODERATOR})


def is_area_staff(user: Any | None, complaint: Any) -> bool:
    return bool(
        user is not None
        and user.is_active
        and user.role in AREA_STAFF_ROLES
        and user.scope
        and area_contains(user.scope, complaint_key(complaint))
    )


class ViewerOfficesNotLoaded(RuntimeError):
    """An office handler's rights were asked about a complaint loaded without ``attach_viewer_offices``."""


def handling_offices(user: Any | None, complaint: Any) -> frozenset[int]:
    """The offices through which ``user`` (an office handler) handles the complaint (see the module docstring)."""
    if user is None or user.role != Role.OFFICE_HANDLER or not user.is_active:
        return frozenset()
    try:
        return complaint.viewer_offices
    except AttributeError:
        raise ViewerOfficesNotLoaded(
            "Load the complaint with complaints.intake.access.attach_viewer_offices before asking about an office "
            "handler's rights."
        ) from None


def is_handler(user: Any | None, complaint: Any) -> bool:
    """A member of the lead office or of a co-handling office."""
    return bool(handling_offices(user, complaint))


def is_lead_handler(user: Any | None, complaint: Any) -> bool:
    """A member of the office leading the handling: accepts, assigns, transfers, resolves."""
    return complaint.office_id is not None and complaint.office_id in handling_offices(user, complaint)


def can_assign_stage(user: Any | None, complaint: Any, office_id: int) -> bool:
    """Members of an office with a stage on the complaint assign that stage (the lead office its lead stage, a
    co-handling office its own)."""
    return office_id in handling_offices(user, complaint)


def can_end_co_handling(user: Any | None, complaint: Any, office_id: int) -> bool:
    """The lead office ends any co-handling; a co-handling office ends its own."""
    return is_lead_handler(user, complaint) or office_id in handling_offices(user, complaint)


def is_staff_in_scope(user: Any | None, complaint: Any) -> bool:
    return is_area_staff(user, complaint) or is_handler(user, complaint)


def can_moderate(user: Any | None, complaint: Any) -> bool:
    """Moderators and admins whose area contains the complaint."""
    return is_area_staff(user, complaint) and user.role in MODERATOR_ROLES


def is_publicly_visible(complaint: Any) -> bool:
    """Public and verified or later (the ``is_listed`` column holds the same answer for rows)."""
    return bool(complaint.is_public) and Status(complaint.status) in PUBLIC_STATUSES


def can_view(user: Any | None, complaint: Any) -> bool:
    return is_publicly_visible(complaint) or is_reporter(user, complaint) or is_staff_in_scope(user, complaint)


def sees_original(user: Any | None, complaint: Any) -> bool:
    """The reporter and staff in scope read the texts as written; everyone else the masked copies."""
    return is_reporter(user, complaint) or is_staff_in_scope(user, complaint)


def sees_reporter_identity(user: Any | None, complaint: Any) -> bool:
    """Who may see the reporter's name: the reporter; staff in scope unless the complaint is anonymous, in which
    case only moderators and admins (never phone, e-mail or address: staff reach the reporter through messages)."""
    if is_reporter(user, complaint):
        return True
    if not is_staff_in_scope(user, complaint):
        return False
    return not complaint.is_anonymous or user.role in MODERATOR_ROLES


def sees_screening(user: Any | None, complaint: Any) -> bool:
    """Screening flags are for staff in scope, not for the reporter or the public."""
    return is_staff_in_scope(user, complaint)


def can_add_photo(user: Any | None, complaint: Any) -> bool:
    """Only the reporter adds intake photos (whether the status still allows it is checked by the service)."""
    return is_reporter(user, complaint)


def can_withdraw(user: Any | None, complaint: Any) -> bool:
    """Only the reporter withdraws (the state machine decides whether the status still allows it)."""
    return is_reporter(user, complaint)


def can_support(user: Any | None, complaint: Any) -> bool:
    """Anyone signed in except the reporter, on a public complaint that is still open."""
    return (
        user is not None
        and not is_reporter(user, complaint)
        and is_publicly_visible(complaint)
        and Status(complaint.status) in OPEN_STATUSES
    )


def can_read_conversation(user: Any | None, complaint: Any) -> bool:
    return is_reporter(user, complaint) or is_staff_in_scope(user, complaint)


def can_read_internal_notes(user: Any | None, complaint: Any) -> bool:
    return is_staff_in_scope(user, complaint)


def can_post_message(user: Any | None, complaint: Any, *, visibility: str) -> bool:
    """The reporter writes shared messages; staff in scope write shared messages and internal notes."""
    if visibility == "internal":
        return is_staff_in_scope(user, complaint)
    return is_reporter(user, complaint) or is_staff_in_scope(user, complaint)


def can_reopen(user: Any | None, complaint: Any) -> bool:
    """Only the reporter says "belum beres" (``complaints.follow_up`` decides whether it is still possible)."""
    return is_reporter(user, complaint)


def can_rate(user: Any | None, complaint: Any) -> bool:
    """Only the reporter rates; nobody rates on their behalf (status and "once" are the service's checks)."""
    return is_reporter(user, complaint)


def sees_history_notes(user: Any | None, complaint: Any) -> bool:
    """Notes in the history are written to the reporter and may name them: the reporter and staff in scope."""
    return sees_original(user, complaint)


def sees_rating_comment(user: Any | None, complaint: Any) -> bool:
    """A rating's comment is the reporter's free text, never masked: the reporter and staff in scope."""
    return sees_original(user, complaint)


def can_answer_info_request(user: Any | None, complaint: Any) -> bool:
    """Only the reporter answers a moderator's request for more information."""
    return is_reporter(user, complaint)


def can_read_redactions(user: Any | None, complaint: Any) -> bool:
    """The texts as first written, before a redaction, are for admins of the complaint's area only."""
    return can_moderate(user, complaint) and user.role == Role.ADMIN


#: Who reads complaint statistics: area staff (inside their area) and office handlers (their offices' complaints).
STATS_ROLES = AREA_STAFF_ROLES | {Role.OFFICE_HANDLER}


def can_view_stats(user: Any | None) -> bool:
    return bool(user is not None and user.is_active and user.role in STATS_ROLES and user.scope)


def can_view_stats_of_area(user: Any | None, area_code: str) -> bool:
    """Statistics of an area: only one inside the caller's own scope."""
    return can_view_stats(user) and area_contains(user.scope, area_code)
