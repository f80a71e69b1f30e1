"""Complaint categories: listing, admin changes, and the rule that only active ones can be chosen."""

from __future__ import annotations

import threading
from typing import Any

import cachetools
from sqlalchemy import bindparam, select

from app.core.cache import forget_when_written, setting_ttl_cache
from app.core.db import flush_unique
from app.core.errors import Conflict, NotFound, ValidationFailed
from app.core.i18n import _
from app.core.pagination import keyset, page
from app.extensions import db
from complaints.categories import presenters
from complaints.categories.models import DEFAULT_RESOLUTION_DAYS, DEFAULT_RESPONSE_DAYS, Category


def list_categories(*, include_inactive: bool, cursor: str | None, limit: int) -> dict[str, Any]:
    """A page of categories in display order (sort order, then id), as ``presenters.category`` shapes them."""
    stmt = select(Category)
    if not include_inactive:
        stmt = stmt.where(Category.is_active.is_(True))
    stmt = keyset(stmt, keys=[Category.sort_order, Category.id], cursor=cursor, limit=limit, types=[int, int])
    result = page(db.session.scalars(stmt).all(), limit=limit, key=lambda c: [c.sort_order, c.id])
    result["items"] = [presenters.category(c) for c in result["items"]]
    return result


def get(*, category_id: int) -> Category | None:
    return db.session.get(Category, category_id)


def require_active(*, category_id: int, field: str = "category_id") -> Category:
    """The category a resident chose, which must exist and be active (422 otherwise)."""
    ensure_active(category_id=category_id, field=field)
    return db.session.get(Category, category_id)


_IS_ACTIVE = select(Category.__table__.c.is_active).where(Category.__table__.c.id == bindparam("category_id"))


@cachetools.cached(setting_ttl_cache("CATEGORY_CACHE_SECONDS", maxsize=10_000), lock=threading.Lock())
def _is_active(category_id: int) -> bool:
    return bool(db.session.connection().execute(_IS_ACTIVE, {"category_id": category_id}).scalar())


# A category changed in this process: ask the database again at once; other processes within
# ``CATEGORY_CACHE_SECONDS``.
forget_when_written(Category, _is_active.cache_clear)


def ensure_active(*, category_id: int, field: str = "category_id") -> None:
    """``require_active`` without loading the object, from a per-process cache: no round trip on the hot
    submission path (a category deactivated in another process is refused there within ``CATEGORY_CACHE_SECONDS``)."""
    if not _is_active(category_id):
        raise ValidationFailed("Choose an active category.", errors={field: ["Unknown or inactive category."]})


def _check_parent(category: Category | None, parent_id: int | None) -> None:
    if parent_id is None:
        return
    parent = db.session.get(Category, parent_id)
    if parent is None:
        raise ValidationFailed("Unknown parent category.", errors={"parent_id": ["Unknown category."]})
    node: Category | None = parent
    while node is not None:  # no cycles: the parent may not be the category or one of its descendants
        if category is not None and node.id == category.id:
            raise ValidationFailed("A category cannot be inside itself.", errors={"parent_id": ["Cycle."]})
        node = db.session.get(Category, node.parent_id) if node.parent_id else None


def _check_sla(response_days: int, resolution_days: int) -> None:
    if resolution_days < response_days:
        raise ValidationFailed(
            "The resolution SLA cannot be shorter than the response SLA.",
            errors={"sla_resolution_days": [_("Must be at least the response days ({days}).", days=response_days)]},
        )


def _flush(*new: object) -> None:
    flush_unique(db.session, *new, conflict=lambda: Conflict("A category with this slug or name already exists."))


def create(*, data: dict[str, Any]) -> Category:
    _check_parent(None, data.get("parent_id"))
    _check_sla(
        data.get("sla_response_days", DEFAULT_RESPONSE_DAYS), data.get("sla_resolution_days", DEFAULT_RESOLUTION_DAYS)
    )
    category = Category(**data)
    _flush(category)
    return category


def update(*, category: Category, changes: dict[str, Any]) -> Category:
    if "parent_id" in changes:
        _check_parent(category, changes["parent_id"])
    _check_sla(
        changes.get("sla_response_days", category.sla_response_days),
        changes.get("sla_resolution_days", category.sla_resolution_days),
    )
    for key, value in changes.items():
        setattr(category, key, value)
    _flush()
    return category


def get_or_404(category_id: int) -> Category:
    category = get(category_id=category_id)
    if category is None:
        raise NotFound("Category not found.")
    return category
