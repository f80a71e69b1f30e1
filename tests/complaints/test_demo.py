"""`flask seed-demo` adds a few complaints in Kota Bandung, once, and moves them on with the real services."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from complaints.follow_up import Rating
from complaints.intake.models import Complaint, HandlingStage, HistoryEntry


def test_seed_demo_adds_complaints_once(app, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    count = db.session.scalar(select(func.count()).select_from(Complaint))
    assert count == 6
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Complaint)) == count
    feed = client.get("/api/v1/complaints?area=32.73").get_json()["items"]
    assert sorted(i["status"] for i in feed) == ["closed", "in_progress", "verified", "verified"]
    anonymous = [i for i in feed if i["is_anonymous"]]
    assert anonymous and anonymous[0]["reporter_name"] == "Anonim"
    masked = [i for i in feed if "0812-3456-7890" in i["title"] + i["excerpt"]]
    assert masked == []
    assert db.session.scalar(select(func.max(Complaint.support_count))) == 1
    # Verified through moderation (routed by the demo rules), handled by the demo office, rated by the reporter.
    routed = db.session.scalars(select(Complaint).where(Complaint.office_id.is_not(None))).all()
    assert len(routed) == 4 and all(c.response_due_at is not None for c in routed)
    assert db.session.scalar(select(func.count()).select_from(HandlingStage)) == 4
    closed = db.session.scalars(select(Complaint).where(Complaint.status == "closed")).one()
    steps = db.session.scalars(
        select(HistoryEntry.to_status).where(HistoryEntry.complaint_id == closed.id).order_by(HistoryEntry.id)
    ).all()
    assert steps == ["verified", "accepted", "in_progress", "resolved", "closed"]
    assert db.session.get(Rating, closed.id).score == 4
