"""Answers about one user's own state (which surveys they answered, which articles they liked, bookmarked or read),
kept in each process and dropped in **every** process as soon as that user's state changes: ``UserState``.

A page that is the same for every reader is shared for a few seconds (``app.core.cache.SharedAnswers``): another
process's write shows once the entry expires, as in any shared cache. The reader's own state cannot work that way:
a resident who answers a survey on one worker must see it answered on the next request, whichever worker takes it.
So entries here are not timed out to become right; they are dropped when they become wrong:

- a write calls ``changed(session, state, user_id)`` inside its transaction. This process drops the user's entries
  at once and again at commit (so a read that overlapped the write cannot put the old answer back). On PostgreSQL it
  also runs ``pg_notify('balai_user_state', …)`` in the same transaction: delivered to the other processes only if
  the transaction commits, at its commit;
- each process listens on one connection of its own (``LISTEN``, a daemon thread started lazily in each worker
  after the fork) and drops what it hears. Before serving an entry, a reader takes in whatever has already arrived
  on that connection (a zero-timeout ``select``), so a busy thread holding the GIL does not delay the drop;
- an entry that was being built while a change for its user arrived is not kept (a sequence number per user);
- while the listening connection is down nothing is kept or served (every read goes to the database), and
  everything is dropped when it is back, since changes may have been missed meanwhile.

What remains: a commit in another process shows here once PostgreSQL has delivered its notification, typically well
under a millisecond on one machine, a few on a network. A client that gets the write's answer and sends its next
request faster than that may read the old state once. Entries also expire after ``USER_STATE_CACHE_SECONDS``
(default 300; 0 turns every ``UserState`` off). Without PostgreSQL (SQLite, a laptop) there is no channel between
processes, so nothing is kept: the same answers, always from the database.
"""

from __future__ import annotations

import logging
import os
import select
import threading
import time
from collections.abc import Callable, Collection, Hashable
from typing import Any

import cachetools
from flask import Flask, current_app
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.core.db import reads_only
from app.core.events import after_commit

log = logging.getLogger(__name__)

CHANNEL = "balai_user_state"
#: Payload of ``changed_for_everyone``: every user's entries of that state.
EVERYONE = "*"
_NOTIFY = text(f"SELECT pg_notify('{CHANNEL}', :payload)")
_MAX_LISTED = 500  # user ids in one notification (at most 11 bytes each)
_RECONNECT_SECONDS = 1.0
_HEARTBEAT_SECONDS = 2.0
_HEARTBEAT_TIMEOUT = 2.0
_MAX_KEYS_PER_USER = 256

_states: dict[str, UserState] = {}


class UserState:
    """One kind of per-user state (``name``), kept per user and key: ``get(user_id, key, build)``.

    The id may name something else that many users read and few write, such as one office's inbox
    (``complaints.handling.inbox_state``). ``seconds``: the setting of how long an entry lives (at most; never
    longer than ``USER_STATE_CACHE_SECONDS``, which turns every state off at 0). At most ``maxsize`` ids and
    ``max_keys`` entries per id are kept (a full id first loses its expired entries, then all of them)."""

    def __init__(
        self,
        name: str,
        *,
        maxsize: int = 50_000,
        seconds: str = "USER_STATE_CACHE_SECONDS",
        max_keys: int = _MAX_KEYS_PER_USER,
    ) -> None:
        if name in _states or ":" in name:
            raise ValueError(f"user state {name!r} is already defined or has a colon")
        self.name = name
        self._seconds = seconds
        self._max_keys = max_keys
        self._users: cachetools.LRUCache[int, dict[Hashable, tuple[float, Any]]] = cachetools.LRUCache(maxsize)
        self._lock = threading.Lock()
        self._seq = 0  # bumped at every drop
        self._dropped: dict[int, int] = {}  # user id -> sequence number of its last drop
        self._floor = 0  # sequence number of every drop no longer in _dropped (and of drop_all)
        self._maxsize = maxsize
        _states[name] = self

    def get(
        self, user_id: int, key: Hashable, build: Callable[[], Any], *, fresh: Callable[[Any], bool] | None = None
    ) -> Any:
        """The kept answer for ``(user_id, key)``, or ``build()``'s (built outside the lock), kept unless the user's
        state changed meanwhile. ``build`` runs every time when the cache is off or cannot be trusted now, and
        outside read requests (``GET``, ``HEAD``, ``OPTIONS``): a writing transaction may still roll back.
        ``fresh(answer)``: whether a kept answer still holds (False: built again), for answers that the clock
        changes (a deadline that passes)."""
        config = current_app.config
        ttl = min(config["USER_STATE_CACHE_SECONDS"], config[self._seconds])
        if ttl <= 0 or not reads_only():
            return build()  # off, or a write request / job whose own transaction may still roll back
        if not _listener.trusted(current_app):
            return build()
        now = time.monotonic()
        with self._lock:
            hit = self._users.get(user_id, {}).get(key)
            if hit is not None and hit[0] > now and (fresh is None or fresh(hit[1])):
                return hit[1]
            start = self._seq
        value = build()
        with self._lock:
            if self._dropped.get(user_id, self._floor) <= start:
                entries = self._users.get(user_id)
                if entries is None:
                    entries = self._users[user_id] = {}
                elif len(entries) >= self._max_keys:
                    for stale in [k for k, (until, _) in entries.items() if until <= now]:
                        del entries[stale]
                    if len(entries) >= self._max_keys:
                        entries.clear()
                entries[key] = (now + ttl, value)
        return value

    def drop(self, user_id: int) -> None:
        with self._lock:
            self._seq += 1
            if len(self._dropped) >= self._maxsize:
                self._dropped.clear()
                self._floor = self._seq
            self._dropped[user_id] = self._seq
            self._users.pop(user_id, None)

    def drop_all(self) -> None:
        with self._lock:
            self._seq += 1
            self._floor = self._seq
            self._dropped.clear()
            self._users.clear()


