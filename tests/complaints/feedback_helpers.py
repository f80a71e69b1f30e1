"""Complaints that went through handling, for the reporter-side tests: a lead stage, deadlines, closing times."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.core.db import utcnow
from app.extensions import db
from complaints.handling.stages import start_stage
from complaints.intake.models import Complaint, HandlingStage
from complaints.offices.models import Office
from tests.complaints.helpers import make_complaint
from tests.complaints.office_factories import office

DAY = dt.timedelta(days=1)


def handled(
    reporter: Any = None,
    *,
    status: str = "closed",
    lead: Office | None = None,
    closed_ago: dt.timedelta = DAY,
    **fields: Any,
) -> tuple[Complaint, Office, HandlingStage]:
    """A complaint in ``status`` with a lead stage started 20 days ago (responded); resolved and closed
    ``closed_ago`` before now when the status says so. Fields are set directly, as moderation would."""
    c = make_complaint(reporter, status=status, **fields)
    lead = lead or office("32.73")
    now = utcnow()
    stage = start_stage(complaint=c, office=lead, actor=None, now=now - 20 * DAY)
    stage.responded_at = c.first_response_at = now - 19 * DAY
    stage.due_at = stage.resolution_due_at
    c.verified_at = now - 20 * DAY
    if status in ("resolved", "closed"):
        stage.due_at = None
        c.resolved_at = now - closed_ago - DAY
        c.status_changed_at = c.resolved_at
    if status == "closed":
        c.closed_at = c.status_changed_at = now - closed_ago
    db.session.flush()
    return c, lead, stage


def someone_else(who: str, lead: Office, *, head: bool = False) -> Any:
    """A caller who is not the reporter: ``anonymous`` (None), ``other_resident``, ``moderator`` (of the
    complaint's kab/kota), ``outside_moderator`` (of another), or ``handler`` (a member of the lead office)."""
    from tests.complaints.office_factories import member
    from tests.factories import resident, staff

    if who == "handler":
        handler = staff("office_handler", "32.73")
        member(lead, handler, head=head)
        return handler
    return {
        "anonymous": lambda: None,
        "other_resident": resident,
        "moderator": lambda: staff("moderator", "32.73"),
        "outside_moderator": lambda: staff("moderator", "32.04"),
    }[who]()
