"""Background jobs on Huey: one queue for the whole app, configured from the app's configuration.

- ``REDIS_URL`` set: a Redis queue (several worker processes or machines share it; a worker wakes at once).
- otherwise: a SQLite file queue under ``instance/`` (no server needed on a laptop; an idle worker polls).
- ``JOBS_IMMEDIATE`` (the test configuration): a job runs in the caller's thread when it is enqueued.

Features declare jobs with ``@job()`` and periodic jobs with ``@periodic_job(crontab(...))``. Each job runs inside
an app context with its own database session and commits at the end (a failure rolls back). Jobs for data a
request writes are enqueued with ``enqueue_after_commit``, so a rolled-back request never starts one.

Huey's ``lock_task`` does not work on SQLite or on Redis < 7.4: jobs that must not overlap claim database rows
instead (``app.core.claims``). Run a worker with ``flask jobs worker``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from huey import Huey, crontab
from huey.api import TaskWrapper
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from redis import ConnectionPool

from app.core.events import after_commit

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

#: The queue. Tasks register on it at import time; ``init_app`` gives it its storage.
huey = Huey("balai", results=False, utc=True, storage_class=MemoryStorage)

_state: dict[str, Flask | None] = {"app": None}


def configure_queue(queue: Huey, *, redis_url: str, sqlite_path: str, immediate: bool) -> None:
    """Point ``queue`` at Redis, a SQLite file, or immediate mode (in-memory, run at enqueue)."""
    if immediate:
        queue.storage_class, queue.storage_kwargs = MemoryStorage, {}
    elif redis_url:
        # Bounded waits: an API process enqueueing to a Redis that does not answer gives up after a second and
        # logs (the outbox rows stay and the sweep picks them up); socket_timeout is above the consumer's
        # blocking read (read_timeout, 1 s).
        pool = ConnectionPool.from_url(redis_url, socket_connect_timeout=1.0, socket_timeout=5.0)
        queue.storage_class, queue.storage_kwargs = RedisStorage, {"connection_pool": pool}
    else:
        Path(sqlite_path).parent.mkdir(parents=True, exist_ok=True)
        queue.storage_class, queue.storage_kwargs = SqliteStorage, {"filename": sqlite_path}
    queue.immediate = immediate  # Huey's public setter (it rebuilds the storage when the mode changes)
    queue.storage = queue.create_storage()


def init_app(app: Flask) -> None:
    cfg = app.config
    configure_queue(
        huey,
        redis_url=cfg["REDIS_URL"],
        sqlite_path=cfg["JOBS_SQLITE_PATH"] or str(Path(app.instance_path) / "jobs.sqlite3"),
        immediate=cfg["JOBS_IMMEDIATE"],
    )
    _state["app"] = app
    app.cli.add_command(jobs_cli)


def _run_in_app(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a job body in a fresh app context (its own session); commit on success, roll back on error."""
    from app.extensions import db

    app = _state["app"]
    if app is None:
        raise RuntimeError("the job queue is not configured: create the app first")
    with app.app_context():
        try:
            result = fn(*args, **kwargs)
            db.session.commit()
            return result
        except BaseException:
            db.session.rollback()
            raise


def job(**options: Any) -> Callable[[F], TaskWrapper]:
    """Declare a background job. Calling the returned task enqueues it; ``.call_local()`` runs it now."""

    def deco(fn: F) -> TaskWrapper:
        @functools.wraps(fn)
        def body(*args: Any, **kwargs: Any) -> Any:
            return _run_in_app(fn, *args, **kwargs)

        return huey.task(name=fn.__name__, **options)(body)  # Huey registers it as <module>.<name>

    return deco


def periodic_job(schedule: Callable[..., bool], **options: Any) -> Callable[[F], TaskWrapper]:
    """Declare a job the worker runs on a schedule, e.g. ``@periodic_job(crontab(minute="*"))``."""

    def deco(fn: F) -> TaskWrapper:
        @functools.wraps(fn)
        def body() -> Any:
            return _run_in_app(fn)

        return huey.periodic_task(schedule, name=fn.__name__, **options)(body)

    return deco


def enqueue(task: TaskWrapper, *args: Any, **kwargs: Any) -> None:
    """Enqueue now. A queue that cannot be reached is logged, not raised: the work is still in the database and a
    periodic sweep picks it up (callers only enqueue work that is recorded in the database first)."""
    try:
        task(*args, **kwargs)
    except Exception:
        log.exception("could not enqueue %s; the periodic sweep will pick the work up", task.name)


def enqueue_after_commit(task: TaskWrapper, *args: Any, **kwargs: Any) -> None:
    """Enqueue ``task`` once the current request/job transaction commits; nothing if it rolls back. The same job
    with the same arguments is enqueued once per commit, however often it was asked for."""
    from app.core import events
    from app.extensions import db

    session = db.session()
    key = (task.name, args, kwargs)
    if any(getattr(fn, "balai_job", None) == key for fn in session.info.get(events._KEY, [])):
        return

    def run() -> None:
        enqueue(task, *args, **kwargs)

    run.balai_job = key  # type: ignore[attr-defined]
    after_commit(session, run)


jobs_cli = AppGroup("jobs", help="Background job queue.")


@jobs_cli.command("worker")
@click.option("-w", "--workers", default=2, show_default=True, help="Worker threads in this process.")
@click.option(
    "--max-delay",
    default=1.0,
    show_default=True,
    help="Longest pause between polls of an idle SQLite queue (Redis wakes at once).",
)
def worker_command(workers: int, max_delay: float) -> None:
    """Run a worker: queued jobs and the periodic ones. Start one per machine (or more, with Redis)."""
    if huey.immediate:
        raise click.ClickException("JOBS_IMMEDIATE is on: jobs run inline, there is nothing to consume")
    backend = "Redis" if isinstance(huey.storage, RedisStorage) else "SQLite"
    click.echo(f"Balai worker: {workers} threads on the {backend} queue ({current_app.config['ENV']})")
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True, max_delay=max_delay)
    consumer.run()


__all__ = ["crontab", "enqueue", "enqueue_after_commit", "huey", "init_app", "job", "periodic_job"]
