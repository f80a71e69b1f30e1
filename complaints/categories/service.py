"""Complaint categories: listing, admin changes, and the rule that only active ones can be chosen."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from app.core.errors import Conflict, NotFound, ValidationFailed
from app.core.pagination import keyset, page
from app.extensions import db
from complaints.categories.models import Category


def list_categories(*, include_inactive: bool, cursor: str | None, limit: int) -> dict[str, Any]:
    """Categories in display order (sort order, then id)."""
    stmt = select(Category)
    if not include_inactive:
        stmt = stmt.where(Category.is_active.is_(True))
    stmt = keyset(stmt, keys=[Category.sort_order, Category.id], cursor=cursor, limit=limit, types=[int, int])
    return page(db.session.scalars(stmt).all(), limit=limit, key=lambda c: [c.sort_order, c.id])


def get(*, category_id: int) -> Category | None:
    return db.session.get(Category, category_id)


def require_active(*, category_id: int, field: str = "category_id") -> Category:
    """The category a resident chose, which must exist and be active (422 otherwise)."""
    ensure_active(category_id=category_id, field=field)
    return db.session.get(Category, category_id)


_IS_ACTIVE = select(Category.__table__.c.is_active).where(Category.__table__.c.id == bindparam("category_id"))


def ensure_active(*, category_id: int, field: str = "category_id") -> None:
    """``require_active`` without loading the object: one indexed lookup on the hot submission path."""
    active = db.session.connection().execute(_IS_ACTIVE, {"category_id": category_id}).scalar()
    if not active:
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


def _flush() -> None:
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict("A category with this slug or name already exists.") from None


def create(*, data: dict[str, Any]) -> Category:
    _check_parent(None, data.get("parent_id"))
    category = Category(**data)
    db.session.add(category)
    _flush()
    return category


def update(*, category: Category, changes: dict[str, Any]) -> Category:
    if "parent_id" in changes:
        _check_parent(category, changes["parent_id"])
    for key, value in changes.items():
        setattr(category, key, value)
    _flush()
    return category


def get_or_404(category_id: int) -> Category:
    category = get(category_id=category_id)
    if category is None:
        raise NotFound("Category not found.")
    return category
