"""argon2id password hashing; parameters come from configuration, old hashes are upgraded at log-in."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

_hashers: dict[tuple[int, int, int], PasswordHasher] = {}


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    key = (cfg["PASSWORD_TIME_COST"], cfg["PASSWORD_MEMORY_KIB"], cfg["PASSWORD_PARALLELISM"])
    if key not in _hashers:
        _hashers[key] = PasswordHasher(time_cost=key[0], memory_cost=key[1], parallelism=key[2], type=Type.ID)
    return _hashers[key]


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


_DUMMY: dict[tuple[int, int, int], str] = {}


def burn_verify_time(password: str) -> None:
    """Spend a verification's time when the account does not exist, so timing does not reveal which exist."""
    ph = _hasher()
    key = (ph.time_cost, ph.memory_cost, ph.parallelism)
    if key not in _DUMMY:
        _DUMMY[key] = ph.hash("not-a-real-password")
    verify_password(_DUMMY[key], password)
