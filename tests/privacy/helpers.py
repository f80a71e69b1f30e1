"""A resident with something of everything (complaints, photo, messages, support, rating, device, notifications),
and another resident with data of their own (which must never appear in the first one's export)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.accounts.models import User
from app.core.db import utcnow
from app.extensions import db
from complaints.conversation.models import Message
from complaints.follow_up import Rating
from complaints.intake.models import Complaint
from complaints.photos.service import add_photo
from complaints.supports.models import Support
from notifications.api import COMPLAINT_UPDATE, notify_users
from notifications.models import Device
from tests.complaints.helpers import jpeg_bytes, make_complaint
from tests.factories import resident, staff

SECRET_PHONE = "0812 3456 7890"


@dataclass
class World:
    me: User
    other: User
    moderator: User
    mine: Complaint
    closed: Complaint
    theirs: Complaint
    photo_id: int


def _message(c: Complaint, author: User, body: str, *, visibility: str = "shared") -> None:
    db.session.add(
        Message(
            complaint_id=c.id,
            author_id=author.id,
            from_reporter=author.id == c.reporter_id,
            author_role=author.role,
            visibility=visibility,
            body=body,
        )
    )


def world(**me: Any) -> World:
    user = resident(name="Siti Rahmawati", email="siti@example.id", **me)
    other = resident(name="Budi Santoso")
    moderator = staff("moderator", "32.73", name="Dewi Moderator")
    mine = make_complaint(
        user,
        status="verified",
        title="Jalan rusak",
        description=f"Hubungi saya di {SECRET_PHONE} kalau perlu.",
    )
    closed = make_complaint(user, status="closed", title="Lampu mati")
    theirs = make_complaint(other, status="verified", title="Sampah menumpuk milik Budi")
    photo = add_photo(complaint=mine, data=jpeg_bytes(), uploader_id=user.id)
    _message(mine, user, f"Nomor saya {SECRET_PHONE}")
    _message(mine, moderator, "Terima kasih, kami teruskan.")
    _message(mine, moderator, "Catatan internal tentang pelapor", visibility="internal")
    _message(theirs, other, "Pesan Budi")
    db.session.add(Support(complaint_id=theirs.id, user_id=user.id))
    db.session.add(Rating(complaint_id=closed.id, user_id=user.id, score=4, comment=f"Cepat. WA {SECRET_PHONE}"))
    now = utcnow()
    db.session.add(
        Device(
            token="tok-siti-0123456789abcdef",
            token_kind="installation_id",
            user_id=user.id,
            platform="android",
            created_at=now,
            last_seen_at=now,
            topics="",
            topics_version=0,
            topics_attempts=0,
        )
    )
    notify_users(user_ids=[user.id], kind=COMPLAINT_UPDATE, title="Untuk Siti", body="Aduan Anda diverifikasi.")
    notify_users(user_ids=[other.id], kind=COMPLAINT_UPDATE, title="Untuk Budi", body="Aduan Budi.")
    db.session.commit()
    return World(user, other, moderator, mine, closed, theirs, photo.id)
