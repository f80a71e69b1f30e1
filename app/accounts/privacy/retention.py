"""Retention: what Balai stops keeping, and when (settings ``PRIVACY_*``; 0 turns a step off).

Steps, each in bounded batches (``PRIVACY_RETENTION_BATCH`` rows a statement, a commit after each batch), each
idempotent (a second run finds nothing new):

- ``retention_warnings``: residents inactive for ``PRIVACY_INACTIVE_DAYS - PRIVACY_INACTIVE_WARNING_DAYS`` days are
  told (inbox and push, ``RETENTION_WARNING``) that their account will be anonymised; logging in clears it.
- ``inactive_residents``: residents inactive for ``PRIVACY_INACTIVE_DAYS`` and warned at least
  ``PRIVACY_INACTIVE_WARNING_DAYS`` ago are anonymised as by ``DELETE /me``.
- ``expired_exports``: data-export archives past their expiry are deleted from storage.
- and every feature's registered step (old notifications, personal fields of long-closed complaints).

``flask privacy retention --dry-run`` counts what each step would do (at most ``--limit`` per step, nothing
changes); ``--apply`` does it. The periodic job applies it nightly.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update

from app.accounts.models import User
from app.accounts.privacy import registry
from app.accounts.privacy.deletion import anonymise
from app.accounts.privacy.export import delete_files
from app.accounts.privacy.models import EXPORT_EXPIRED, EXPORT_READY, DataExport
from app.accounts.roles import Role
from app.core.db import utcnow
from app.core.events import emit
from app.core.jobs import crontab, periodic_job
from app.extensions import db

log = logging.getLogger(__name__)

#: Event emitted per batch of warned residents: ``user_ids``, ``anonymise_on`` (the date the account goes).
RETENTION_WARNING = "accounts.retention_warning"


def _days(name: str) -> int:
    return int(current_app.config[name])


def _residents(*extra: Any) -> Any:
    return select(User.id).where(User.role == Role.RESIDENT.value, User.deleted_at.is_(None), *extra)


def warn_inactive(*, now: dt.datetime, apply: bool, limit: int) -> int:
    inactive, notice = _days("PRIVACY_INACTIVE_DAYS"), _days("PRIVACY_INACTIVE_WARNING_DAYS")
    if inactive <= 0:
        return 0
    cutoff = now - dt.timedelta(days=max(inactive - notice, 0))
    stmt = _residents(User.retention_warned_at.is_(None), User.last_active_at < cutoff)
    ids = list(db.session.scalars(stmt.order_by(User.last_active_at, User.id).limit(limit)))
    if apply and ids:
        db.session.execute(
            update(User)
            .where(User.id.in_(ids))
            .values(retention_warned_at=now)
            .execution_options(synchronize_session=False)
        )
        emit(RETENTION_WARNING, user_ids=ids, anonymise_on=(now + dt.timedelta(days=notice)).date())
    return len(ids)


def anonymise_inactive(*, now: dt.datetime, apply: bool, limit: int) -> int:
    inactive, notice = _days("PRIVACY_INACTIVE_DAYS"), _days("PRIVACY_INACTIVE_WARNING_DAYS")
    if inactive <= 0:
        return 0
    stmt = _residents(
        User.retention_warned_at <= now - dt.timedelta(days=notice),
        User.last_active_at < now - dt.timedelta(days=inactive),
    )
    ids = list(db.session.scalars(stmt.order_by(User.retention_warned_at, User.id).limit(limit)))
    if apply and ids:
        anonymise(ids, now=now)
    return len(ids)


def delete_expired_exports(*, now: dt.datetime, apply: bool, limit: int) -> int:
    stmt = (
        select(DataExport)
        .where(DataExport.status == EXPORT_READY, DataExport.expires_at <= now)
        .order_by(DataExport.expires_at, DataExport.id)
        .limit(limit)
    )
    exports = list(db.session.scalars(stmt))
    if apply and exports:
        delete_files(exports)  # a file deleted before a failed commit is simply deleted again next run
        for e in exports:
            e.status, e.storage_key = EXPORT_EXPIRED, None
        db.session.flush()
    return len(exports)


OWN_STEPS: dict[str, Callable[..., int]] = {
    "retention_warnings": warn_inactive,
    "inactive_residents": anonymise_inactive,
    "expired_exports": delete_expired_exports,
}


def steps() -> dict[str, Callable[..., int]]:
    return {**OWN_STEPS, **registry.retention_steps()}


def run(*, apply: bool, now: dt.datetime | None = None, limit: int | None = None, max_batches: int = 10_000) -> dict:
    """Every step, batch after batch until one comes back short. A dry run looks at one batch per step (it
    changes nothing, so the next batch would be the same rows): its counts are "at least"/"up to ``limit``"."""
    now = now or utcnow()
    limit = limit or int(current_app.config["PRIVACY_RETENTION_BATCH"])
    report: dict[str, dict[str, int]] = {}
    for name, step in steps().items():
        total = batches = 0
        while batches < max_batches:
            found = step(now=now, apply=apply, limit=limit)
            batches += 1
            total += found
            if apply:
                db.session.commit()
            if not apply or found < limit:
                break
        report[name] = {"rows": total, "batches": batches}
    return report


def inactive_resident_count(*, now: dt.datetime) -> int:
    """Residents past the inactivity limit (for the dry run's summary; one index range)."""
    inactive = _days("PRIVACY_INACTIVE_DAYS")
    if inactive <= 0:
        return 0
    stmt = select(func.count()).select_from(
        _residents(User.last_active_at < now - dt.timedelta(days=inactive)).subquery()
    )
    return int(db.session.scalar(stmt) or 0)


@periodic_job(crontab(hour="2", minute="17"))
def apply_retention() -> dict:
    """Every night at 02:17 UTC: every step, in bounded batches (each batch commits; safe to run twice)."""
    report = run(apply=True)
    log.info("retention: %s", report)
    return report
