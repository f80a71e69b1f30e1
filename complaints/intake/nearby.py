"""The public feed's radius searches (``near=``, newest or nearest first) from grid tiles kept per process.

A *tile* is one cell of ``complaints.geo``'s grid (0.01°, about 1.1 km): every listed complaint in it as
``(latitude, longitude, id, category_id, status)``, sorted by latitude and, a second time, newest first. A search
takes the tiles that cover its box, reads the rows of the box (a bisection on the latitude, then the longitude
compared), measures them (the haversine of ``geo.haversine_m``, the formula the SQL uses) and keeps those within the
radius:

- *nearest first* looks in the same growing circles as the SQL search (125 m, doubling) and stops at the first
  that holds more than a page, so a dense city reads a few dozen rows;
- *newest first* walks the tiles' rows newest first, merged, and stops at the page's last row.

A search (or circle) wider than ``MAX_TILES`` tiles goes to SQL (``queries._feed``) instead, as do searches with
``area=`` or ``sort=supported``.

The missing tiles of a search are read in one statement, from ``ix_complaints_geo`` alone on PostgreSQL (the index
carries the id and the status). The page's items, encoded once, are kept in their tile; the ones a tile does not
have yet are read in one ``SELECT … WHERE id IN`` (still listed). A warm search runs no statement at all and joins
encoded items into the answer.

Tiles live ``COMPLAINT_FEED_CACHE_SECONDS`` (5 s, the ``public, max-age=5`` every feed page already carries) and are
all dropped by every complaint write of this process; another process's write shows when they expire, as on the
feed without ``near=``. With the setting at 0 nothing is kept and every search is the SQL one. The tiles a process
keeps are bounded by their rows (``TILE_ROWS_KEPT``, about 300 bytes each), not by their number: a tile in the
densest part of a city holds a few thousand rows. The items kept on them come on top (about 1 KB each, at most one
per row, and only those a page has shown in the tile's 5 s).
"""

from __future__ import annotations

import bisect
import functools
import heapq
import itertools
import math
import sys
from collections import defaultdict
from collections.abc import Collection, Iterator
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, select

from app.core import responses
from app.core.cache import SharedAnswers
from app.extensions import db
from complaints import geo
from complaints.intake import presenters
from complaints.intake.models import Complaint

T = Complaint.__table__.c

#: Rows of tiles one process keeps (about 300 bytes each, plus up to about 1 KB for each item a page has shown).
TILE_ROWS_KEPT = 100_000
#: Radii (metres) of the growing circles of a nearest-first search, below the requested radius.
RINGS = (125, 250, 500, 1000, 2000, 4000)
#: The most tiles a search reads (4 x 4, about 4.4 km across: any 1 km radius, the default). A wider search (or
#: circle) goes to SQL, which checks the category and the box inside the index instead of reading whole tiles.
MAX_TILES = 16

# A row: latitude and longitude (degrees), id, category, status, and the terms of the haversine that depend on the
# row alone (latitude and longitude in radians, cosine of the latitude).
_LAT, _LON, _ID, _CATEGORY, _STATUS, _PHI, _LAM, _COS_PHI = range(8)
Row = tuple[float, float, int, int, str, float, float, float]
#: What a search finds: (distance in metres, complaint id, its tile).
Found = tuple[float, int, "Tile"]


class Tile:
    """The listed complaints of one grid cell, by latitude (``rows``, ``lats``) and newest first (``newest``), and
    the encoded public items of those a page has shown (``parts``)."""

    __slots__ = ("_minus_ids", "lats", "newest", "parts", "rows")

    def __init__(self, rows: list[Row]) -> None:
        self.rows = sorted(rows)
        self.lats = [r[_LAT] for r in self.rows]
        self.newest = sorted(rows, key=lambda r: r[_ID], reverse=True)
        self._minus_ids = [-r[_ID] for r in self.newest]
        self.parts: dict[int, bytes] = {}

    def __len__(self) -> int:
        return len(self.rows)

    def in_box(self, south: float, north: float, west: float, east: float) -> Iterator[Row]:
        lo, hi = bisect.bisect_left(self.lats, south), bisect.bisect_right(self.lats, north)
        for row in itertools.islice(self.rows, lo, hi):
            if west <= row[_LON] <= east:
                yield row

    def newest_before(self, before_id: int | None) -> Iterator[Row]:
        start = 0 if before_id is None else bisect.bisect_right(self._minus_ids, -before_id)
        return itertools.islice(self.newest, start, None)


_tiles = SharedAnswers(
    "COMPLAINT_FEED_CACHE_SECONDS", maxsize=TILE_ROWS_KEPT, written=Complaint, getsizeof=lambda tile: len(tile) + 1
)
forget = _tiles.clear

_TILE_STATEMENT = select(T.geo_cell, T.latitude, T.longitude, T.id, T.category_id, T.status).where(
    T.geo_cell.in_(bindparam("cells", expanding=True)), T.is_listed.is_(True)
)


def _read_tiles(cells: list[int]) -> dict[int, Tile]:
    by_cell: dict[int, list[Row]] = defaultdict(list)
    for cell, lat, lon, cid, category, status in db.connection().execute(_TILE_STATEMENT, {"cells": cells}):
        phi = math.radians(lat)
        by_cell[cell].append((lat, lon, cid, category, sys.intern(status), phi, math.radians(lon), math.cos(phi)))
    return {cell: Tile(by_cell.get(cell, [])) for cell in cells}