def changed(session: Session, state: UserState, user_id: int) -> None:
    """Inside a writing transaction: ``user_id``'s ``state`` changes (every process drops it once this commits)."""
    _announce(session, state, str(user_id), lambda: state.drop(user_id))


def changed_for_users(session: Session, state: UserState, user_ids: Collection[int]) -> None:
    """Inside a writing transaction: the ``state`` of each of ``user_ids`` changes (one announcement; a long list
    becomes ``changed_for_everyone``: a notification's payload is limited to 8,000 bytes)."""
    ids = sorted({int(u) for u in user_ids})
    if len(ids) > _MAX_LISTED:
        changed_for_everyone(session, state)
    elif ids:

        def drop() -> None:
            for u in ids:
                state.drop(u)

        _announce(session, state, ",".join(map(str, ids)), drop)


def changed_for_everyone(session: Session, state: UserState) -> None:
    """Inside a writing transaction: ``state`` changes for many users at once (e.g. a batch of read receipts)."""
    _announce(session, state, EVERYONE, state.drop_all)


def _announce(session: Session, state: UserState, who: str, drop: Callable[[], None]) -> None:
    drop()
    after_commit(session, drop)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_NOTIFY, {"payload": f"{state.name}:{who}"})


def listening(app: Flask) -> bool:
    """Whether this process listens for changes now (starting to listen on the first call): kept state is served
    only while it does."""
    return _listener.trusted(app)


def _dispatch(payload: str) -> None:
    name, _, who = payload.partition(":")
    state = _states.get(name)
    if state is None:
        return
    if who == EVERYONE:
        state.drop_all()
        return
    for one in who.split(","):
        if one.isdigit():
            state.drop(int(one))


def _drop_everything() -> None:
    for state in list(_states.values()):
        state.drop_all()


