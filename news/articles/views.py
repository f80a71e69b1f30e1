"""Views and read state, counted without a database write per read.

``GET /news/{id}`` only adds to a buffer; ``flush`` adds the buffered counts to ``news_articles.view_count`` and
``news_article_view_days`` and writes the readers' ``news_article_reads`` rows, in one transaction.

- With ``REDIS_URL`` (production, several processes): the buffer is two Redis hashes (``HINCRBY`` per view,
  ``HSETNX`` per reader, one pipelined round trip). The periodic job ``flush_news_views`` (every minute, any worker)
  renames them aside under a Redis lock, applies them and deletes them once committed. A web worker that restarts
  loses nothing; a flush that dies before its commit is retried from the renamed keys by the next run (a flush that
  dies after its commit but before the delete would count that minute twice). What Redis itself loses (no
  persistence configured) is lost.
- Without Redis (a laptop, SQLite): the buffer lives in each web process, which flushes it itself after a request
  once it is ``FLUSH_SECONDS`` old (outside the request, after the answer was sent) and when the process exits
  normally. Window of loss: a process killed hard loses at most its last ``FLUSH_SECONDS`` of views and reads.

Read state therefore shows up to a minute late; the app marks an article read locally at once.
"""

from __future__ import annotations

import atexit
import datetime as dt
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, after_this_request, current_app, has_request_context
from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.core import user_state
from app.core.db import utcnow
from app.core.events import after_commit, after_rollback
from app.extensions import db
from news.articles import reader_state
from news.articles.models import Article, ArticleRead, ArticleViewDay

FLUSH_SECONDS = 60
_KEY = "news_view_buffer"


@dataclass
class Batch:
    views: Counter[tuple[int, str]] = field(default_factory=Counter)  # (article id, ISO day) → views
    reads: dict[tuple[int, int], str] = field(default_factory=dict)  # (user id, article id) → ISO time

    def __bool__(self) -> bool:
        return bool(self.views or self.reads)


class MemoryBuffer:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._batch = Batch()
        self._since: float | None = None

    def add(self, article_id: int, user_id: int | None, at: dt.datetime) -> None:
        with self._lock:
            self._batch.views[(article_id, at.date().isoformat())] += 1
            if user_id is not None:
                self._batch.reads.setdefault((user_id, article_id), at.isoformat())
            if self._since is None:
                self._since = time.monotonic()

    def due(self) -> bool:
        return self._since is not None and time.monotonic() - self._since >= FLUSH_SECONDS

    def take(self) -> tuple[Batch, Any]:
        with self._lock:
            batch, self._batch, self._since = self._batch, Batch(), None
        return batch, lambda: None

    def restore(self, batch: Batch) -> None:
        with self._lock:
            self._batch.views.update(batch.views)
            for key, at in batch.reads.items():
                self._batch.reads.setdefault(key, at)
            self._since = self._since or time.monotonic()


class RedisBuffer:
    def __init__(self, url: str, prefix: str = "balai:news") -> None:
        import redis

        self.redis = redis.Redis.from_url(url)
        self.views_key, self.reads_key = f"{prefix}:views", f"{prefix}:reads"
        self.lock_key = f"{prefix}:flush-lock"

    def add(self, article_id: int, user_id: int | None, at: dt.datetime) -> None:
        pipe = self.redis.pipeline(transaction=False)
        pipe.hincrby(self.views_key, f"{article_id}:{at.date().isoformat()}", 1)
        if user_id is not None:
            pipe.hsetnx(self.reads_key, f"{user_id}:{article_id}", at.isoformat())
        pipe.execute()

    def due(self) -> bool:
        return False  # the periodic job flushes

    def take(self) -> tuple[Batch, Any]:
        token = secrets.token_hex(8)
        if not self.redis.set(self.lock_key, token, nx=True, ex=300):
            return Batch(), lambda: None  # another flush is running
        aside = (self.views_key + ":flushing", self.reads_key + ":flushing")
        for key, moved in zip((self.views_key, self.reads_key), aside, strict=True):
            if not self.redis.exists(moved) and self.redis.exists(key):
                self.redis.rename(key, moved)
        batch = Batch()
        for name, n in self.redis.hgetall(aside[0]).items():
            article_id, day = name.decode().split(":", 1)
            batch.views[(int(article_id), day)] += int(n)
        for name, at in self.redis.hgetall(aside[1]).items():
            user_id, article_id = name.decode().split(":", 1)
            batch.reads[(int(user_id), int(article_id))] = at.decode()

        def done() -> None:
            self.redis.delete(*aside)
            if self.redis.get(self.lock_key) == token.encode():
                self.redis.delete(self.lock_key)

        return batch, done

    def restore(self, batch: Batch) -> None:
        """Nothing to do: the renamed keys stay and the next flush applies them."""
        self.redis.delete(self.lock_key)


