"""argon2id password hashing; parameters come from configuration, old hashes are upgraded at log-in."""

from __future__ import annotations

import threading

import cachetools
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app


def _parameters() -> tuple[int, int, int]:
    cfg = current_app.config
    return cfg["PASSWORD_TIME_COST"], cfg["PASSWORD_MEMORY_KIB"], cfg["PASSWORD_PARALLELISM"]


def _hasher() -> PasswordHasher:
    return _hasher_for(*_parameters())


@cachetools.cached(cachetools.LRUCache(maxsize=8), lock=threading.Lock())
def _hasher_for(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> tuple[bool, str | None]:
    """(matches, new hash when the stored one uses outdated parameters)."""
    ph = _hasher()
    try:
        ph.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False, None
    return True, (ph.hash(password) if ph.check_needs_rehash(password_hash) else None)


@cachetools.cached(cachetools.LRUCache(maxsize=8), lock=threading.Lock())
def _dummy_hash(time_cost: int, memory_kib: int, parallelism: int) -> str:
    return _hasher_for(time_cost, memory_kib, parallelism).hash("not-a-real-password")


def burn_verify_time(password: str) -> None:
    """Spend a verification's time when the account does not exist, so timing does not reveal which exist."""
    verify_password(_dummy_hash(*_parameters()), password)
