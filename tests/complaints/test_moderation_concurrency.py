"""Two moderators acting on one complaint at the same moment, over real separate connections (PostgreSQL): one
wins, the other gets 409, and the history holds exactly one change.

Like ``test_submit_concurrency``, the test leaves the rolled-back test transaction aside: each request commits on
its own connection, and the test deletes what it created afterwards.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, select

from app.accounts import sessions
from app.accounts.models import User
from app.core.db import make_engine
from app.extensions import db
from complaints.intake import service
from complaints.intake.models import Complaint, HistoryEntry
from tests.complaints.helpers import body
from tests.factories import PASSWORD, _hash, delete_committed_users


def test_two_moderators_at_once_one_wins(app, config, _transaction):
    if db.dialect != "postgresql":
        pytest.skip("needs concurrent writers (PostgreSQL)")
    engine = make_engine(config.DATABASE_URL, pool_size=4)
    db.factory.configure(bind=engine, join_transaction_mode="conditional_savepoint")
    user_ids: list[int] = []
    try:
        with app.app_context():
            reporter = User(name="Rina Pelapor", phone="+6281299997001", password_hash=_hash(PASSWORD))
            mods = [
                User(
                    name=f"Moderator {i}",
                    phone=f"+628129999710{i}",
                    password_hash=_hash(PASSWORD),
                    role="moderator",
                    scope_area_code="32.73",
                )
                for i in range(2)
            ]
            db.session.add_all([reporter, *mods])
            db.session.flush()
            user_ids = [reporter.id, *(m.id for m in mods)]
            complaint_id = service.submit(reporter=reporter, data=body(), idempotency_key=None).complaint.id
            tokens = [sessions.start_session(m, user_agent="race")["access_token"] for m in mods]
            db.session.commit()
        barrier = threading.Barrier(2)
        answers: list[tuple[str, int]] = []
        # Both reject, with different reasons: whoever comes second finds a final status (a request for information
        # would not do: needs_info -> rejected is allowed, so two such requests one after the other both succeed).
        actions = [
            ("spam", {"reason": "spam", "note": "Iklan."}),
            ("abusive", {"reason": "abusive", "note": "Kata kasar."}),
        ]

        def act(token: str, action: str, payload: dict) -> None:
            client = app.test_client()
            barrier.wait()
            resp = client.post(
                f"/api/v1/complaints/{complaint_id}/reject",
                json=payload,
                headers={"Authorization": f"Bearer {token}"},
            )
            answers.append((action, resp.status_code))

        threads = [
            threading.Thread(target=act, args=(token, *action)) for token, action in zip(tokens, actions, strict=True)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)

        assert sorted(code for _, code in answers) == [200, 409], answers
        [winner] = [action for action, code in answers if code == 200]
        with engine.connect() as conn:
            status, reason = conn.execute(
                select(Complaint.status, Complaint.rejection_reason).where(Complaint.id == complaint_id)
            ).one()
            changes = conn.execute(
                select(HistoryEntry.to_status).where(HistoryEntry.complaint_id == complaint_id)
            ).all()
        assert (status, reason) == ("rejected", winner)
        assert [c.to_status for c in changes] == ["rejected"]
    finally:
        if user_ids:
            with engine.begin() as conn:
                conn.execute(delete(Complaint).where(Complaint.reporter_id == user_ids[0]))
                delete_committed_users(conn, user_ids)
        db.factory.configure(bind=_transaction, join_transaction_mode="create_savepoint")
        engine.dispose()
