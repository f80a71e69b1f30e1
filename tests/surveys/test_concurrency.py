"""Two submits of the same resident at the same moment, over real separate connections (PostgreSQL): one 201, one
409, one response stored. The test leaves the rolled-back test transaction aside (each request commits on its own
connection) and deletes what it created afterwards."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, func, select

from app.accounts import sessions
from app.accounts.models import User
from app.core.db import make_engine, utcnow
from app.extensions import db
from surveys import builder
from surveys.models import Answer, Option, Participation, Question, Response, Survey
from surveys.schemas import SurveyCreateSchema
from tests.factories import PASSWORD, _hash, delete_committed_users
from tests.surveys.helpers import DESA, RW, poll_body


def test_two_concurrent_submits_one_response(app, config, _transaction):
    if db.dialect != "postgresql":
        pytest.skip("needs concurrent writers (PostgreSQL)")
    engine = make_engine(config.DATABASE_URL, pool_size=4)
    db.factory.configure(bind=engine, join_transaction_mode="conditional_savepoint")
    user_ids: list[int] = []
    try:
        with app.app_context():
            editor = User(
                name="Editor",
                phone="+6281299998001",
                password_hash=_hash(PASSWORD),
                role="editor",
                scope_area_code="32.73",
            )
            voter = User(
                name="Warga", phone="+6281299998002", password_hash=_hash(PASSWORD), home_area_code=DESA, home_rw=RW
            )
            db.session.add_all([editor, voter])
            db.session.flush()
            user_ids = [editor.id, voter.id]
            data = builder_input(poll_body())
            survey = builder.create(user=editor, data=data)
            survey.status, survey.published_at = "published", utcnow()
            survey_id = survey.id
            db.session.flush()
            option_id = db.session.scalars(select(Option.id).order_by(Option.id.desc())).first()
            question_id = db.session.scalar(select(Question.id).where(Question.survey_id == survey_id))
            tokens = [sessions.start_session(voter, user_agent="race")["access_token"] for _ in range(2)]
            db.session.commit()
        barrier = threading.Barrier(2)
        codes: list[int] = []

        def answer(token: str) -> None:
            client = app.test_client()
            barrier.wait()
            resp = client.post(
                f"/api/v1/surveys/{survey_id}/responses",
                json={"answers": [{"question_id": question_id, "option_id": option_id}]},
                headers={"Authorization": f"Bearer {token}"},
            )
            codes.append(resp.status_code)

        threads = [threading.Thread(target=answer, args=(t,)) for t in tokens]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(codes) == [201, 409], codes
        with engine.connect() as conn:
            for model in (Participation, Response):
                n = conn.execute(select(func.count()).select_from(model).where(model.survey_id == survey_id)).scalar()
                assert n == 1
            assert (
                conn.execute(select(func.count()).select_from(Answer).where(Answer.survey_id == survey_id)).scalar()
                == 1
            )
    finally:
        if user_ids:
            with engine.begin() as conn:
                conn.execute(delete(Survey).where(Survey.created_by_id == user_ids[0]))
                delete_committed_users(conn, user_ids)
        db.factory.configure(bind=_transaction, join_transaction_mode="create_savepoint")
        engine.dispose()


def builder_input(body: dict) -> dict:
    """A request body as the create schema loads it."""
    return SurveyCreateSchema().load(body)