class _Listener:
    """This process's ``LISTEN`` connection and its thread (one per process, started on first use).

    The channel is checked, not assumed: the thread sends itself a heartbeat (``pg_notify`` on its own connection)
    before it first trusts the connection and every ``_HEARTBEAT_SECONDS`` after; one that is not back within
    ``_HEARTBEAT_TIMEOUT`` (a dead or half-open connection, a pooler that does not keep ``LISTEN``) stops the trust
    and reconnects."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # guards the connection, the heartbeat and the poller
        self._pid: int | None = None
        self._conn: Any = None  # the psycopg connection while it is trusted, else None
        self._poller: Any = None  # a poll object on that connection's socket, for readers
        self._ping: str | None = None  # the heartbeat on its way
        self._ping_at = 0.0
        self._pings = 0
        self._failing = False  # an outage already logged

    def trusted(self, app: Flask) -> bool:
        """Whether kept entries may be served now: listening, with everything that has arrived taken in."""
        if self._pid != os.getpid():
            self._start(app)
        if self._conn is None:
            return False
        with self._lock:
            conn = self._conn
            if conn is None:
                return False
            try:
                if self._poller.poll(0):
                    self._take(conn)
            except Exception as exc:  # lost: the thread notices too and reconnects
                self._lost(exc)
                return False
            return self._ping is None or time.monotonic() - self._ping_at <= _HEARTBEAT_TIMEOUT

    def _start(self, app: Flask) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._conn = None  # a connection inherited through fork belongs to the parent
            cfg = app.config
            url = make_url(cfg.get("USER_STATE_LISTEN_URL") or cfg["DATABASE_URL"])
            if url.get_backend_name() != "postgresql":
                return  # no channel between processes: never trusted, nothing kept
            if cfg.get("DATABASE_READ_URL") and cfg["DATABASE_READ_URL"] != cfg["DATABASE_URL"]:
                log.info("kept user state is off: reads come from a replica, which may lag behind the drops")
                return
            dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
            threading.Thread(target=self._run, args=(dsn, self._pid), name="balai-user-state", daemon=True).start()

    def _run(self, dsn: str, pid: int) -> None:
        import psycopg

        while self._pid == pid:
            conn = None
            try:
                conn = psycopg.connect(
                    dsn, autocommit=True, keepalives=1, keepalives_idle=10, keepalives_interval=5, keepalives_count=2
                )
                conn.execute(f"LISTEN {CHANNEL}")  # then only libpq's non-blocking calls, so no lock waits on I/O
                waiting = select.poll()
                waiting.register(conn.fileno(), select.POLLIN)
                with self._lock:
                    self._send_ping(conn)
                self._listen(conn, waiting, pid)
            except Exception as exc:
                with self._lock:
                    self._lost(exc)
                if conn is not None and not conn.closed:
                    conn.close()
            time.sleep(_RECONNECT_SECONDS)

    def _listen(self, conn: Any, waiting: Any, pid: int) -> None:
        """Take in notifications until the connection fails; trust it once its first heartbeat is back."""
        trusted = False
        while self._pid == pid:
            ready = waiting.poll(int(_HEARTBEAT_SECONDS * 500))
            with self._lock:
                if trusted and self._conn is not conn:
                    return  # a reader found it broken
                if ready:
                    self._take(conn)
                now = time.monotonic()
                if self._ping is not None and now - self._ping_at > _HEARTBEAT_TIMEOUT:
                    raise ConnectionError("no heartbeat back (a pooler that drops LISTEN? see USER_STATE_LISTEN_URL)")
                if not trusted and self._ping is None:
                    _drop_everything()  # changes made while not listening were missed
                    self._poller = select.poll()
                    self._poller.register(conn.fileno(), select.POLLIN)
                    self._conn, trusted = conn, True
                    if self._failing:
                        log.warning("user-state channel is back; keeping user state again")
                        self._failing = False
                if self._ping is None and now - self._ping_at >= _HEARTBEAT_SECONDS:
                    self._send_ping(conn)

    def _send_ping(self, conn: Any) -> None:
        """(With the lock held.) Send the heartbeat to ourselves, without waiting: ``_take`` reads its result."""
        self._pings += 1
        self._ping = f"ping:{os.getpid()}:{self._pings}"
        self._ping_at = time.monotonic()
        conn.pgconn.send_query(f"SELECT pg_notify('{CHANNEL}', '{self._ping}')".encode())
        conn.pgconn.flush()

    def _heard(self, payload: str) -> None:
        if payload == self._ping:
            self._ping = None
        else:
            _dispatch(payload)

    def _take(self, conn: Any) -> None:
        """(With the lock held.) Read what has arrived, without blocking: heartbeat results and notifications."""
        from psycopg import pq

        pg = conn.pgconn
        pg.consume_input()
        if pg.status != pq.ConnStatus.OK:
            raise ConnectionError("the user-state listening connection was closed")
        while not pg.is_busy() and (result := pg.get_result()) is not None:
            if result.status not in (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK):
                raise ConnectionError(result.error_message.decode("utf-8", "replace"))
        while (n := pg.notifies()) is not None:
            self._heard(n.extra.decode())

    def forked(self) -> None:
        """In a child after ``fork``: the parent's thread and connection stay behind; start again on first use."""
        self._lock = threading.Lock()
        self._pid = None
        self._conn = None
        self._ping = None

    def _lost(self, exc: BaseException) -> None:
        """(With the lock held.) Stop trusting entries until the thread has listened again; log once per outage."""
        if not self._failing:
            log.warning("user-state channel down (%s); reading through until it is back", exc)
            self._failing = True
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception as close_exc:  # already broken
                log.debug("closing the user-state connection: %s", close_exc)
        self._conn = None
        self._ping = None
        _drop_everything()


def _forked() -> None:
    _listener.forked()
    for state in _states.values():
        state._lock = threading.Lock()
        state.drop_all()


_listener = _Listener()
os.register_at_fork(after_in_child=_forked)
