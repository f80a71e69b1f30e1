"""Database engine, the request-scoped session and the shared column types.

One commit per request: services only ``flush()``; ``register_request_transaction`` commits after a successful
response and rolls back otherwise. Work that must happen only once the data is stored (push sending, jobs) is
registered with ``app.core.events.after_commit``.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask, Response, current_app, g, has_app_context, has_request_context, request
from sqlalchemy import (
    BigInteger,
    Connection,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    bindparam,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

from app.core.errors import error_response_for, is_unavailable

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def one_of(column: Any, values: Any) -> Any:
    """``column IN (constants)`` for statements built once and run often. SQLAlchemy turns ``column.in_(list)`` into
    one expanding parameter that it renders again on every execution (a cost on hot lists); one plain parameter
    per value is rendered once with the statement."""
    return column.in_([bindparam(None, value, type_=column.type) for value in values])


#: Primary keys that outgrow 2^31 (notification read markers, deliveries); SQLite needs INTEGER for rowid aliasing.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


def code_string(length: int) -> String:
    """Area codes compare byte-wise (C collation) so that prefix/range tests use the index on PostgreSQL."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime()}


def flush_unique(session: Session, *new: object, conflict: Callable[[], Exception]) -> None:
    """Flush inside a savepoint, adding ``new`` objects there: a unique-constraint clash (often a lost race after a
    friendly pre-check) raises ``conflict()`` and leaves nothing pending, so the session stays usable."""
    try:
        with session.begin_nested():
            session.add_all(new)
            session.flush()
    except IntegrityError:
        raise conflict() from None


def alembic_include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """PostgreSQL-only accelerators (trigram indexes named ``*_trgm``, full-text GIN indexes named ``*_fts``) live in
    migrations, not in the models."""
    return not (type_ == "index" and reflected and compare_to is None and (name or "").endswith(("_trgm", "_fts")))


def _scope_id() -> Hashable:
    """One session per (app context, request context): per request, per CLI command, per job.

    The request context matters because the test client runs requests inside the test's app context, and each
    request must still get its own session, committed or rolled back on its own, as in production. The app context
    matters because a job run inline (immediate mode) pushes its own app context inside a request.

    Flask's public handles on the two contexts: ``g`` is one object per app context, ``request`` one per request
    context (``_get_current_object()`` is werkzeug's documented way to reach the object behind a proxy).
    """
    if not has_app_context():
        return threading.get_ident()
    req = request._get_current_object() if has_request_context() else None
    return (id(g._get_current_object()), id(req) if req is not None else 0)


def _configure_sqlite(engine: Engine) -> None:
    """Foreign keys on, WAL for concurrent readers, and real SAVEPOINT support (pysqlite's own BEGIN is off)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()
        for hook in SQLITE_CONNECT_HOOKS:
            hook(dbapi_conn)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A read request's transaction cannot write (query_only), like PostgreSQL's read-only read connection.
        # A connection opened with execution_options(sqlite_deferred=True) begins as SQLite's default does (the test
        # suite's outer transaction, so that tests with connections of their own can still write).
        if conn.get_execution_options().get("sqlite_deferred"):
            conn.exec_driver_sql("PRAGMA query_only=OFF")  # the pooled connection may have served a read last
            conn.exec_driver_sql("BEGIN")
        elif reads_only():
            conn.exec_driver_sql("PRAGMA query_only=ON")
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("PRAGMA query_only=OFF")
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def reads_only() -> bool:
    """Whether the transaction about to begin belongs to a read request (GET, HEAD, OPTIONS).

    SQLite lets one writer in at a time. A deferred transaction that reads and then writes cannot wait for the
    lock: if another connection committed meanwhile, its snapshot is stale and the write fails at once with
    "database is locked", whatever the busy timeout. So every other transaction (writing requests, jobs, commands)
    takes the write lock when it begins and waits for it on the busy timeout, as PostgreSQL's row locks would.
    """
    return has_request_context() and request.method in SAFE_METHODS


#: Features register SQLite user functions here (e.g. trigonometry for distance) so both backends run one query.
SQLITE_CONNECT_HOOKS: list[Any] = []


def make_engine(url: str, *, pool_size: int = 5, max_overflow: int = 10, echo: bool = False, **options: Any) -> Engine:
    """An engine with pooling suited to the backend (``options``: more ``create_engine`` arguments, PostgreSQL)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            from pathlib import Path

            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, echo=echo)
        else:
            engine = create_engine(url, echo=echo, poolclass=StaticPool, connect_args={"check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    # pool_pre_ping: a connection the server dropped while it sat in the pool (restart, failover,
    # pg_terminate_backend) is replaced at checkout instead of failing the request that draws it.
    return create_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_recycle=1800,
        pool_pre_ping=True,
        **options,
    )


def ensure_database(url: str, *, via: str | None = None, drop: bool = False) -> None:
    """Create the PostgreSQL database of ``url`` when it is missing (dropping it first when ``drop``), through ``via``,
    another database on that server (its ``postgres`` database by default). For the tests and the benchmarks: the
    application itself never creates a database."""
    target = make_url(url)
    admin = make_engine(via or target.set(database="postgres").render_as_string(hide_password=False))
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if drop:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database})
            if exists.first() is None:
                conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        admin.dispose()


def make_read_engine(url: str, *, pool_size: int = 5, max_overflow: int = 10, echo: bool = False) -> Engine:
    """PostgreSQL connections for read requests: autocommit, and read-only for every statement they run."""
    engine = make_engine(url, pool_size=pool_size, max_overflow=max_overflow, echo=echo, isolation_level="AUTOCOMMIT")

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_conn: Any, _record: Any) -> None:
        autocommit = dbapi_conn.autocommit
        dbapi_conn.autocommit = True
        dbapi_conn.execute("SET default_transaction_read_only = on")
        dbapi_conn.autocommit = autocommit

    return engine


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: ``Session.info`` flag of a read request's session on the autocommit connection (nothing to commit).
AUTOCOMMIT_READ = "balai_autocommit_read"


