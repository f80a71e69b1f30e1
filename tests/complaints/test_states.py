"""The one state machine: the table, allowed and forbidden transitions, history, events, optimistic locking."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from app.core.errors import Conflict, InvalidTransition
from app.extensions import db
from complaints import states
from complaints.events import COMPLAINT_STATUS_CHANGED
from complaints.intake.models import Complaint, HistoryEntry
from complaints.states import FINAL_STATUSES, STATUSES, TRANSITIONS, Status, transition
from tests.complaints.helpers import make_complaint
from tests.factories import resident

ALLOWED = [(src, dst) for src in Status for dst in TRANSITIONS[src]]
FORBIDDEN = [(src, dst) for src in Status for dst in Status if dst not in TRANSITIONS[src]]


def test_the_table_covers_every_status_and_final_ones_lead_nowhere():
    assert set(TRANSITIONS) == set(Status)
    assert STATUSES == (
        "submitted", "needs_info", "verified", "accepted", "in_progress",
        "resolved", "closed", "rejected", "duplicate", "withdrawn",
    )  # fmt: skip
    for status in FINAL_STATUSES:
        assert TRANSITIONS[status] == frozenset()
    S = Status
    assert set(ALLOWED) == {
        (S.SUBMITTED, S.NEEDS_INFO), (S.NEEDS_INFO, S.SUBMITTED),
        (S.SUBMITTED, S.VERIFIED), (S.VERIFIED, S.ACCEPTED), (S.ACCEPTED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.RESOLVED), (S.RESOLVED, S.CLOSED),
        (S.RESOLVED, S.IN_PROGRESS), (S.CLOSED, S.IN_PROGRESS),
        (S.ACCEPTED, S.VERIFIED), (S.IN_PROGRESS, S.VERIFIED),
        (S.SUBMITTED, S.REJECTED), (S.SUBMITTED, S.DUPLICATE), (S.SUBMITTED, S.WITHDRAWN),
        (S.NEEDS_INFO, S.REJECTED), (S.NEEDS_INFO, S.DUPLICATE), (S.NEEDS_INFO, S.WITHDRAWN),
    }  # fmt: skip


@pytest.mark.parametrize(("src", "dst"), sorted(ALLOWED))
def test_allowed_transition_is_recorded(src, dst, events):
    actor = resident()
    c = make_complaint(actor, status=src)
    version = c.version
    change = transition(c, to=dst, actor=actor, note="catatan")
    assert c.status == dst and c.version == version + 1 and c.status_changed_at == change.created_at
    row = db.session.get(HistoryEntry, change.id)
    assert (row.complaint_id, row.from_status, row.to_status, row.actor_id, row.note) == (
        c.id, src, dst, actor.id, "catatan",
    )  # fmt: skip
    assert row.created_at is not None
    [payload] = [p for name, p in events if name == COMPLAINT_STATUS_CHANGED]
    assert payload == {
        "complaint_id": c.id,
        "reporter_id": c.reporter_id,
        "tracking_number": c.tracking_number,
        "title": c.title,
        "old_status": src.value,
        "new_status": dst.value,
        "actor_id": actor.id,
        "note": "catatan",
        "changed_at": row.created_at.isoformat(),
        "event": "status",
        "office_id": None,
    }


def test_recorded_event_keeps_the_status_and_the_lock(events):
    c = make_complaint(status="verified")
    version = c.version
    change = states.record(c, event="transfer", actor=None, note="salah instansi")
    assert (change.from_status, change.to_status, change.event) == ("verified", "verified", "transfer")
    assert c.status == "verified" and c.version == version + 1
    [payload] = [p for name, p in events if name == COMPLAINT_STATUS_CHANGED]
    assert payload["event"] == "transfer" and payload["old_status"] == payload["new_status"] == "verified"
    states.record(c, event="assignment", actor=None, is_internal=True)
    assert len([p for name, p in events if name == COMPLAINT_STATUS_CHANGED]) == 1  # internal: not announced


@pytest.mark.parametrize(("src", "dst"), FORBIDDEN)
def test_forbidden_transition_is_409_naming_the_allowed_targets(src, dst):
    c = make_complaint(status=src)
    with pytest.raises(InvalidTransition) as exc:
        transition(c, to=dst, actor=None)
    assert exc.value.status_code == 409
    allowed = states.allowed_targets(src)
    assert (", ".join(allowed) if allowed else "none") in exc.value.message
    db.session.refresh(c)
    assert c.status == src
    assert db.session.query(HistoryEntry).filter_by(complaint_id=c.id).count() == 0


def test_system_transition_has_no_actor():
    c = make_complaint()
    assert transition(c, to="withdrawn", actor=None).actor_id is None


def test_listing_follows_the_status():
    c = make_complaint(status="verified")
    assert c.is_listed is True
    assert states.is_listed(is_public=True, status="withdrawn") is False
    assert states.is_listed(is_public=False, status="in_progress") is False
    assert states.is_listed(is_public=True, status="closed") is True


def test_concurrent_change_is_409_not_a_lost_update():
    """Someone else changed the complaint after we loaded it: our update matches no row and we get 409."""
    c = make_complaint()
    db.session.execute(
        update(Complaint).where(Complaint.id == c.id).values(version=Complaint.version + 1),
        execution_options={"synchronize_session": False},
    )
    with pytest.raises(Conflict):
        transition(c, to="withdrawn", actor=None)
