"""Moves the demo complaints on to their demo status with the real services, as the demo staff would: the moderator
verifies (routing picks the office), the office handler accepts, starts and resolves, the moderator validates, and
the reporter rates. Idempotent: a complaint that has left ``submitted`` is left alone.
"""

from __future__ import annotations

import click
from sqlalchemy import select

from app.accounts.models import User
from app.demo import demo_seeder
from app.extensions import db
from complaints.demo.intake import DEMO_COMPLAINTS
from complaints.demo.offices import HANDLER_PHONE
from complaints.feedback import service as feedback
from complaints.handling import service as handling
from complaints.intake.models import Complaint
from complaints.moderation import service as moderation
from complaints.states import Status

MODERATOR_PHONE = "+6281100000003"
_ORDER = [Status.VERIFIED, Status.ACCEPTED, Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED]


def _user(phone: str) -> User | None:
    return db.session.scalars(select(User).where(User.phone == phone)).one_or_none()


def _walk(c: Complaint, target: Status, *, moderator: User, handler: User, reporter: User) -> None:
    steps = _ORDER[: _ORDER.index(target) + 1]
    moderation.verify(complaint_id=c.id, actor=moderator, office_id=None, note="Data demo: sesuai kategori.")
    if Status.ACCEPTED in steps:
        handling.accept(complaint_id=c.id, actor=handler, note="Diterima, tim akan meninjau lokasi.")
    if Status.IN_PROGRESS in steps:
        handling.start(complaint_id=c.id, actor=handler, note="Tim sudah dijadwalkan ke lokasi.")
    if Status.RESOLVED in steps:
        handling.resolve(complaint_id=c.id, actor=handler, note="Sudah diperbaiki oleh tim UPT.")
    if Status.CLOSED in steps:
        moderation.validate(complaint_id=c.id, actor=moderator, approved=True, note=None)
        feedback.rate(complaint_id=c.id, user=reporter, score=4, comment="Cepat ditangani, terima kasih.")


@demo_seeder
def seed_demo_handling() -> None:
    """Verify, route and handle the demo complaints whose demo status is beyond ``submitted``."""
    moderator, handler = _user(MODERATOR_PHONE), _user(HANDLER_PHONE)
    if moderator is None or handler is None:
        return
    moved = 0
    for key, phone, *_, status in DEMO_COMPLAINTS:
        c = db.session.scalars(select(Complaint).where(Complaint.idempotency_key == key)).first()
        reporter = _user(phone)
        if c is None or reporter is None or status == Status.SUBMITTED or c.status != Status.SUBMITTED:
            continue
        _walk(c, status, moderator=moderator, handler=handler, reporter=reporter)
        moved += 1
    db.session.flush()
    click.echo(f"Demo complaints moved through moderation and handling: {moved}.")
