"""Per-process caches for static data: cachetools with a lock, the lifetime read from a setting.

Use them through ``cachetools.cached(cache, lock=threading.Lock())`` (``.cache_clear()`` empties one)::

    @cachetools.cached(setting_ttl_cache("AREA_CACHE_SECONDS", maxsize=100_000), lock=threading.Lock())
    def load(code: str) -> ...: ...
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import cachetools
from flask import current_app


def setting_ttl_cache(
    setting: str, *, maxsize: int, timer: Callable[[], float] = time.monotonic
) -> cachetools.TLRUCache[Any, Any]:
    """An LRU cache whose entries live ``app.config[setting]`` seconds, read when each entry is stored.

    Zero (or less) disables it: nothing is stored and every call loads. Reading the setting at store time (a
    cachetools TLRU "time to use") lets the cache be made at import time, before any app is configured.
    """

    def time_to_use(_key: Any, _value: Any, now: float) -> float:
        return now + current_app.config[setting]

    return cachetools.TLRUCache(maxsize=maxsize, ttu=time_to_use, timer=timer)
