"""Geometry: Indonesia's bounds, grid cells that never miss a point inside the radius, haversine distances."""

from __future__ import annotations

import math
import random

import pytest

from complaints import geo


def test_bounds():
    assert geo.in_indonesia(-6.2, 106.8)  # Jakarta
    assert geo.in_indonesia(5.89, 95.32)  # Sabang
    assert geo.in_indonesia(-8.5, 140.4)  # Merauke
    assert not geo.in_indonesia(51.5, -0.12)
    assert not geo.in_indonesia(-6.2, 150.0)


def test_haversine_known_distance():
    monas, bundaran_hi = (-6.1754, 106.8272), (-6.1950, 106.8230)
    assert geo.haversine_m(*monas, *bundaran_hi) == pytest.approx(2226, rel=0.01)
    assert geo.haversine_m(0, 100, 0, 101) == pytest.approx(geo.M_PER_DEG, rel=1e-9)


@pytest.mark.parametrize("center", [(-6.2, 106.8), (5.9, 95.3), (-10.9, 123.0), (0.0, 110.0), (-6.25, 106.85)])
@pytest.mark.parametrize("radius", [200, 1000, 5000])
def test_cells_cover_every_point_within_the_radius(center, radius):
    rnd = random.Random(f"{center}{radius}")
    south, north, west, east = geo.bbox(*center, radius)
    ranges = geo.cell_ranges(south, north, west, east)
    for _ in range(2000):
        bearing, dist = rnd.uniform(0, 2 * math.pi), radius * math.sqrt(rnd.random())
        lat = center[0] + dist * math.cos(bearing) / geo.M_PER_DEG
        lon = center[1] + dist * math.sin(bearing) / (geo.M_PER_DEG * math.cos(math.radians(lat)))
        if geo.haversine_m(*center, lat, lon) > radius:
            continue
        assert south <= lat <= north and west <= lon <= east
        cell = geo.cell_of(lat, lon)
        assert any(lo <= cell <= hi for lo, hi in ranges)


def test_five_km_reads_a_handful_of_cell_rows():
    ranges = geo.cell_ranges(*geo.bbox(-6.2, 106.8, 5000))
    assert 9 <= len(ranges) <= 11
    assert all(hi - lo <= 11 for lo, hi in ranges)


def test_sqlite_math_registration_only_fills_gaps():
    import sqlite3

    conn = sqlite3.connect(":memory:")
    geo.register_sqlite_math(conn)
    row = conn.execute("SELECT asin(sqrt(0.25)), radians(180), cos(0), sin(NULL)").fetchone()
    assert row[0] == pytest.approx(math.pi / 6) and row[1] == pytest.approx(math.pi) and row[2] == 1
    assert row[3] is None
    conn.close()


def test_sqlite_without_math_functions_gets_them_registered():
    """A SQLite build without SQLITE_ENABLE_MATH_FUNCTIONS: the hook registers Python versions of each one."""
    import sqlite3

    real = sqlite3.connect(":memory:")

    class NoMath:
        def cursor(self):
            return self

        def execute(self, sql):
            raise sqlite3.OperationalError("no such function")

        def close(self):
            pass

        def create_function(self, name, nargs, fn, deterministic):
            real.create_function("py_" + name, nargs, fn, deterministic=deterministic)

    geo.register_sqlite_math(NoMath())
    row = real.execute("SELECT py_asin(py_sqrt(0.25)), py_radians(180), py_cos(0), py_sin(NULL)").fetchone()
    assert row[0] == pytest.approx(math.pi / 6) and row[1] == pytest.approx(math.pi) and row[2] == 1
    assert row[3] is None
    real.close()
