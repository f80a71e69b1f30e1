"""Keeps the per-process principal cache of ``app.core.auth`` in step with this process's own writes.

Whenever a session of this process flushes a change that a cached principal depends on, the affected entries are
dropped at once and again when the transaction ends (commit or rollback), so no read that overlapped the change
can leave a stale entry behind:

- an ``AuthSession`` revoked or deleted (logout, refresh-token reuse, password change, admin revocation);
- a ``User`` deleted, or changed in a field the principal holds (``Principal.__slots__``: active flag, role, scope,
  home, name, contacts); log-in bookkeeping (``last_login_at``, ``last_active_at``) drops nothing;
- any ORM bulk ``UPDATE``/``DELETE`` of either model (``revoke_all``, account deletion, retention): every entry.

Other processes learn of the change when their entry expires (``AUTH_SESSION_CACHE_SECONDS``). Change users and
sessions through ``db.session`` (ORM objects or ``update(User)``/``delete(AuthSession)`` statements), never through
Core statements on a connection, or this process would not notice either.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session

from app.accounts.models import AuthSession, User
from app.core.auth import forget_principals
from app.core.events import after_commit, after_rollback
from app.core.principal import Principal

PRINCIPAL_FIELDS = tuple(Principal.__slots__)
_SESSION_FIELDS = ("revoked_at", "user_id")


def _changed(obj: Any, fields: tuple[str, ...]) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in fields)


def _forget(session: Session, *, user_ids: Any = None, session_ids: Any = None) -> None:
    def forget() -> None:
        forget_principals(user_ids=user_ids, session_ids=session_ids)

    forget()
    after_commit(session, forget)
    after_rollback(session, forget)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    users: set[int] = set()
    sids: set[str] = set()
    for obj in session.deleted:
        if isinstance(obj, User):
            users.add(obj.id)
        elif isinstance(obj, AuthSession):
            sids.add(obj.id)
    for obj in session.dirty:
        if isinstance(obj, User) and _changed(obj, PRINCIPAL_FIELDS):
            users.add(obj.id)
        elif isinstance(obj, AuthSession) and _changed(obj, _SESSION_FIELDS):
            sids.add(obj.id)
    if users or sids:
        _forget(session, user_ids=users, session_ids=sids)


@event.listens_for(Session, "do_orm_execute")
def _bulk_change(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and any(m.class_ in (User, AuthSession) for m in state.all_mappers):
        _forget(state.session)
