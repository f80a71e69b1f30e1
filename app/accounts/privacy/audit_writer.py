"""Writing the access log of read requests off the request path: a per-process buffer and one writer thread.

A read request's own connection is read-only, so its access-log rows need a connection and a round trip of their
own; done inside the request that doubled a staff member's read of a complaint (measured: 4.2 → 8.5 ms in process,
0.72x the throughput). Instead the request hands its rows to this buffer and answers; a daemon thread writes
whatever has gathered every ``INTERVAL`` seconds (or as soon as ``BATCH`` rows wait) in one multi-row ``INSERT``.

Durability: the rows of the last ``INTERVAL`` seconds live only in the process until written. A graceful stop
(gunicorn's SIGTERM, a deploy) writes them first (``atexit``); a hard kill (SIGKILL, a crash) may lose them, like
the ``synchronous_commit = off`` commits they replace. A failed write (database down) keeps the rows and tries
again with the next batch; past ``MAX_PENDING`` rows the oldest are dropped and logged as errors, so an outage
cannot exhaust the worker's memory.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from typing import Any

from sqlalchemy import Engine, insert

from app.accounts.privacy.models import AccessLog

log = logging.getLogger(__name__)

INTERVAL = 0.2
BATCH = 500
MAX_PENDING = 50_000


class AuditWriter:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._pending: dict[Engine, list[dict[str, Any]]] = {}
        self._owner: int | None = None  # the process whose thread runs (a fork starts its own)
        self._writing = threading.Lock()

    def add(self, engine: Engine, rows: list[dict[str, Any]]) -> None:
        """Queue ``rows`` for ``engine``; they are written within ``INTERVAL`` seconds."""
        with self._cond:
            self._start()
            pending = self._pending.setdefault(engine, [])
            pending.extend(rows)
            if len(pending) > MAX_PENDING:
                lost = len(pending) - MAX_PENDING
                del pending[:lost]
                log.error("access log: %d rows dropped (the database has refused writes for too long)", lost)
            if len(pending) >= BATCH:
                self._cond.notify()

    def flush(self) -> None:
        """Write every queued row now, in the caller's thread (shutdown, tests); errors are logged, rows kept."""
        with self._writing:
            with self._cond:
                batches, self._pending = self._pending, {}
            for engine, rows in batches.items():
                if rows and not self._write(engine, rows):
                    with self._cond:
                        self._pending.setdefault(engine, [])[:0] = rows

    def pending(self) -> int:
        with self._cond:
            return sum(len(r) for r in self._pending.values())

    def _start(self) -> None:
        if self._owner == os.getpid():
            return
        self._owner = os.getpid()
        self._pending = {}  # rows copied from a parent process belong to the parent
        threading.Thread(target=self._run, name="balai-access-log", daemon=True).start()

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait(timeout=INTERVAL)
                idle = not any(self._pending.values())
            if not idle:
                self.flush()

    @staticmethod
    def _write(engine: Engine, rows: list[dict[str, Any]]) -> bool:
        try:
            with engine.begin() as conn:
                conn.execute(insert(AccessLog), rows)
            return True
        except Exception as exc:  # the database is away: keep the rows for the next round
            log.error("access log: %d rows not written yet: %s", len(rows), exc)
            return False


writer = AuditWriter()
atexit.register(writer.flush)
