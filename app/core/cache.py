"""Per-process caches for static data and shared answers (``SharedAnswers``): cachetools with a lock, the lifetime
read from a setting.

Use them through ``cachetools.cached(cache, lock=threading.Lock())`` (``.cache_clear()`` empties one)::

    @cachetools.cached(setting_ttl_cache("AREA_CACHE_SECONDS", maxsize=100_000), lock=threading.Lock())
    def load(code: str) -> ...: ...
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any

import cachetools
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from app.core.events import after_commit


def setting_ttl_cache(
    setting: str,
    *,
    maxsize: int,
    timer: Callable[[], float] = time.monotonic,
    getsizeof: Callable[[Any], int] | None = None,
) -> cachetools.TLRUCache[Any, Any]:
    """An LRU cache whose entries live ``app.config[setting]`` seconds, read when each entry is stored.

    Zero (or less) disables it: nothing is stored and every call loads. Reading the setting at store time (a
    cachetools TLRU "time to use") lets the cache be made at import time, before any app is configured. With
    ``getsizeof`` (an entry's size), ``maxsize`` bounds the sum of the sizes instead of the number of entries.
    """

    def time_to_use(_key: Any, _value: Any, now: float) -> float:
        return now + current_app.config[setting]

    return cachetools.TLRUCache(maxsize=maxsize, ttu=time_to_use, timer=timer, getsizeof=getsizeof)


def forget_when_written(model: type, forget: Callable[[], None]) -> None:
    """Call ``forget`` (empty a per-process cache) whenever a session of this process writes ``model`` rows: at the
    flush of an added, changed or deleted object or at a bulk ``UPDATE``/``DELETE`` of the model, and again once
    the transaction commits, so a read that overlapped the write cannot put the old answer back. Other processes'
    writes show when their entries expire."""

    def now_and_after_commit(session: Session) -> None:
        forget()
        after_commit(session, forget)

    @event.listens_for(Session, "after_flush")
    def _flushed(session: Session, _context: Any) -> None:
        if any(isinstance(o, model) for o in (*session.new, *session.dirty, *session.deleted)):
            now_and_after_commit(session)

    @event.listens_for(Session, "do_orm_execute")
    def _bulk(state: ORMExecuteState) -> None:
        if (state.is_update or state.is_delete) and any(m.class_ is model for m in state.all_mappers):
            now_and_after_commit(state.session)


class SharedAnswers:
    """Encoded answers that many callers share, kept in this process for ``app.config[setting]`` seconds (0: off),
    thread-safe, and emptied whenever this process writes a ``written`` model (``forget_when_written``)."""

    def __init__(
        self,
        setting: str,
        *,
        maxsize: int,
        written: type | None = None,
        getsizeof: Callable[[Any], int] | None = None,
    ) -> None:
        self._cache = setting_ttl_cache(setting, maxsize=maxsize, getsizeof=getsizeof)
        self._lock = threading.Lock()
        self._cleared = 0  # bumped by every clear: an answer built across one is not kept
        if written is not None:
            forget_when_written(written, self.clear)

    def get(self, key: Hashable) -> Any:
        with self._lock:
            return self._cache.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._store(key, value)

    def _store(self, key: Hashable, value: Any) -> None:
        with contextlib.suppress(ValueError):  # larger than the whole cache (``getsizeof``): served, not kept
            self._cache[key] = value

    def get_or_build(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """The kept answer, or ``build()``'s (built outside the lock: two callers may build it at once), kept unless
        the cache was emptied meanwhile: a build that read before this process's write committed would otherwise
        put the old answer back after the commit emptied the cache."""
        with self._lock:
            hit = self._cache.get(key)
            cleared = self._cleared
        if hit is None:
            hit = build()
            with self._lock:
                if self._cleared == cleared:
                    self._store(key, hit)
        return hit

    def get_many_or_build(self, keys: Iterable[Hashable], build: Callable[[list[Any]], dict[Any, Any]]) -> dict:
        """The kept answers of ``keys``, the missing ones from one ``build(missing_keys)`` (a dict; a key it leaves
        out has no answer), kept as ``get_or_build`` keeps them."""
        keys = list(keys)
        with self._lock:
            found = {k: v for k in keys if (v := self._cache.get(k)) is not None}
            cleared = self._cleared
        missing = [k for k in keys if k not in found]
        if missing:
            built = build(missing)
            with self._lock:
                if self._cleared == cleared:
                    for key, value in built.items():
                        self._store(key, value)
            found.update(built)
        return found

    def clear(self) -> None:
        with self._lock:
            self._cleared += 1
            self._cache.clear()
