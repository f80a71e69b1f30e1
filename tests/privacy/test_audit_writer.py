"""The buffer that writes read requests' access-log rows off the request path."""

from __future__ import annotations

import contextlib
import time
from typing import Any

from app.accounts.privacy import audit_writer
from app.accounts.privacy.audit_writer import AuditWriter


class FlakyEngine:
    """Refuses the first ``failures`` transactions (a database restart), then records what it is given."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.written: list[dict[str, Any]] = []

    @contextlib.contextmanager
    def begin(self):
        if self.failures:
            self.failures -= 1
            raise ConnectionError("database restarting")
        yield self

    def execute(self, _stmt: Any, rows: list[dict[str, Any]]) -> None:
        self.written.extend(rows)


def test_rows_are_written_by_the_thread_within_the_interval():
    writer, engine = AuditWriter(), FlakyEngine()
    writer.add(engine, [{"kind": "reporter_identity", "subject_id": 1}])
    deadline = time.monotonic() + 5
    while not engine.written and time.monotonic() < deadline:
        time.sleep(0.02)
    assert engine.written == [{"kind": "reporter_identity", "subject_id": 1}] and writer.pending() == 0


def test_rows_survive_a_failed_write_and_go_with_the_next_one(monkeypatch):
    monkeypatch.setattr(audit_writer, "INTERVAL", 3600)  # only explicit flushes here
    writer, engine = AuditWriter(), FlakyEngine(failures=1)
    writer.add(engine, [{"subject_id": 1}, {"subject_id": 2}])
    writer.flush()
    assert engine.written == [] and writer.pending() == 2
    writer.add(engine, [{"subject_id": 3}])
    writer.flush()
    assert [r["subject_id"] for r in engine.written] == [1, 2, 3] and writer.pending() == 0


def test_an_endless_outage_keeps_memory_bounded_dropping_the_oldest(monkeypatch):
    monkeypatch.setattr(audit_writer, "INTERVAL", 3600)
    monkeypatch.setattr(audit_writer, "MAX_PENDING", 3)
    monkeypatch.setattr(audit_writer, "BATCH", 10**9)
    writer, engine = AuditWriter(), FlakyEngine(failures=10**6)
    writer.add(engine, [{"subject_id": i} for i in range(5)])
    assert writer.pending() == 3
    engine.failures = 0
    writer.flush()
    assert [r["subject_id"] for r in engine.written] == [2, 3, 4]
