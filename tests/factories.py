"""Test data factories and log-in helpers."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import factory
from sqlalchemy import event

from app.accounts import sessions
from app.accounts.models import User
from app.accounts.passwords import hash_password
from app.extensions import db

PASSWORD = "password-123"
_phones = itertools.count(10_000_000)
_password_hash: dict[str, str] = {}


#: A resident's registration body, as the app sends it.
REGISTER = {
    "name": "Siti Rahmawati",
    "phone": "0812-3456-7890",
    "password": "rahasia-123",
    "home_area_code": "32.73.01.1001",
    "home_rw": 5,
}


def _hash(password: str) -> str:
    if password not in _password_hash:
        _password_hash[password] = hash_password(password)
    return _password_hash[password]


class UserFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        model = User
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"

    name = factory.Faker("name", locale="id_ID")
    phone = factory.LazyFunction(lambda: f"+62812{next(_phones):08d}")
    email = None
    password_hash = factory.LazyFunction(lambda: _hash(PASSWORD))
    role = "resident"
    home_area_code = "32.73.01.1001"
    home_rw = 5


def resident(**kw: Any) -> User:
    return UserFactory(**kw)


def staff(role: str, area: str, rw: int | None = None, **kw: Any) -> User:
    """A staff user scoped to ``area`` (and ``rw`` for RW officials)."""
    kw.setdefault("home_area_code", None)
    kw.setdefault("home_rw", None)
    return UserFactory(role=role, scope_area_code=area, scope_rw=rw, **kw)


def login(user: User) -> dict[str, str]:
    """Authorization headers for a fresh session of ``user`` (no HTTP round trip, no rate limit)."""
    tokens = sessions.start_session(user, user_agent="pytest")
    db.session.commit()
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def tokens_for(user: User) -> dict[str, Any]:
    tokens = sessions.start_session(user, user_agent="pytest")
    db.session.commit()
    return tokens


def delete_committed_users(conn: Any, user_ids: list[int]) -> None:
    """Clean up after a test that commits for real (threads, the read path): the access-log rows the users left as
    actors or subjects, their sessions, then the users (delete their own objects first)."""
    from sqlalchemy import delete, or_

    from app.accounts.models import AuthSession
    from app.accounts.privacy.models import AccessLog

    conn.execute(delete(AccessLog).where(or_(AccessLog.actor_id.in_(user_ids), AccessLog.subject_id.in_(user_ids))))
    conn.execute(delete(AuthSession).where(AuthSession.user_id.in_(user_ids)))
    conn.execute(delete(User).where(User.id.in_(user_ids)))


@contextmanager
def count_statements() -> Iterator[list[str]]:
    """Every SQL statement sent while the block runs."""
    statements: list[str] = []
    engine = db.engine

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
