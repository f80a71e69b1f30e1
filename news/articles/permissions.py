"""Who may do what with channels, tags and articles: pure predicates (no database, no request)."""

from __future__ import annotations

from typing import Any

from app.accounts.roles import Role
from news.common import may_target

#: Roles that write articles, each inside their own scope.
ARTICLE_ROLES = frozenset({Role.EDITOR, Role.ADMIN})


def can_manage_channels(user: Any) -> bool:
    """Channels (and renaming tags) are deployment-wide: admins only."""
    return bool(user is not None and user.is_active and user.role == Role.ADMIN)


def can_write_articles(user: Any) -> bool:
    return bool(user is not None and user.is_active and user.role in ARTICLE_ROLES and user.scope)


def can_target(user: Any, area_code: str) -> bool:
    """An editor or admin may target the area iff their scope contains it."""
    return can_write_articles(user) and may_target(user, area_code)


def can_manage(user: Any, article: Any) -> bool:
    """Edit, publish, archive, delete, see drafts and history of ``article``."""
    return can_target(user, article.area_code)


def is_public(article: Any) -> bool:
    """Published or archived (readable by link) and not deleted."""
    return article.deleted_at is None and article.status in ("published", "archived")


def can_read(user: Any | None, article: Any) -> bool:
    return is_public(article) or (article.deleted_at is None and can_manage(user, article))
