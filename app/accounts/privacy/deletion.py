"""Deleting an account: the resident's own ``DELETE /me``, and retention's anonymisation of inactive residents.

Both are :func:`anonymise`: every feature's eraser runs first (complaints keep their record with the reporter
shown as "Anonim" and texts only masked; devices leave; personal notifications go), then the account's own
fields are erased in one statement: name "Anonim", no phone (it can register again at once), an unroutable
placeholder e-mail (``deleted-<id>@anonim.invalid``: the table needs a phone or an e-mail), no home area, a
password hash nothing verifies, inactive, ``deleted_at`` set. Sessions are deleted, so every token stops at once,
and so are the data-export archives. There is no grace period: the deletion takes effect with the answer, and
the app says so before asking for the password. Staff accounts are not deleted: admins deactivate them
(``PATCH /users/{id}``), and their past actions keep their role label.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import String, cast, delete, literal, select, update

from app.accounts.models import AuthSession, User
from app.accounts.passwords import verify_password
from app.accounts.privacy import registry
from app.accounts.privacy.export import delete_files
from app.accounts.privacy.models import DataExport
from app.accounts.roles import Role
from app.core.db import utcnow
from app.core.errors import Forbidden, ValidationFailed
from app.core.events import after_commit
from app.extensions import db

ANONYMOUS_NAME = "Anonim"
#: A password hash no password verifies (argon2 hashes start with ``$argon2``).
UNUSABLE_PASSWORD = "!deleted"
PLACEHOLDER_DOMAIN = "@anonim.invalid"


def delete_own_account(*, user: User, password: str) -> None:
    """``DELETE /me``: residents only, with their password (a stolen unlocked phone is not enough)."""
    if user.role != Role.RESIDENT:
        raise Forbidden(
            "Staff accounts are not deleted: ask an admin to deactivate yours.", code="staff_account_not_deletable"
        )
    ok, _ = verify_password(user.password_hash, password)
    if not ok:
        raise ValidationFailed(
            "The password is wrong.", errors={"password": ["Wrong password."]}, code="wrong_password"
        )
    anonymise([user.id], now=utcnow())


def anonymise(user_ids: Sequence[int], *, now: dt.datetime) -> int:
    """Erase the personal data of these residents everywhere (set-based; the caller commits). Returns how many
    accounts were erased (already erased ones are skipped, so running it twice changes nothing)."""
    ids = list(
        db.session.scalars(
            select(User.id).where(User.id.in_(list(user_ids)), User.role == Role.RESIDENT, User.deleted_at.is_(None))
        )
    )
    if not ids:
        return 0
    registry.erase(ids, now)
    db.session.execute(delete(AuthSession).where(AuthSession.user_id.in_(ids)))
    exports = list(db.session.scalars(select(DataExport).where(DataExport.user_id.in_(ids))))
    if exports:
        db.session.execute(delete(DataExport).where(DataExport.id.in_([e.id for e in exports])))
        after_commit(db.session(), lambda: delete_files(exports))
    db.session.execute(
        update(User)
        .where(User.id.in_(ids))
        .values(
            name=ANONYMOUS_NAME,
            phone=None,
            email=literal("deleted-") + cast(User.id, String) + literal(PLACEHOLDER_DOMAIN),
            home_area_code=None,
            home_rw=None,
            password_hash=UNUSABLE_PASSWORD,
            is_active=False,
            deleted_at=now,
            retention_warned_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    for obj in list(db.session.identity_map.values()):  # the caller's ORM copy must not flush the old values back
        if isinstance(obj, User) and obj.id in ids:
            db.session.expire(obj)
    return len(ids)
