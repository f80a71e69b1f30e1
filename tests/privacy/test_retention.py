"""Retention: the dry run changes nothing, apply warns then anonymises inactive residents, deletes old
notifications and expired archives, purges long-closed complaints; bounded batches; a second apply is a no-op."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.privacy import retention
from app.accounts.privacy.models import EXPORT_EXPIRED, EXPORT_READY, DataExport
from app.core.db import utcnow
from app.extensions import db
from complaints.intake.models import Complaint
from notifications.models import Notification
from tests.factories import PASSWORD, resident
from tests.privacy.helpers import SECRET_PHONE, world

DAY = dt.timedelta(days=1)


def _age(user: User, days: int) -> None:
    user.last_active_at = utcnow() - days * DAY
    db.session.commit()


def _snapshot() -> tuple:
    users = db.session.execute(select(User.id, User.name, User.retention_warned_at, User.deleted_at)).all()
    notes = db.session.scalar(select(func.count()).select_from(Notification))
    complaints = db.session.execute(select(Complaint.id, Complaint.description, Complaint.privacy_purged_at)).all()
    exports = db.session.execute(select(DataExport.id, DataExport.status)).all()
    return sorted(users), notes, sorted(complaints), sorted(exports)


def _setup():
    w = world()
    _age(w.me, 710)  # inside the warning window (730 - 30)
    fresh = resident()
    old = db.session.scalars(select(Notification).where(Notification.user_id == w.other.id)).first()
    old.created_at = utcnow() - 400 * DAY
    closed = db.session.get(Complaint, w.closed.id)
    closed.description = f"WA saya {SECRET_PHONE}"
    closed.status_changed_at = utcnow() - 1900 * DAY
    db.session.add(
        DataExport(user_id=fresh.id, status=EXPORT_READY, storage_key="exports/x/y.zip", expires_at=utcnow() - DAY)
    )
    db.session.commit()
    return w, fresh


def test_the_dry_run_counts_and_changes_nothing(app, client):
    _setup()
    before = _snapshot()
    result = app.test_cli_runner().invoke(args=["privacy", "retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "retention_warnings: would process (first batch, at most the batch size) 1 rows" in result.output
    assert "old_notifications: would process (first batch, at most the batch size) 1 rows" in result.output
    assert "closed_complaints: would process (first batch, at most the batch size) 1 rows" in result.output
    assert "expired_exports: would process (first batch, at most the batch size) 1 rows" in result.output
    assert "statements" in result.output
    db.session.expire_all()
    assert _snapshot() == before


def test_apply_warns_then_anonymises_and_is_idempotent(app, client):
    w, fresh = _setup()
    first = retention.run(apply=True)
    assert first["retention_warnings"]["rows"] == 1 and first["inactive_residents"]["rows"] == 0
    assert first["old_notifications"]["rows"] == 1 and first["expired_exports"]["rows"] == 1
    assert first["closed_complaints"]["rows"] == 1
    db.session.expire_all()
    me = db.session.get(User, w.me.id)
    assert me.retention_warned_at is not None and me.deleted_at is None
    warning = db.session.scalars(
        select(Notification).where(Notification.user_id == me.id, Notification.title == "Akun Anda akan dihapus")
    ).one()
    assert "Masuk sebelum" in warning.body
    assert SECRET_PHONE not in db.session.get(Complaint, w.closed.id).description
    assert db.session.scalars(select(DataExport.status)).all() == [EXPORT_EXPIRED]
    second = retention.run(apply=True)
    assert all(step["rows"] == 0 for step in second.values()), second
    # 30 days later and still inactive: anonymised as by DELETE /me.
    later = utcnow() + 31 * DAY
    third = retention.run(apply=True, now=later)
    assert third["inactive_residents"]["rows"] == 1
    db.session.expire_all()
    me = db.session.get(User, w.me.id)
    assert me.deleted_at is not None and me.name == "Anonim" and me.phone is None
    assert db.session.get(Complaint, w.mine.id).reporter_label == "Anonim"
    assert db.session.get(User, fresh.id).deleted_at is None
    assert retention.run(apply=True, now=later)["inactive_residents"]["rows"] == 0


def test_logging_in_cancels_the_warning(app, client):
    w, _ = _setup()
    retention.run(apply=True)
    resp = client.post("/api/v1/auth/login", json={"login": w.me.phone, "password": PASSWORD})
    assert resp.status_code == 200
    db.session.expire_all()
    assert db.session.get(User, w.me.id).retention_warned_at is None
    assert retention.run(apply=True, now=utcnow() + 31 * DAY)["inactive_residents"]["rows"] == 0


def test_batches_are_bounded(app):
    users = [resident() for _ in range(7)]
    for u in users:
        u.last_active_at = utcnow() - 800 * DAY
    db.session.commit()
    report = retention.run(apply=True, limit=3)
    assert report["retention_warnings"] == {"rows": 7, "batches": 3}
    report = retention.run(apply=True, limit=3, now=utcnow() + 31 * DAY)
    assert report["inactive_residents"] == {"rows": 7, "batches": 3}


def test_a_step_set_to_zero_is_off(app):
    _setup()
    app.config["PRIVACY_NOTIFICATION_DAYS"] = 0
    try:
        assert retention.run(apply=False)["old_notifications"]["rows"] == 0
    finally:
        app.config["PRIVACY_NOTIFICATION_DAYS"] = 365
