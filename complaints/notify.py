"""What the reporter hears about their complaint: inbox entries and pushes for every change they can see.

Listens to ``complaints.events`` and calls the notifications contract (``notifications.api.notify_users``), which
writes the inbox row in the same transaction and pushes after the commit. Internal notes are never forwarded; a
reporter is not told about what they did themselves (withdrawing, answering, writing).
"""

from __future__ import annotations

from typing import Any

from app.core.events import on
from complaints.events import COMPLAINT_MESSAGE_POSTED, COMPLAINT_STATUS_CHANGED, COMPLAINT_SUBMITTED
from notifications.api import COMPLAINT_UPDATE, notify_users

#: Inbox/push title per new status (Indonesian: the app's language).
STATUS_TITLES = {
    "submitted": "Aduan Anda kembali ke antrean verifikasi",
    "needs_info": "Aduan Anda perlu informasi tambahan",
    "verified": "Aduan Anda telah diverifikasi",
    "accepted": "Aduan Anda diterima petugas",
    "in_progress": "Aduan Anda sedang ditangani",
    "resolved": "Aduan Anda telah diselesaikan",
    "closed": "Aduan Anda ditutup",
    "rejected": "Aduan Anda tidak dapat diproses",
    "duplicate": "Aduan Anda digabungkan dengan aduan serupa",
    "withdrawn": "Aduan Anda dibatalkan",
}
#: Titles of the events that keep the status (``states.record``).
EVENT_TITLES = {
    "transfer": "Aduan Anda dialihkan ke instansi lain",
    "co_handling": "Instansi lain ikut menangani aduan Anda",
    "validation_failed": "Penyelesaian aduan Anda diperiksa ulang",
}
_BODY_MAX = 1000


def _body(tracking_number: str, title: str, extra: str | None = None) -> str:
    text = f"{tracking_number} · {title}"
    if extra:
        text += f"\n{extra}"
    return text[:_BODY_MAX]


def _tell_reporter(*, reporter_id: int, complaint_id: int, title: str, body: str, data: dict[str, str]) -> None:
    notify_users(
        user_ids=[reporter_id],
        kind=COMPLAINT_UPDATE,
        title=title,
        body=body,
        link={"type": "complaint", "id": complaint_id},
        data=data,
    )


@on(COMPLAINT_SUBMITTED)
def on_submitted(*, complaint_id: int, reporter_id: int, tracking_number: str, title: str, **_: Any) -> None:
    _tell_reporter(
        reporter_id=reporter_id,
        complaint_id=complaint_id,
        title="Aduan Anda sudah kami terima",
        body=_body(tracking_number, title, "Simpan nomor ini untuk memantau aduan Anda."),
        data={"status": "submitted"},
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
    heading = EVENT_TITLES.get(event) or STATUS_TITLES.get(new_status, "Status aduan Anda berubah")
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
        title="Pesan baru dari petugas",
        body=_body(tracking_number, title),
        data={"message": "1"},
    )
