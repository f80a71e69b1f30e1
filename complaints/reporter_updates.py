"""What the reporter hears about their complaint: inbox entries and pushes for every change they can see.

Listens to ``complaints.events`` and calls the notifications contract (``notifications.api.notify_users``), which
writes the inbox row in the same transaction and pushes after the commit. Internal notes are never forwarded; a
reporter is not told about what they did themselves (withdrawing, answering, writing).
"""

from __future__ import annotations

from typing import Any

from app.core import i18n
from app.core.events import on
from complaints.events import COMPLAINT_MESSAGE_POSTED, COMPLAINT_STATUS_CHANGED, COMPLAINT_SUBMITTED
from notifications.api import COMPLAINT_UPDATE, notify_users

#: Inbox/push title per new status (English msgids: stored in the recipient's language, ``app/translations``).
STATUS_TITLES = {
    "submitted": i18n._("Your complaint is back in the verification queue"),
    "needs_info": i18n._("Your complaint needs more information"),
    "verified": i18n._("Your complaint has been verified"),
    "accepted": i18n._("Your complaint has been accepted by an officer"),
    "in_progress": i18n._("Your complaint is being handled"),
    "resolved": i18n._("Your complaint has been resolved"),
    "closed": i18n._("Your complaint has been closed"),
    "rejected": i18n._("Your complaint cannot be processed"),
    "duplicate": i18n._("Your complaint has been merged with a similar complaint"),
    "withdrawn": i18n._("Your complaint has been withdrawn"),
}
#: Titles of the events that keep the status (``states.record``).
EVENT_TITLES = {
    "transfer": i18n._("Your complaint has been transferred to another agency"),
    "co_handling": i18n._("Another agency is also handling your complaint"),
    "validation_failed": i18n._("The resolution of your complaint is being reviewed again"),
}
STATUS_CHANGED = i18n._("The status of your complaint has changed")
_BODY_MAX = 1000


def _body(tracking_number: str, title: str, extra: str | None = None) -> str:
    """The body: tracking number, complaint title and, when given, a line more (a staff note, a hint)."""
    if not extra:
        return f"{tracking_number} · {title}"[:_BODY_MAX]
    if isinstance(extra, i18n.Msg):  # a hint of ours: translated with the rest
        return i18n._("{tracking_number} · {title}\n{extra}", tracking_number=tracking_number, title=title, extra=extra)
    return f"{tracking_number} · {title}\n{extra}"[:_BODY_MAX]


def _tell_reporter(
    *, reporter_id: int, complaint_id: int, title: str, body: str, data: dict[str, str], by_reporter: bool = False
) -> None:
    """``by_reporter``: the reporter is the caller of this request, so its ``Accept-Language`` (when it names one)
    is their language and needs no look-up."""
    asked = i18n.asked_locale() if by_reporter else None
    notify_users(
        user_ids=[reporter_id],
        kind=COMPLAINT_UPDATE,
        title=title,
        body=body,
        link={"type": "complaint", "id": complaint_id},
        data=data,
        known_locales={reporter_id: asked} if asked else None,
    )


@on(COMPLAINT_SUBMITTED)
def on_submitted(*, complaint_id: int, reporter_id: int, tracking_number: str, title: str, **_: Any) -> None:
    _tell_reporter(
        reporter_id=reporter_id,
        complaint_id=complaint_id,
        title=i18n._("We have received your complaint"),
        body=_body(tracking_number, title, i18n._("Keep this number to follow your complaint.")),
        data={"status": "submitted"},
        by_reporter=True,  # only the reporter files a complaint
    )


@on(COMPLAINT_STATUS_CHANGED)
def on_status_changed(
    *,
    complaint_id: int,
    reporter_id: int,
    tracking_number: str,
    title: str,
    new_status: str,
    actor_id: int | None,
    note: str | None,
    event: str = "status",
    **_: Any,
) -> None:
    if actor_id == reporter_id:
        return  # the reporter withdrew, answered or reopened: they know
    heading = EVENT_TITLES.get(event) or STATUS_TITLES.get(
        new_status, i18n._("The status of your complaint has changed")
    )
    _tell_reporter(
        reporter_id=reporter_id,
        complaint_id=complaint_id,
        title=heading,
        body=_body(tracking_number, title, note),
        data={"status": new_status, "event": event},
    )


@on(COMPLAINT_MESSAGE_POSTED)
def on_message(
    *, complaint_id: int, reporter_id: int, tracking_number: str, title: str, from_reporter: bool, **_: Any
) -> None:
    if from_reporter:
        return
    _tell_reporter(
        reporter_id=reporter_id,
        complaint_id=complaint_id,
        title=i18n._("New message from an officer"),
        body=_body(tracking_number, title),
        data={"message": "1"},
    )
