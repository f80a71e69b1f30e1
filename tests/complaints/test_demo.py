"""`flask seed-demo` adds a few complaints in Kota Bandung, once."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from complaints.intake.models import Complaint


def test_seed_demo_adds_complaints_once(app, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    count = db.session.scalar(select(func.count()).select_from(Complaint))
    assert count == 5
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Complaint)) == count
    feed = client.get("/api/v1/complaints?area=32.73").get_json()["items"]
    assert {i["status"] for i in feed} == {"verified", "in_progress"} and len(feed) == 3
    anonymous = [i for i in feed if i["is_anonymous"]]
    assert anonymous and anonymous[0]["reporter_name"] == "Anonim"
    masked = [i for i in feed if "0812-3456-7890" in i["title"] + i["excerpt"]]
    assert masked == []
    assert db.session.scalar(select(func.max(Complaint.support_count))) == 1