def _cells(south: float, north: float, west: float, east: float) -> list[int]:
    return [c for lo, hi in geo.cell_ranges(south, north, west, east) for c in range(lo, hi + 1)]


def kept() -> bool:
    """Whether tiles are kept at all (``COMPLAINT_FEED_CACHE_SECONDS`` > 0): read for one search only, whole tiles
    cost more than the SQL, which reads just the rows of the box."""
    return current_app.config["COMPLAINT_FEED_CACHE_SECONDS"] > 0


def serves(lat: float, lon: float, radius: float) -> bool:
    """Whether a newest-first search of this circle reads few enough tiles (``MAX_TILES``)."""
    return len(_cells(*geo.bbox(lat, lon, radius))) <= MAX_TILES


def _tiles_of(cells: list[int], have: dict[int, Tile] | None = None) -> list[Tile]:
    """The tiles of ``cells`` (the missing ones read in one statement); ``have``: those this search already has
    (the growing circles of one search read each tile once, kept or not)."""
    have = {} if have is None else have
    have.update(_tiles.get_many_or_build([c for c in cells if c not in have], _read_tiles))
    return [have[c] for c in cells]


class _Point:
    """Distances from one point: ``geo.haversine_m`` with the point's terms computed once, the row's in the row."""

    __slots__ = ("cos_phi0", "lam0", "phi0")

    def __init__(self, lat: float, lon: float) -> None:
        self.phi0, self.lam0 = math.radians(lat), math.radians(lon)
        self.cos_phi0 = math.cos(self.phi0)

    def distance(self, row: Row) -> float:
        # The operations of ``geo.distance_sql`` in its order, so that a cursor made here compares equal there.
        dphi = math.sin((row[_PHI] - self.phi0) / 2)
        dlam = math.sin((row[_LAM] - self.lam0) / 2)
        a = dphi * dphi + self.cos_phi0 * row[_COS_PHI] * dlam * dlam
        return 2 * geo.EARTH_RADIUS_M * math.asin(math.sqrt(a))


def _wanted(row: Row, categories: Collection[int] | None, status: str | None) -> bool:
    return (categories is None or row[_CATEGORY] in categories) and (status is None or row[_STATUS] == status)


def nearest(
    *,
    lat: float,
    lon: float,
    radius: float,
    categories: Collection[int] | None,
    status: str | None,
    after: tuple[float, int] | None,
    count: int,
) -> list[Found] | None:
    """Up to ``count`` listed complaints within ``radius``, nearest first (then by id), after ``after``; None when
    the circle that would hold them is too wide for tiles (``MAX_TILES``).

    Every row inside a circle is nearer than any row outside it, so the first circle that holds ``count`` rows
    gives the exact answer."""
    point = _Point(lat, lon)
    start = after or (0.0, 0)
    found: list[Found] = []
    have: dict[int, Tile] = {}
    for ring in [r for r in RINGS if start[0] < r < radius] + [radius]:
        box = geo.bbox(lat, lon, ring)
        cells = _cells(*box)
        if len(cells) > MAX_TILES:
            return None
        found = []
        for tile in _tiles_of(cells, have):
            for row in tile.in_box(*box):
                if _wanted(row, categories, status):
                    d = point.distance(row)
                    if d <= ring and (d, row[_ID]) > start:
                        found.append((d, row[_ID], tile))
        if len(found) >= count:
            break
    return heapq.nsmallest(count, found, key=lambda f: (f[0], f[1]))


def newest(
    *,
    lat: float,
    lon: float,
    radius: float,
    categories: Collection[int] | None,
    status: str | None,
    before_id: int | None,
    count: int,
) -> list[Found]:
    """Up to ``count`` listed complaints within ``radius``, newest first, before ``before_id`` (a circle that
    ``serves``)."""
    point = _Point(lat, lon)
    south, north, west, east = geo.bbox(lat, lon, radius)
    tiles = _tiles_of(_cells(south, north, west, east))
    rows = heapq.merge(*(((-r[_ID], r, t) for r in t.newest_before(before_id)) for t in tiles))
    found: list[Found] = []
    for _, row, tile in rows:
        if south <= row[_LAT] <= north and west <= row[_LON] <= east and _wanted(row, categories, status):
            d = point.distance(row)
            if d <= radius:
                found.append((d, row[_ID], tile))
                if len(found) == count:
                    break
    return found


@functools.cache
def _items_statement(columns: tuple[Any, ...]) -> Any:
    """Built once (like every hot statement here), so a miss neither rebuilds nor re-plans it."""
    return select(*columns).where(T.id.in_(bindparam("ids", expanding=True)), T.is_listed.is_(True))


def items(found: list[Found], columns: tuple[Any, ...]) -> list[bytes]:
    """The encoded public items of what a search found, with their distance; those their tile does not have yet
    are read in one statement (``columns``: the feed's, ``queries.PUBLIC_COLUMNS``), and a complaint no longer
    listed is left out."""
    missing = {cid: tile for _, cid, tile in found if cid not in tile.parts}
    if missing:
        for r in db.connection().execute(_items_statement(columns), {"ids": list(missing)}).mappings():
            missing[r["id"]].parts[r["id"]] = responses.encode_part(presenters.public_item(r))
    return [
        responses.with_member(tile.parts[cid], "distance_m", round(d, 1)) for d, cid, tile in found if cid in tile.parts
    ]
