"""In-process events between features, and work deferred until the transaction commits.

``emit``/``on`` let one feature react to another without importing it (accounts emits "home area changed",
notifications listens). ``after_commit`` runs a callback only once the current session has committed, so a job is
never enqueued for data that was rolled back; a rollback drops the callbacks. ``after_rollback`` is the reverse:
undo work done outside the database (a file written for a row that will not exist) when the transaction rolls back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

_listeners: dict[str, list[Callable[..., None]]] = defaultdict(list)


def on(name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a listener for an event name (call at import time of the listening feature)."""

    def deco(fn: Callable[..., None]) -> Callable[..., None]:
        if fn not in _listeners[name]:
            _listeners[name].append(fn)
        return fn

    return deco


def emit(name: str, **payload: Any) -> None:
    """Call every listener now, inside the caller's transaction."""
    for fn in list(_listeners[name]):
        fn(**payload)


_KEY = "balai_after_commit"
_ROLLBACK_KEY = "balai_after_rollback"


def after_commit(session: Session, fn: Callable[[], None]) -> None:
    """Run ``fn`` after ``session`` commits; forget it if the session rolls back."""
    session.info.setdefault(_KEY, []).append(fn)


def after_rollback(session: Session, fn: Callable[[], None]) -> None:
    """Run ``fn`` if ``session``'s transaction rolls back; forget it once the transaction commits."""
    session.info.setdefault(_ROLLBACK_KEY, []).append(fn)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    session.info.pop(_ROLLBACK_KEY, None)
    callbacks = session.info.pop(_KEY, [])
    for fn in callbacks:
        fn()


@event.listens_for(Session, "after_transaction_end")
def _drop_unless_committed(session: Session, transaction: Any) -> None:
    # The outermost transaction ended; if it committed, after_commit already took the callbacks.
    if transaction.parent is None:
        session.info.pop(_KEY, None)
        for fn in session.info.pop(_ROLLBACK_KEY, []):
            fn()
