"""Fixtures for complaints: photo storage in a temporary directory, event capture, statement counting."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from app.core.events import on
from app.core.storage import LocalStorage
from app.extensions import db
from complaints.events import EVENT_NAMES

_recording: list[list[tuple[str, dict[str, Any]]]] = []


def _listener(name: str):
    def record(**payload: Any) -> None:
        for sink in _recording:
            sink.append((name, payload))

    record.__name__ = f"record_{name.replace('.', '_')}"
    return record


for _name in EVENT_NAMES:
    on(_name)(_listener(_name))


@pytest.fixture
def events() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every complaints event emitted during the test, as (name, payload)."""
    sink: list[tuple[str, dict[str, Any]]] = []
    _recording.append(sink)
    yield sink
    _recording.remove(sink)


@pytest.fixture(autouse=True)
def _fresh_storage(storage: LocalStorage) -> LocalStorage:
    """Photos go to a fresh directory per test (the suite's ``storage`` fixture)."""
    return storage


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries():
    """Context manager factory: ``with count_queries() as q: ...; q.count`` (SQL statements sent)."""
    import contextlib

    @contextlib.contextmanager
    def counting() -> Iterator[StatementCounter]:
        counter = StatementCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)

    return counting


@pytest.fixture
def moderator():
    """A moderator of Kota Bandung (32.73), where the test complaints are filed."""
    from tests.factories import staff

    return staff("moderator", "32.73")