def get_buffer(app: Flask | None = None) -> Any:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    buffer = app.extensions.get(_KEY)
    if buffer is None:
        url = app.config.get("REDIS_URL")
        buffer = RedisBuffer(url) if url else MemoryBuffer()
        app.extensions[_KEY] = buffer
        if isinstance(buffer, MemoryBuffer) and not app.testing:
            atexit.register(_flush_in_app, app)
    return buffer


def record_view(article_id: int, user_id: int | None) -> None:
    """Count one view (and the reader's read state) in the buffer; no database write."""
    buffer = get_buffer()
    buffer.add(article_id, user_id, utcnow())
    if buffer.due() and has_request_context():
        app = current_app._get_current_object()  # type: ignore[attr-defined]

        @after_this_request
        def _later(response: Any) -> Any:
            response.call_on_close(lambda: _flush_in_app(app))
            return response


def _flush_in_app(app: Flask) -> None:
    """Flush outside any request (after the answer was sent, or at exit), in its own transaction."""
    with app.app_context():
        try:
            flush()
            db.session.commit()
        except Exception:
            db.session.rollback()
            app.logger.exception("could not flush news views")
        finally:
            db.session.remove()


def _insert(model: Any) -> Any:
    return (postgresql.insert if db.dialect == "postgresql" else sqlite.insert)(model)


def apply(batch: Batch) -> None:
    """Write a batch in the current transaction."""
    if batch.views:
        totals: Counter[int] = Counter()
        for (article_id, _day), n in batch.views.items():
            totals[article_id] += n
        A = Article.__table__
        db.session.execute(
            update(A)
            .where(A.c.id == bindparam("aid"))
            .values(view_count=A.c.view_count + bindparam("n"), updated_at=A.c.updated_at),
            [{"aid": a, "n": n} for a, n in sorted(totals.items())],
        )
        ins = _insert(ArticleViewDay)
        upsert = ins.on_conflict_do_update(
            index_elements=["article_id", "day"], set_={"views": ArticleViewDay.views + ins.excluded.views}
        )
        existing = set(db.session.scalars(select(Article.id).where(Article.id.in_(sorted(totals)))))
        rows = [
            {"article_id": a, "day": dt.date.fromisoformat(d), "views": n}
            for (a, d), n in sorted(batch.views.items())
            if a in existing
        ]
        if rows:
            db.session.execute(upsert, rows)
    if batch.reads:
        from app.accounts.models import User

        user_ids = sorted({u for u, _a in batch.reads})
        users = set(db.session.scalars(select(User.id).where(User.id.in_(user_ids))))
        article_ids = sorted({a for _u, a in batch.reads})
        articles = set(db.session.scalars(select(Article.id).where(Article.id.in_(article_ids))))
        rows = [
            {"user_id": u, "article_id": a, "read_at": dt.datetime.fromisoformat(at)}
            for (u, a), at in sorted(batch.reads.items())
            if u in users and a in articles
        ]
        if rows:
            db.session.execute(_insert(ArticleRead).on_conflict_do_nothing(), rows)
            user_state.changed_for_users(db.session, reader_state.ME, {r["user_id"] for r in rows})


def flush() -> int:
    """Apply what the buffer holds in the current transaction (the caller commits); how many views."""
    buffer = get_buffer()
    batch, done = buffer.take()
    if not batch:
        done()
        return 0
    session = db.session()
    after_rollback(session, lambda: buffer.restore(batch))
    apply(batch)
    after_commit(session, done)
    return sum(batch.views.values())
