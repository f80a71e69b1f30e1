"""The public contract: rows in the caller's transaction, push only after the commit, nothing lost meanwhile."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.core.errors import ValidationFailed
from app.extensions import db
from notifications.api import ANNOUNCEMENT, COMPLAINT_UPDATE, NEWS, broadcast_to_area, notify_users
from notifications.delivery import deliver_due
from notifications.models import Notification
from tests.notifications.conftest import DESA, make_devices, make_residents


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Notification))


def test_personal_rows_commit_then_push(fake_fcm):
    users = make_residents(3)
    tokens = make_devices(users)
    db.session.commit()
    written = notify_users(
        user_ids=[*users, users[0]],  # duplicates count once
        kind=COMPLAINT_UPDATE,
        title="Aduan Anda diverifikasi",
        body="Aduan ADU-2026-000123 diteruskan ke Dinas PU.",
        link={"type": "complaint", "id": 123},
        data={"tracking_number": "ADU-2026-000123"},
    )
    assert written == 3
    assert fake_fcm.messages() == []  # not before the commit
    db.session.commit()
    sent = fake_fcm.messages()
    assert sorted(m["fid"] for m in sent) == sorted(tokens)
    rows = db.session.scalars(select(Notification).where(Notification.user_id.in_(users))).all()
    assert {(r.push_status, r.sent_count, r.failed_count, r.pruned_count) for r in rows} == {("sent", 1, 0, 0)}
    assert all(r.push_due_at is None for r in rows)


def test_rollback_sends_nothing_and_stores_nothing(fake_fcm):
    users = make_residents(2)
    make_devices(users)
    db.session.commit()
    before = _count()
    notify_users(user_ids=users, kind=COMPLAINT_UPDATE, title="T", body="B")
    broadcast_to_area(area_code=DESA, kind=ANNOUNCEMENT, title="T", body="B")
    db.session.rollback()
    assert _count() == before
    db.session.commit()  # a later commit does not run the forgotten job
    assert fake_fcm.requests == []


def test_worker_down_keeps_everything_until_it_returns(fake_fcm, queued):
    users = make_residents(2)
    make_devices(users)
    db.session.commit()
    notify_users(user_ids=users, kind=COMPLAINT_UPDATE, title="T", body="B")
    nid = broadcast_to_area(area_code=DESA, rw=5, kind=NEWS, title="Berita", body="Isi")
    db.session.commit()
    assert fake_fcm.requests == [] and len(queued) == 1  # one job queued for the whole transaction
    assert db.session.get(Notification, nid).push_status == "pending"
    stats = deliver_due()  # the worker's periodic sweep, once it is back
    assert stats["sent"] == 3
    topics = [m["topic"] for m in fake_fcm.messages() if "topic" in m]
    assert topics == ["news-32.73.01.1001.005"]


def test_queue_unreachable_at_commit_loses_nothing(fake_fcm, queued, monkeypatch):
    """Enqueueing after the commit fails (queue down): logged, the request is fine, the sweep sends later."""
    users = make_residents(1)
    make_devices(users)
    db.session.commit()

    def broken(*a, **k):
        raise ConnectionError("queue down")

    monkeypatch.setattr(queued, "enqueue", broken)
    notify_users(user_ids=users, kind=COMPLAINT_UPDATE, title="T", body="B")
    db.session.commit()
    assert fake_fcm.requests == []
    assert deliver_due()["sent"] == 1


def test_broadcast_is_one_row_whatever_the_audience(spy):
    make_residents(300, desa=DESA)
    db.session.commit()
    before = _count()
    broadcast_to_area(area_code="32.73", kind=ANNOUNCEMENT, title="Banjir", body="Waspada banjir.")
    db.session.commit()
    assert _count() == before + 1
    assert [c for c in spy.calls if c[0] == "send"] == [("send", 1, "announcement-32.73")]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 101}, "title"),
        ({"body": "x" * 1001}, "body"),
        ({"kind": "gossip"}, "kind"),
        ({"link": {"type": "complaint"}}, "link"),
        ({"link": {"type": "Complaint!", "id": 1}}, "link"),
        ({"link": {"type": "complaint", "id": 0}}, "link"),
        ({"link": {"type": "complaint", "id": "7"}}, "link"),
        ({"data": {"from": "x"}}, "data"),
        ({"data": {"k": 1}}, "data"),
        ({"data": {f"k{i}": "v" for i in range(11)}}, "data"),
    ],
)
def test_notify_users_rejects_bad_input(kwargs, field):
    args = {"user_ids": [1], "kind": COMPLAINT_UPDATE, "title": "T", "body": "B", **kwargs}
    with pytest.raises(ValidationFailed) as err:
        notify_users(**args)
    assert field in err.value.errors


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": COMPLAINT_UPDATE}, "kind"),
        ({"area_code": "99"}, "area_code"),
        ({"area_code": "32.73", "rw": 5}, "rw"),
        ({"rw": 0}, "rw"),
        ({"rw": 1000}, "rw"),
    ],
)
def test_broadcast_rejects_bad_input(kwargs, field):
    args = {"area_code": DESA, "kind": ANNOUNCEMENT, "title": "T", "body": "B", **kwargs}
    with pytest.raises(ValidationFailed) as err:
        broadcast_to_area(**args)
    assert field in err.value.errors


def test_no_recipients_is_a_no_op():
    assert notify_users(user_ids=[], kind=NEWS, title="T", body="B") == 0
