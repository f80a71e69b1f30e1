"""The access log: staff who saw a resident's identity (name, phone), a redaction's original text, or exported
personal data.

A feature calls :func:`record` where it decides to show such data to staff (``complaints.privacy.note_*``); the
rows of a request are written once, after the view answered 2xx, in one ``INSERT`` (a page of 50 queued complaints
is one statement). On a read request the request's own connection is read-only (``app.core.db``), so the rows go
through a short transaction of their own with ``synchronous_commit = off`` on PostgreSQL: the commit does not
wait for the disk (a crash may lose the last fraction of a second of log, never a consistent row). Writing
requests add them to their own transaction. On PostgreSQL that short transaction is a single ``INSERT`` on a small
autocommit pool of its own (``synchronous_commit=off`` set at connect): one round trip per request.
``ACCESS_AUDIT_ENABLED=false`` exists only for the benchmark that
measures this cost.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, g, has_request_context, request
from sqlalchemy import Connection, Engine, insert, select

from app.accounts.privacy import registry
from app.accounts.privacy.models import ACCESS_KINDS, AccessLog
from app.accounts.roles import Role
from app.areas.codes import within_area
from app.core.db import AUTOCOMMIT_READ, SAFE_METHODS, make_engine, utcnow
from app.core.errors import ValidationFailed
from app.core.pagination import keyset, page
from app.core.ratelimit import client_ip
from app.extensions import db

_KEY = "balai_access_log"
_engines: dict[str, Engine] = {}


def _autocommit_engine(url: str) -> Engine:
    """PostgreSQL: an autocommit pool whose commits do not wait for the disk (built once per process)."""
    engine = _engines.get(url)
    if engine is None:
        engine = make_engine(
            url,
            pool_size=2,
            max_overflow=8,
            isolation_level="AUTOCOMMIT",
            connect_args={"options": "-c synchronous_commit=off"},
        )
        _engines[url] = engine
    return engine


def record(
    *,
    actor: Any,
    kind: str,
    subject_id: int | None,
    object_type: str,
    object_id: int | None,
    area_key: str | None,
    office_id: int | None = None,
) -> None:
    """Note that ``actor`` (staff) was shown ``kind`` about resident ``subject_id``; written after a 2xx answer."""
    if kind not in ACCESS_KINDS:
        raise ValueError(f"unknown access kind {kind!r}")
    if actor is None or actor.role == Role.RESIDENT or actor.id == subject_id or not has_request_context():
        return
    if not current_app.config.get("ACCESS_AUDIT_ENABLED", True):
        return
    rows = g.get(_KEY)
    if rows is None or g.get(_KEY + "_environ") is not request.environ:
        rows = []
        setattr(g, _KEY, rows)
        setattr(g, _KEY + "_environ", request.environ)
    rows.append(
        {
            "actor_id": actor.id,
            "actor_role": actor.role,
            "actor_scope": actor.scope,
            "office_id": office_id,
            "subject_id": subject_id,
            "kind": kind,
            "object_type": object_type,
            "object_id": object_id,
            "area_key": area_key,
        }
    )


def _pending() -> list[dict[str, Any]]:
    if g.get(_KEY + "_environ") is not request.environ:
        return []
    rows = g.pop(_KEY, None) or []
    g.pop(_KEY + "_environ", None)
    return rows


def _write(response: Response) -> Response:
    rows = _pending()
    if not rows or not 200 <= response.status_code < 300:
        return response
    now, ip = utcnow(), client_ip()[:45]
    endpoint = f"{request.method} {request.path}"[:200]
    for row in rows:
        row.update(created_at=now, ip=ip, endpoint=endpoint)
    stmt = insert(AccessLog)
    session = db.session()
    if request.method not in SAFE_METHODS or (
        isinstance(session.get_bind(), Connection) and not session.info.get(AUTOCOMMIT_READ)
    ):
        # A writing request commits the rows with its own changes; the test suite's sessions are bound to the
        # test's transaction and write there. A read request's session (PostgreSQL's read-only autocommit
        # connection, SQLite's query_only transaction) cannot write: the rows go through a connection of their own.
        session.execute(stmt, rows)
        return response
    assert db.engine is not None
    if db.dialect == "postgresql":
        with _autocommit_engine(current_app.config["DATABASE_URL"]).connect() as conn:
            conn.execute(stmt.values(rows))
        return response
    with db.engine.connect().execution_options(sqlite_deferred=True) as conn:  # SQLite: a read request's
        conn.exec_driver_sql("PRAGMA query_only=OFF")  # connection is query_only; this one may write
        conn.execute(stmt, rows)
        conn.commit()
    return response


def init_app(app: Flask) -> None:
    """Register the writer. ``app.accounts`` registers after the request transaction and the ETag step, so this
    runs before both (Flask runs after-request hooks in reverse): it sees the 200 and joins the commit."""
    app.after_request(_write)


# --- reading the log ---------------------------------------------------------------------------------------------


def list_for_area(
    *,
    viewer: Any,
    area: str | None,
    actor_id: int | None,
    subject_id: int | None,
    kind: str | None,
    since: Any,
    until: Any,
    cursor: str | None,
    limit: int,
) -> dict[str, Any]:
    """The log of the admin's area (where the object lies), newest first, filtered."""
    from app.areas.codes import area_contains

    scope = viewer.scope or "-"
    if area is not None and not area_contains(scope, area):
        raise ValidationFailed("That area is outside your area.", errors={"area": ["Choose an area inside your own."]})
    A = AccessLog
    stmt = select(A).where(within_area(A.area_key, area or scope))
    if actor_id is not None:
        stmt = stmt.where(A.actor_id == actor_id)
    if subject_id is not None:
        stmt = stmt.where(A.subject_id == subject_id)
    if kind is not None:
        stmt = stmt.where(A.kind == kind)
    if since is not None:
        stmt = stmt.where(A.created_at >= since)
    if until is not None:
        stmt = stmt.where(A.created_at < until)
    stmt = keyset(stmt, keys=[A.id], cursor=cursor, limit=limit, types=[int], descending=True)
    rows = list(db.session.scalars(stmt))
    return page(rows, limit=limit, key=lambda r: [r.id])


def list_for_subject(*, user_id: int, cursor: str | None, limit: int) -> dict[str, Any]:
    """Who saw the resident's identity: newest first (the presenter shows roles and offices, never staff), with
    ``office_names`` of the offices in the page (the features' office namers)."""
    A = AccessLog
    stmt = select(A).where(A.subject_id == user_id)
    stmt = keyset(stmt, keys=[A.id], cursor=cursor, limit=limit, types=[int], descending=True)
    rows = list(db.session.scalars(stmt))
    result = page(rows, limit=limit, key=lambda r: [r.id])
    result["office_names"] = registry.office_names(sorted({r.office_id for r in rows if r.office_id is not None}))
    return result
