"""Fault injection shared by the outage tests: lost database connections, a closed port."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from app.extensions import db


class ConnectionLost(Exception):
    """Stands in for the driver's error when the server closed the connection (no SQLSTATE, like psycopg's)."""

    __module__ = "psycopg"  # classified like a client-side psycopg failure

    def __str__(self) -> str:
        return "server closed the connection unexpectedly"


@contextmanager
def lose_connection(match: str, *, times: int = 1) -> Iterator[list[str]]:
    """The next ``times`` statements containing ``match`` fail as if the database connection had just died
    (what a failover or ``pg_terminate_backend`` does to a statement in flight). Yields the statements hit."""
    hits: list[str] = []

    def fail(conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool) -> None:
        if match in statement and len(hits) < times:
            hits.append(statement)
            raise OperationalError(statement, params, ConnectionLost(), connection_invalidated=True)

    assert db.engine is not None
    event.listen(db.engine, "before_cursor_execute", fail)
    try:
        yield hits
    finally:
        event.remove(db.engine, "before_cursor_execute", fail)


def closed_port() -> int:
    """A local port nobody listens on (connections are refused at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