class Database:
    """Holds the engine and a session per app context (one per request, CLI command or job).

    On PostgreSQL, read requests (GET, HEAD, OPTIONS) run in autocommit mode on a connection each worker thread
    keeps open: no BEGIN/COMMIT round trips and no pool checkout around a read-only request (each statement sees its
    own snapshot, which read endpoints accept). That connection comes from a pool of its own whose sessions are
    read-only (``default_transaction_read_only``), so a read request that tries to write fails loudly instead of
    writing outside any transaction. On SQLite a read request's transaction is ``query_only``. Everything else runs
    in one transaction on a pooled connection. Code that runs statements asks ``connection()`` and never chooses.
    """

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.read_engine: Engine | None = None
        self.factory = sessionmaker(expire_on_commit=False, autoflush=True)
        self.session: scoped_session[Session] = scoped_session(self._new_session, scopefunc=_scope_id)
        self._local = threading.local()

    def is_read_request(self) -> bool:
        return self.read_engine is not None and reads_only()

    def connection(self) -> Connection:
        """The connection for this request's Core statements: the read connection on a read request, else the
        session's (inside its transaction)."""
        return self.read_connection() if self.is_read_request() else self.session.connection()

    def read_connection(self) -> Connection:
        """This thread's autocommit connection for read requests, reopened after a disconnect."""
        assert self.read_engine is not None
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is None or conn.closed or conn.invalidated:
            conn = self.read_engine.connect()
            self._local.conn = conn
        return conn

    def forget_connections(self) -> None:
        """After a lost connection: end this request's session and drop the thread's read connection, so the next
        statement draws a fresh connection (the pool replaces the dead ones: pre-ping, invalidation)."""
        self._remove_session(None)
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            try:
                conn.invalidate()
                conn.close()
            except Exception as exc:  # already gone: nothing more to release
                log.debug("read connection already gone: %s", exc)
            self._local.conn = None

    def retry_read(self, call: Callable[[], Any]) -> Any:
        """Run a view; on a read request (GET, HEAD, OPTIONS) that meets a lost database connection, run it once
        more on a fresh one. Reads are idempotent, so a restart or failover costs readers nothing. Writes are never
        repeated here: their error answers 503 (``app.core.errors``) and the client retries (Idempotency-Key)."""
        if not (has_request_context() and request.method in SAFE_METHODS):
            return call()
        try:
            return call()
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            log.warning("database connection lost on %s %s (%s); retrying once", request.method, request.path, exc)
            self.forget_connections()
            return call()

    def _new_session(self) -> Session:
        if self.is_read_request():
            return self.factory(bind=self.read_connection(), info={AUTOCOMMIT_READ: True})
        return self.factory()

    def init_app(self, app: Flask) -> None:
        cfg = app.config
        self.engine = make_engine(
            cfg["DATABASE_URL"],
            pool_size=cfg["DB_POOL_SIZE"],
            max_overflow=cfg["DB_MAX_OVERFLOW"],
            echo=cfg["DB_ECHO"],
        )
        self.factory.configure(bind=self.engine)
        if self.engine.dialect.name == "postgresql":
            self.read_engine = make_read_engine(
                cfg.get("DATABASE_READ_URL") or cfg["DATABASE_URL"],
                pool_size=cfg["DB_POOL_SIZE"],
                max_overflow=cfg["DB_MAX_OVERFLOW"],
                echo=cfg["DB_ECHO"],
            )
        app.extensions["balai_db"] = self
        app.teardown_request(self._remove_session)
        app.teardown_appcontext(self._remove_session)

    def dispose(self) -> None:
        """Close this thread's read connection and every pooled connection (tests, forked workers)."""
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
        for engine in (self.read_engine, self.engine):
            if engine is not None:
                engine.dispose()

    def _remove_session(self, _exc: BaseException | None) -> None:
        try:
            self.session.remove()
        except Exception as exc:  # closing over a connection the server dropped: the pool discards it
            log.warning("could not close the database session cleanly: %s", exc)
            self.session.registry.clear()

    @property
    def dialect(self) -> str:
        assert self.engine is not None
        return self.engine.dialect.name


def register_request_transaction(app: Flask, database: Database) -> None:
    """Commit once after a successful response; roll back on any error response."""

    @app.after_request
    def _finish_transaction(response: Response) -> Response:
        session = database.session
        if not session.registry.has():
            return response
        s = session()
        # (Only the autocommit read session is skipped: the test suite binds sessions to its own Connection, and
        # its requests must still commit, into a savepoint, so that after-commit work runs as in production.)
        if not s.in_transaction() or s.info.get(AUTOCOMMIT_READ):
            return response  # nothing to commit (an autocommit read); teardown closes the session
        if response.status_code >= 400:
            _rollback(s)
            return response
        try:
            s.commit()
        except Exception as exc:  # a constraint that only fails at commit, or a lost connection: an error answer
            _rollback(s)
            current_app.logger.warning("commit failed: %s", exc)
            return error_response_for(exc)
        return response


def _rollback(session: Session) -> None:
    """Roll back; on a connection that is already gone there is nothing to undo (the server discarded the
    transaction), so a failing rollback must not turn the error answer into a 500."""
    try:
        session.rollback()
    except Exception as exc:
        log.warning("rollback failed (connection lost?): %s", exc)
        try:
            session.close()
        except Exception as close_exc:
            log.debug("closing after a failed rollback: %s", close_exc)
