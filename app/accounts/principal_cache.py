"""The caller of each request, for ``app.core.auth``: loaded, kept a few seconds for reads, forgotten on writes.

``register(app, api)`` makes ``load_principal`` the token check's loader (``auth.register_principal_loader``). It
loads the active user joined to the token's unrevoked session in one query, as a ``Principal``. Read requests
(GET, HEAD, OPTIONS) may take that answer from a short per-process cache by session id
(``AUTH_SESSION_CACHE_SECONDS``, 5 s; 0 turns it off): the check was the one database round trip of many reads.
The trade-off, and what keeps it small:

- every write request (any other method) checks the session in the database, and so do views marked
  ``auth_required(fresh=True)`` (``GET /me``, which shows the stored profile);
- a change in this process drops the affected entries when it is flushed and again when the transaction ends
  (commit or rollback), and a load that overlapped the change is not stored (``_generation``): this process's next
  read sees it. A change here is:

  - an ``AuthSession`` revoked or deleted (logout, refresh-token reuse, password change, admin revocation);
  - a ``User`` deleted, or changed in a field the principal holds (``Principal.__slots__``: active flag, role,
    scope, home, name, contacts); log-in bookkeeping (``last_login_at``, ``last_active_at``) drops nothing;
  - any ORM bulk ``UPDATE``/``DELETE`` of either model (``revoke_all``, account deletion, retention): every entry;
- another process (gunicorn worker, server) may still accept a revoked session's token for reads, or show the old
  role, scope or home, for at most ``AUTH_SESSION_CACHE_SECONDS`` after the commit (plus the replica's delay when
  reads go to ``DATABASE_READ_URL``, which then applies to this process too).

Change users and sessions through ``db.session`` (ORM objects or ``update(User)``/``delete(AuthSession)``
statements), never through Core statements on a connection, or this process would not notice either.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from flask import request
from sqlalchemy import bindparam, event, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session

from app.accounts.models import AuthSession, User
from app.accounts.principal import Principal
from app.core.auth import get_current_user
from app.core.cache import setting_ttl_cache
from app.core.db import SAFE_METHODS
from app.core.events import after_commit, after_rollback
from app.extensions import db

PRINCIPAL_FIELDS = tuple(Principal.__slots__)
_SESSION_FIELDS = ("revoked_at", "user_id")


@functools.cache
def _principal_query() -> Any:
    """The per-request user query (SQLAlchemy Core, built once: building a statement costs more than running it)."""
    users, sessions = User.__table__, AuthSession.__table__
    columns = [users.c[name] for name in PRINCIPAL_FIELDS]
    return (
        select(*columns)
        .join(sessions, sessions.c.user_id == users.c.id)
        .where(
            users.c.id == bindparam("user_id"),
            users.c.is_active.is_(True),
            sessions.c.id == bindparam("sid"),
            sessions.c.revoked_at.is_(None),
        )
    )


#: Principals of recently checked sessions, by session id (read requests only; see the module docstring).
_principals = setting_ttl_cache("AUTH_SESSION_CACHE_SECONDS", maxsize=50_000)
_principals_lock = threading.Lock()
#: Moves on every ``forget_principals``: a load that began before a change is not stored after it.
_generation = 0


def load_principal(claims: dict[str, Any], fresh: bool = False) -> Principal | None:
    """The active user whose (unrevoked) session the verified token ``claims`` belong to, or None
    (``app.core.auth``'s principal loader).

    A read request takes it from the per-process cache when it is there (unless ``fresh``); everything else asks
    the database. Only found principals are stored, never an ended session.
    """
    try:
        user_id = int(claims["sub"])
    except (TypeError, ValueError):
        return None
    sid = claims["sid"]
    cacheable = request.method in SAFE_METHODS
    if cacheable:
        with _principals_lock:
            hit = None if fresh else _principals.get(sid)
            generation = _generation
        if hit is not None and hit.id == user_id:
            return hit
    # On a read request, check the token on the thread's autocommit connection without an ORM session
    # (GET /me then costs one round trip and nothing else).
    conn = db.connection()
    row = conn.execute(_principal_query(), {"user_id": user_id, "sid": sid}).first()
    if row is None:
        return None
    principal = Principal(*row)
    if cacheable:
        with _principals_lock:
            if generation == _generation:
                _principals[sid] = principal
    return principal


def load_current_user() -> User:
    """The signed-in user as an ORM object, for the requests that change it (one more query)."""
    return db.session.get(User, get_current_user().id)


def forget_principals(*, user_ids: Any = None, session_ids: Any = None) -> None:
    """Drop the cached principals of these users and sessions (both None: every one): whenever this process
    changes a session or what a principal holds (the listeners below)."""
    global _generation
    with _principals_lock:
        _generation += 1
        if user_ids is None and session_ids is None:
            _principals.clear()
            return
        users, sids = set(user_ids or ()), set(session_ids or ())
        for sid in list(_principals):
            principal = _principals.get(sid)
            if sid in sids or (principal is not None and principal.id in users):
                _principals.pop(sid, None)


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
