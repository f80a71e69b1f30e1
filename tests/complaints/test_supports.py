"""Support ("saya juga mengalami"): one per user (unique in the database), counted, undone."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from complaints.intake.models import Complaint
from complaints.supports.models import Support
from tests.complaints.helpers import make_complaint
from tests.factories import login, resident, staff


def url(c) -> str:
    return f"/api/v1/complaints/{c.id}/support"


def test_support_count_and_undo(client):
    c = make_complaint(status="verified")
    alice, bob = login(resident()), login(resident())
    assert client.put(url(c), headers=alice).get_json() == {"complaint_id": c.id, "supported": True, "support_count": 1}
    assert client.put(url(c), headers=alice).get_json()["support_count"] == 1  # twice is still once
    assert client.put(url(c), headers=bob).get_json()["support_count"] == 2
    detail = client.get(f"/api/v1/complaints/{c.id}", headers=alice).get_json()
    assert detail["support_count"] == 2 and detail["supported_by_me"] is True and detail["can_support"] is True
    assert client.get(f"/api/v1/complaints/{c.id}").get_json()["supported_by_me"] is None
    undo = client.delete(url(c), headers=alice)
    assert undo.status_code == 200 and undo.get_json() == {"complaint_id": c.id, "supported": False, "support_count": 1}
    assert client.delete(url(c), headers=alice).get_json()["support_count"] == 1  # undoing twice changes nothing
    db.session.expire_all()
    assert db.session.get(Complaint, c.id).support_count == 1
    assert db.session.query(Support).count() == 1


def test_support_does_not_bump_the_version():
    """The counter moves in SQL: a moderator holding the complaint gets no conflict from supporters."""
    from complaints.supports.service import _bump

    c = make_complaint(status="verified")
    version = c.version
    _bump(c.id, 1)
    db.session.expire_all()
    assert db.session.get(Complaint, c.id).version == version


def test_one_support_per_user_is_enforced_by_the_database():
    c = make_complaint(status="verified")
    user = resident()
    db.session.add(Support(complaint_id=c.id, user_id=user.id))
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(Support.__table__.insert().values(complaint_id=c.id, user_id=user.id))


@pytest.mark.parametrize(
    ("status", "public", "expected"),
    [
        ("verified", True, 200),
        ("in_progress", True, 200),
        ("resolved", True, 403),  # visible, but no longer open
        ("closed", True, 403),
        ("submitted", True, 404),  # not public yet
        ("verified", False, 404),  # private
        ("withdrawn", True, 404),
    ],
)
def test_what_can_be_supported(client, status, public, expected):
    c = make_complaint(status=status, is_public=public)
    assert client.put(url(c), headers=login(resident())).status_code == expected


def test_own_complaint_cannot_be_supported(client):
    reporter = resident()
    c = make_complaint(reporter, status="verified")
    resp = client.put(url(c), headers=login(reporter))
    assert resp.status_code == 403 and "own" in resp.get_json()["message"]


def test_support_needs_a_resident(client):
    c = make_complaint(status="verified")
    assert client.put(url(c)).status_code == 401
    assert client.delete(url(c)).status_code == 401
    assert client.put(url(c), headers=login(staff("moderator", "32.73"))).status_code == 403
    assert client.put("/api/v1/complaints/999999/support", headers=login(resident())).status_code == 404
    assert client.put("/api/v1/complaints/0/support", headers=login(resident())).status_code == 404
