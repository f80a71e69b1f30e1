"""Locations: Indonesia's bounds, an indexed grid cell per complaint, and exact distances in SQL.

Radius searches (the feed's ``near=``, similar complaints) run the same SQL on PostgreSQL and SQLite without PostGIS:
an indexed prefilter on ``geo_cell`` (a 0.01° grid, about 1.1 km) narrowed to the bounding box, then the exact
great-circle distance (haversine on the mean Earth sphere) for the filter and the order. SQLite builds without the
math functions get them from ``register_sqlite_math`` (a ``SQLITE_CONNECT_HOOKS`` entry).
"""

from __future__ import annotations

import math
import sqlite3
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func

#: Bounding box of Indonesia with a small margin (Pulau Rondo 6.07° N, Pulau Ndana 11.0° S, Sabang 95.0° E,
#: the Papua New Guinea border 141.0° E).
LAT_MIN, LAT_MAX = -11.5, 6.5
LON_MIN, LON_MAX = 94.5, 141.5

EARTH_RADIUS_M = 6_371_008.8
#: Metres per degree of latitude on that sphere.
M_PER_DEG = EARTH_RADIUS_M * math.pi / 180

CELL_DEG = 0.01
_ORIGIN_LAT, _ORIGIN_LON = -12.0, 94.0
_COLS = 10_000  # more than the 4,750 columns Indonesia needs, so row * _COLS + col never overlaps


def in_indonesia(lat: float, lon: float) -> bool:
    return LAT_MIN <= lat <= LAT_MAX and LON_MIN <= lon <= LON_MAX


def _row(lat: float) -> int:
    return math.floor((lat - _ORIGIN_LAT) / CELL_DEG)


def _col(lon: float) -> int:
    return math.floor((lon - _ORIGIN_LON) / CELL_DEG)


def cell_of(lat: float, lon: float) -> int:
    """The grid cell of a point: one integer, indexed, so a radius search reads only nearby rows."""
    return _row(lat) * _COLS + _col(lon)


def bbox(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) of a box that contains every point within ``radius_m`` of (lat, lon)."""
    dlat = radius_m / M_PER_DEG * 1.001
    south, north = lat - dlat, lat + dlat
    widest = math.cos(math.radians(min(89.0, max(abs(south), abs(north)))))
    dlon = dlat / widest
    return south, north, lon - dlon, lon + dlon


def cell_ranges(south: float, north: float, west: float, east: float) -> list[tuple[int, int]]:
    """Cells covering a box, as one contiguous range per grid row."""
    first, last = _col(west), _col(east)
    return [(r * _COLS + first, r * _COLS + last) for r in range(_row(south), _row(north) + 1)]


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (the same formula as ``distance_sql``)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def distance_params(lat: float, lon: float) -> dict[str, float]:
    """Values of ``distance_sql``'s parameters for another point (statements are built once and reused)."""
    return {"geo_phi0": math.radians(lat), "geo_lam0": math.radians(lon), "geo_cos_phi0": math.cos(math.radians(lat))}


def distance_sql(lat_col: Any, lon_col: Any, lat: float, lon: float) -> ColumnElement[float]:
    """Haversine distance in metres between the row's point and (lat, lon), as SQL (both backends).

    (lat, lon) become the parameters ``geo_phi0``, ``geo_lam0`` and ``geo_cos_phi0``; execute the statement with
    ``distance_params(other_lat, other_lon)`` to measure from another point.
    """
    values = distance_params(lat, lon)
    phi0, lam0, cos_phi0 = (bindparam(name, value) for name, value in values.items())
    dphi = func.sin((func.radians(lat_col) - phi0) / 2)
    dlam = func.sin((func.radians(lon_col) - lam0) / 2)
    a = dphi * dphi + cos_phi0 * func.cos(func.radians(lat_col)) * dlam * dlam
    return 2 * EARTH_RADIUS_M * func.asin(func.sqrt(a))


_SQLITE_MATH = {
    "sin": (1, math.sin),
    "cos": (1, math.cos),
    "asin": (1, math.asin),
    "sqrt": (1, math.sqrt),
    "radians": (1, math.radians),
}


def register_sqlite_math(dbapi_conn: Any) -> None:
    """Give SQLite the functions ``distance_sql`` uses when its build lacks them (SQLITE_ENABLE_MATH_FUNCTIONS)."""
    cur = dbapi_conn.cursor()
    try:
        for name, (nargs, fn) in _SQLITE_MATH.items():
            try:
                cur.execute(f"SELECT {name}(0.5)")
            except sqlite3.OperationalError:  # the function is missing in this build
                dbapi_conn.create_function(name, nargs, _null_safe(fn), deterministic=True)
    finally:
        cur.close()


def _null_safe(fn: Any) -> Any:
    def call(x: Any) -> Any:
        return None if x is None else fn(x)

    return call
