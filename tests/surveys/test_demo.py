"""`flask seed-demo` adds a province survey and an RW poll in Kota Bandung with demo responses, once."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from surveys.demo import POLL_TITLE, PROVINCE_TITLE
from surveys.models import Response, Survey


def test_seed_demo_adds_the_surveys_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    surveys = {s.title: s for s in db.session.scalars(select(Survey)).all()}
    province, poll = surveys[PROVINCE_TITLE], surveys[POLL_TITLE]
    assert (province.area_key, province.status, province.anonymous) == ("32", "published", True)
    assert (poll.area_key, poll.kind, poll.status) == ("32.73.01.1001.005", "poll", "published")

    def responses(s):
        return db.session.scalar(select(func.count()).select_from(Response).where(Response.survey_id == s.id))

    assert responses(province) == 16 and responses(poll) == 8
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 2
    assert responses(province) == 16
