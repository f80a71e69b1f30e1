"""An office's inbox (``GET /offices/{id}/inbox``) kept per process and dropped in every process when the office's
work changes: ``INBOX``, an ``app.core.user_state.UserState`` keyed by the office's id.

Many members read one office's inbox, again and again; a page changes when that office's work does. So its pages
and each reader's access to the office are kept (``queue.office_queue``) and dropped, in this process at once and in
every other at the commit (``LISTEN``/``NOTIFY``, as for a user's own state), by every ORM write that changes what
they show. ``_announce`` finds those writes at each flush, in one place:

- a handling stage added, changed or removed: its office (and the one it left, on a transfer);
- a complaint's shown fields changed (status, category, texts, place, photos): the offices with an active stage
  on it;
- a membership added, changed or removed, or the office itself changed: that office;
- a staff account's name, role, scope or activity changed: every office (an assignee's name is on the pages).

A page also stops being served once a deadline on it passes (its ``overdue`` flags), and every entry expires after
``OFFICE_INBOX_CACHE_SECONDS`` (5 s): what a bulk ``UPDATE`` changes, and a stage that becomes overdue on a page of
``overdue=true`` that does not show it yet, read that stale at most. Nothing is kept on SQLite.
"""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.roles import Role
from app.core import user_state
from complaints.intake.models import Complaint, HandlingStage
from complaints.offices.models import Office, OfficeMember

#: Pages are large (up to 100 items): at most 1,000 offices and 32 entries (pages and readers' access) per office.
INBOX = user_state.UserState("office_inbox", seconds="OFFICE_INBOX_CACHE_SECONDS", maxsize=1_000, max_keys=32)

#: Complaint attributes an inbox page shows (``queue.COLUMNS``).
SHOWN = ("status", "category_id", "title", "description", "address", "desa_code", "rw", "photo_count", "cover_photo_id")
#: Attributes of a staff account that an inbox page or its access check reads.
STAFF = ("name", "role", "scope_area_code", "scope_rw", "is_active")


def _changed(obj: Any, names: tuple[str, ...]) -> bool:
    state = inspect(obj)
    return any(state.attrs[n].history.has_changes() for n in names)


def _offices_of(obj: Any) -> set[int]:
    """The office an object belongs to now and, if it moved, the one it belonged to."""
    history = inspect(obj).attrs.office_id.history
    return {o for o in (obj.office_id, *history.deleted) if o is not None}


@event.listens_for(Session, "after_flush")
def _announce(session: Session, _context: Any) -> None:
    offices: set[int] = set()
    complaints: set[int] = set()
    everyone = False
    for obj in itertools.chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, HandlingStage | OfficeMember):
            offices |= _offices_of(obj)
        elif isinstance(obj, Office):
            offices.add(obj.id)
        elif isinstance(obj, Complaint):
            if obj not in session.new and _changed(obj, SHOWN):
                complaints.add(obj.id)
        elif isinstance(obj, User) and obj.role != Role.RESIDENT and _changed(obj, STAFF):
            everyone = True
    if everyone:
        user_state.changed_for_everyone(session, INBOX)
        return
    if complaints:
        active = select(HandlingStage.office_id).where(
            HandlingStage.complaint_id.in_(complaints), HandlingStage.is_active.is_(True)
        )
        offices.update(session.execute(active).scalars())
    if offices:
        user_state.changed_for_users(session, INBOX, offices)
