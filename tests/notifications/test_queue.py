"""The notification jobs through the production queue of this backend (Redis with PostgreSQL, SQLite file
otherwise) and Huey's consumer API, against the fake FCM server."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.jobs import huey
from app.extensions import db
from notifications.api import COMPLAINT_UPDATE, notify_users
from notifications.models import Notification
from notifications.tasks import send_due
from tests.core.test_jobs import real_queue  # noqa: F401  (fixture)
from tests.notifications.conftest import make_devices, make_residents


@pytest.mark.usefixtures("real_queue")
def test_job_goes_through_the_queue_and_a_consumer(fake_fcm):
    """Commit → the job waits in the real queue (nothing sent) → the consumer API runs it → pushed."""
    users = make_residents(2)
    make_devices(users)
    db.session.commit()
    notify_users(user_ids=users, kind=COMPLAINT_UPDATE, title="Lewat antrean", body="B")
    db.session.commit()
    assert huey.pending_count() == 1 and fake_fcm.messages() == []
    task = huey.dequeue()
    assert task.name == send_due.name
    huey.execute(task)
    assert len(fake_fcm.messages()) == 2 and huey.pending_count() == 0
    rows = db.session.scalars(select(Notification).where(Notification.user_id.in_(users))).all()
    assert {r.push_status for r in rows} == {"sent"}
