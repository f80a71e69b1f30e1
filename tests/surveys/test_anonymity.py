"""Real anonymity: nothing joins what was answered to who answered."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from app.core.db import Base
from app.extensions import db
from surveys.models import Answer, Participation, Response
from tests.factories import login, resident
from tests.surveys.helpers import full_answers, published

ANSWER_TABLES = ("survey_answers", "survey_responses")


def _reachable_from(table: str) -> set[str]:
    """Every table reachable from ``table`` by foreign keys, either way (the join graph)."""
    graph: dict[str, set[str]] = {}
    for t in Base.metadata.tables.values():
        for fk in t.foreign_keys:
            graph.setdefault(t.name, set()).add(fk.column.table.name)
            graph.setdefault(fk.column.table.name, set()).add(t.name)
    seen, todo = {table}, [table]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            # surveys and their questions are shared by everyone; only person-level tables matter beyond them
            if nxt not in seen and nxt not in ("surveys", "users", "areas"):
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_no_column_of_the_answers_names_a_user_or_a_time():
    answer_columns = set(Answer.__table__.columns.keys())
    assert not answer_columns & {"user_id", "created_at", "submitted_at", "id"}
    assert set(Participation.__table__.columns.keys()) == {"survey_id", "user_id"}
    # the only user link of a response is for non-anonymous surveys, and it is NULL for anonymous ones
    assert {fk.column.table.name for fk in Answer.__table__.foreign_keys} == {"survey_responses", "survey_questions"}
    # participations reach nothing that holds answers, and answers reach participations only through the survey
    assert "survey_participations" not in _reachable_from("survey_answers")
    assert "survey_answers" not in _reachable_from("survey_participations")


def test_anonymous_rows_hold_no_user_no_time_and_random_ids(client):
    s = published(client, anonymous=True)
    voters = [resident() for _ in range(3)]
    for v in voters:
        assert (
            client.post(
                f"/api/v1/surveys/{s['id']}/responses", json={"answers": full_answers(s)}, headers=login(v)
            ).status_code
            == 201
        )
    rows = db.session.execute(select(Response).where(Response.survey_id == s["id"])).scalars().all()
    assert len(rows) == 3
    for r in rows:
        assert r.user_id is None and r.submitted_at is None
        assert isinstance(r.id, uuid.UUID) and r.id.version == 4
        assert r.desa_code == voters[0].home_area_code and r.kabkota_code == "32.73"
    who = db.session.execute(select(Participation.user_id).where(Participation.survey_id == s["id"])).scalars().all()
    assert sorted(who) == sorted(v.id for v in voters)
    ids = {str(v.id) for v in voters}
    texts = db.session.execute(select(Answer.text_value).where(Answer.survey_id == s["id"])).scalars().all()
    assert not ids & set(filter(None, texts))


def test_non_anonymous_responses_keep_the_respondent(client):
    s = published(client, anonymous=False)
    me = resident()
    client.post(f"/api/v1/surveys/{s['id']}/responses", json={"answers": full_answers(s)}, headers=login(me))
    r = db.session.execute(select(Response).where(Response.survey_id == s["id"])).scalar_one()
    assert r.user_id == me.id and r.submitted_at is not None
