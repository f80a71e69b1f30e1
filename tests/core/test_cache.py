"""The per-process caches: cachetools with a lock, lifetime from a setting (0 disables)."""

from __future__ import annotations

import threading

import cachetools
import pytest
from sqlalchemy import update

from app.accounts import passwords
from app.areas import service as areas
from app.areas.models import Area
from app.core.cache import setting_ttl_cache
from app.extensions import db


@pytest.fixture
def area_cache_seconds(app, monkeypatch):
    areas.clear_cache()
    yield lambda seconds: monkeypatch.setitem(app.config, "AREA_CACHE_SECONDS", seconds)
    areas.clear_cache()


def _counting(setting: str = "TEST_CACHE_SECONDS", **options):
    calls: list[str] = []

    @cachetools.cached(setting_ttl_cache(setting, maxsize=2, **options), lock=threading.Lock())
    def load(key: str) -> str:
        calls.append(key)
        return key.upper()

    return load, calls


def test_entries_live_as_long_as_the_setting_says(app, monkeypatch):
    monkeypatch.setitem(app.config, "TEST_CACHE_SECONDS", 60)
    now = [1000.0]
    load, calls = _counting(timer=lambda: now[0])
    assert (load("a"), load("a")) == ("A", "A")
    now[0] += 59
    load("a")
    assert calls == ["a"]
    now[0] += 2
    load("a")
    assert calls == ["a", "a"]


def test_zero_seconds_stores_nothing(app, monkeypatch):
    monkeypatch.setitem(app.config, "TEST_CACHE_SECONDS", 0)
    load, calls = _counting()
    load("a")
    load("a")
    assert calls == ["a", "a"]
    assert len(load.cache) == 0


def test_the_cache_is_bounded_and_can_be_cleared(app, monkeypatch):
    monkeypatch.setitem(app.config, "TEST_CACHE_SECONDS", 60)
    load, calls = _counting()
    for key in ("a", "b", "c"):
        load(key)
    assert len(load.cache) == 2
    load.cache_clear()
    load("c")
    assert calls == ["a", "b", "c", "c"]


def test_area_details_are_cached_for_area_cache_seconds(area_cache_seconds):
    area_cache_seconds(300)
    assert areas.get_detail(code="32.73").name == "Kota Bandung"
    db.session.execute(update(Area).where(Area.code == "32.73").values(name="Kota Lama"))
    assert areas.get_detail(code="32.73").name == "Kota Bandung"  # cached
    areas.clear_cache()  # what `flask areas load` does
    assert areas.get_detail(code="32.73").name == "Kota Lama"


def test_area_details_are_read_every_time_when_the_cache_is_off(area_cache_seconds):
    area_cache_seconds(0)  # the test configuration's value
    assert areas.get_detail(code="32.73").name == "Kota Bandung"
    db.session.execute(update(Area).where(Area.code == "32.73").values(name="Kota Lama"))
    assert areas.get_detail(code="32.73").name == "Kota Lama"


def test_password_hashers_are_made_once_per_parameters(app):
    assert passwords._hasher() is passwords._hasher()
    assert passwords._hasher().time_cost == app.config["PASSWORD_TIME_COST"]
    passwords.burn_verify_time("anything")
    assert len(passwords._dummy_hash.cache) == 1
