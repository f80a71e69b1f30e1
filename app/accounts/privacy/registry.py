"""Where each feature plugs into a resident's data rights, without accounts knowing the features.

A feature registers, at import time of its ``register(app, api)``:

- an **exporter** ``fn(user_id) -> Iterable[(filename, payload)]`` for "download my data": ``payload`` is a
  ``dict``/``list`` (written as JSON), ``bytes``, a :class:`JsonArray` (items written one by one, so a long list
  never sits in memory) or a :class:`Blob` (a file copied from storage, e.g. a photo). Filenames are relative
  paths inside the archive, prefixed by the feature (``complaints/complaints.json``); only the user's own data.
- an **eraser** ``fn(user_ids, now) -> None`` called when accounts are deleted or anonymised (in the same
  transaction, before the account's own fields are erased). It works set-based on the whole batch (retention
  passes up to ``PRIVACY_RETENTION_BATCH`` ids at once) and only flushes.
- a **retention step** ``fn(*, now, apply, limit) -> int`` that finds (and with ``apply`` removes or purges) at most
  ``limit`` rows past their retention and returns how many it found; the runner calls it until it returns
  less than ``limit``, committing after each batch, so every step must be idempotent.
- an **office namer** ``fn(office_ids) -> {id: name}`` (complaints), so a resident's access log can say which
  office saw their identity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

Exporter = Callable[[int], Iterable[tuple[str, Any]]]
Eraser = Callable[[Sequence[int], dt.datetime], None]
RetentionStep = Callable[..., int]
OfficeNamer = Callable[[Sequence[int]], dict[int, str]]


@dataclass(frozen=True)
class JsonArray:
    """A JSON list written item by item (``items`` is consumed once, lazily)."""

    items: Iterable[Any]


@dataclass(frozen=True)
class Blob:
    """A binary file opened when the archive reaches it (``open()`` returns a readable binary file)."""

    open: Callable[[], BinaryIO]


@dataclass
class _Registry:
    exporters: dict[str, Exporter] = field(default_factory=dict)
    erasers: dict[str, Eraser] = field(default_factory=dict)
    retention: dict[str, RetentionStep] = field(default_factory=dict)
    office_namers: list[OfficeNamer] = field(default_factory=list)


_registry = _Registry()


def register_exporter(name: str, fn: Exporter) -> None:
    _registry.exporters[name] = fn


def register_eraser(name: str, fn: Eraser) -> None:
    _registry.erasers[name] = fn


def register_retention_step(name: str, fn: RetentionStep) -> None:
    _registry.retention[name] = fn


def register_office_namer(fn: OfficeNamer) -> None:
    if fn not in _registry.office_namers:
        _registry.office_namers.append(fn)


def exporters() -> dict[str, Exporter]:
    return dict(_registry.exporters)


def erasers() -> dict[str, Eraser]:
    return dict(_registry.erasers)


def retention_steps() -> dict[str, RetentionStep]:
    return dict(_registry.retention)


def office_names(office_ids: Sequence[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    for fn in _registry.office_namers:
        names.update(fn(office_ids))
    return names


def export_files(user_id: int) -> Iterator[tuple[str, Any]]:
    """Every registered exporter's files for the user, feature by feature (registration order)."""
    for fn in _registry.exporters.values():
        yield from fn(user_id)


def erase(user_ids: Sequence[int], now: dt.datetime) -> None:
    for fn in _registry.erasers.values():
        fn(user_ids, now)
