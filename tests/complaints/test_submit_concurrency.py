"""Two retries of one submission racing each other, over real separate connections and transactions.

The test leaves the usual rolled-back test transaction aside: each request commits on its own connection, as in
production, and the test deletes what it created afterwards.
"""

from __future__ import annotations

import threading

from sqlalchemy import delete, select

from app.accounts import sessions
from app.accounts.models import User
from app.core.db import make_engine
from app.extensions import db
from complaints.intake.models import Complaint
from tests.complaints.helpers import body
from tests.factories import PASSWORD, _hash, delete_committed_users


def test_concurrent_retries_with_one_key_create_one_complaint(app, config, _transaction):
    engine = make_engine(config.DATABASE_URL, pool_size=4)
    db.factory.configure(bind=engine, join_transaction_mode="conditional_savepoint")
    user_id = None
    try:
        with app.app_context():
            user = User(
                name="Rina Race",
                phone="+6281299998888",
                password_hash=_hash(PASSWORD),
                home_area_code="32.73.01.1001",
                home_rw=5,
            )
            db.session.add(user)
            db.session.flush()
            user_id = user.id
            token = sessions.start_session(user, user_agent="race")["access_token"]
            db.session.commit()
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "race-key-1"}
        barrier = threading.Barrier(3)
        answers: list[tuple[int, dict]] = []

        def submit() -> None:
            client = app.test_client()
            barrier.wait()
            resp = client.post("/api/v1/complaints", json=body(), headers=headers)
            answers.append((resp.status_code, resp.get_json()))

        threads = [threading.Thread(target=submit) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)

        assert len(answers) == 3
        statuses = {status for status, _ in answers}
        if engine.dialect.name == "postgresql":
            assert statuses == {201}  # the unique index makes the late ones wait, then they replay the first
        else:
            assert statuses <= {201, 409}  # SQLite may refuse a racing writer with a retry-able 409
        with engine.connect() as conn:
            rows = conn.execute(select(Complaint.id).where(Complaint.reporter_id == user_id)).scalars().all()
        assert len(rows) == 1
        assert {got["id"] for status, got in answers if status == 201} == {rows[0]}
        retry = app.test_client().post("/api/v1/complaints", json=body(), headers=headers)
        assert retry.status_code == 201 and retry.get_json()["id"] == rows[0]
        assert retry.headers["Idempotent-Replayed"] == "true"
    finally:
        if user_id is not None:
            with engine.begin() as conn:
                conn.execute(delete(Complaint).where(Complaint.reporter_id == user_id))
                delete_committed_users(conn, [user_id])
        db.factory.configure(bind=_transaction, join_transaction_mode="create_savepoint")
        engine.dispose()
