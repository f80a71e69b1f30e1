"""The per-process caches: cachetools with a lock, lifetime from a setting (0 disables)."""

from __future__ import annotations

import threading

import cachetools
import pytest
from sqlalchemy import update

from app.accounts import passwords
from app.areas import service as areas
from app.areas.models import Area
from app.core.cache import SharedAnswers, setting_ttl_cache
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


def test_shared_answers_build_only_the_missing_keys_in_one_call_and_keep_them(app, monkeypatch):
    monkeypatch.setitem(app.config, "TEST_CACHE_SECONDS", 60)
    shared = SharedAnswers("TEST_CACHE_SECONDS", maxsize=100)
    builds: list[list[int]] = []

    def build(missing):
        builds.append(missing)
        return {k: k * 10 for k in missing if k != 3}  # 3 has no answer

    assert shared.get_many_or_build([1, 2, 3], build) == {1: 10, 2: 20}
    assert shared.get_many_or_build([2, 4], build) == {2: 20, 4: 40}
    assert builds == [[1, 2, 3], [4]]


def test_shared_answers_built_across_a_clear_are_served_not_kept(app, monkeypatch):
    monkeypatch.setitem(app.config, "TEST_CACHE_SECONDS", 60)
    shared = SharedAnswers("TEST_CACHE_SECONDS", maxsize=100)

    def build_then_someone_writes(missing):
        shared.clear()  # a write committed while the answers were read
        return dict.fromkeys(missing, "old")

    assert shared.get_many_or_build([1], build_then_someone_writes) == {1: "old"}
    assert shared.get_or_build(2, lambda: build_then_someone_writes([2])[2]) == "old"
    assert (shared.get(1), shared.get(2)) == (None, None)


def test_shared_answers_bounded_by_size_serve_but_do_not_keep_an_answer_larger_than_all(app, monkeypatch):
    monkeypatch.setitem(app.config, "TEST_CACHE_SECONDS", 60)
    shared = SharedAnswers("TEST_CACHE_SECONDS", maxsize=10, getsizeof=len)
    assert shared.get_or_build("big", lambda: "x" * 11) == "x" * 11
    assert shared.get("big") is None
    for key in ("a", "b", "c"):
        shared.put(key, "y" * 4)
    assert [shared.get(k) for k in ("a", "b", "c")] == [None, "yyyy", "yyyy"]  # 12 > 10: the oldest went


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
