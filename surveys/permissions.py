"""Who may build, see, answer and read the results of a survey: pure predicates (no database, no request).

The one scope rule: staff may target area key T (``scope_key(area, rw)``) iff ``area_contains(principal.scope, T)``.
Editors and admins build surveys and polls; village and RW officials build polls only (their scope is their desa
or RW). Residents see the published and closed surveys whose target contains their home. Anything a caller may not
see answers 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.accounts.roles import Role
from app.areas.codes import area_contains
from surveys.states import CLOSED, POLL, PUBLISHED, RESIDENT_VISIBLE, RESULTS_AFTER_CLOSE, RESULTS_RESPONDENTS

BUILDER_ROLES = frozenset({Role.EDITOR, Role.ADMIN})
POLL_ROLES = frozenset({Role.VILLAGE_OFFICIAL, Role.RW_OFFICIAL})
STAFF_ROLES = BUILDER_ROLES | POLL_ROLES


def may_build_any(user: Any) -> bool:
    """Whether the caller builds surveys or polls at all (the gate before any input is read)."""
    return user.role in STAFF_ROLES and user.scope is not None


def may_target(user: Any, *, kind: str, target_key: str) -> bool:
    """Whether the caller may create or manage a ``kind`` aimed at the area key ``target_key``."""
    if user.scope is None:
        return False
    if user.role in BUILDER_ROLES or (user.role in POLL_ROLES and kind == POLL):
        return area_contains(user.scope, target_key)
    return False


def can_manage(user: Any, survey: Any) -> bool:
    return may_target(user, kind=survey.kind, target_key=survey.area_key)


def can_view_as_staff(user: Any, survey: Any) -> bool:
    """Staff in scope read a survey in any state, its results and its exports."""
    return user.role in STAFF_ROLES and user.scope is not None and area_contains(user.scope, survey.area_key)


def is_targeted(user: Any, survey: Any) -> bool:
    """Whether the caller's home lies inside the survey's target area."""
    return user.home is not None and area_contains(survey.area_key, user.home)


def can_see(user: Any, survey: Any) -> bool:
    return can_view_as_staff(user, survey) or (survey.status in RESIDENT_VISIBLE and is_targeted(user, survey))


def is_open(survey: Any, now: dt.datetime) -> bool:
    return survey.status == PUBLISHED and survey.opens_at <= now < survey.closes_at


def can_answer(user: Any, survey: Any) -> bool:
    """Residents of the target area (whether the window is open is checked apart: a 409, not a 404)."""
    return user.role == Role.RESIDENT and is_targeted(user, survey) and survey.status in RESIDENT_VISIBLE


def resident_sees_results(survey: Any, *, answered: bool) -> bool:
    """What the survey allows a resident who sees it: after answering, or everyone once it is closed."""
    if survey.results_visibility == RESULTS_RESPONDENTS:
        return answered
    if survey.results_visibility == RESULTS_AFTER_CLOSE:
        return survey.status == CLOSED
    return False


def can_see_results(user: Any, survey: Any, *, answered: bool) -> bool:
    if can_view_as_staff(user, survey):
        return True
    return (
        survey.status in RESIDENT_VISIBLE
        and is_targeted(user, survey)
        and resident_sees_results(survey, answered=answered)
    )


def sees_text_answers(user: Any, survey: Any) -> bool:
    """Free-text answers may name people or places: staff in scope only."""
    return can_view_as_staff(user, survey)
