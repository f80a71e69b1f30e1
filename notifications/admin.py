"""What admins see of push delivery: notifications by push status (failed by default), inside their area."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, or_, select

from app.accounts.models import User
from app.areas.codes import within_area
from app.core.pagination import keyset, page
from app.extensions import db
from notifications.models import Notification

N = Notification.__table__


def list_deliveries(*, admin: Any, push_status: str, cursor: str | None, limit: int) -> dict[str, Any]:
    """Broadcasts aimed inside the admin's area and personal notifications of residents living there: a page of
    rows (``presenters.delivery_page`` shapes it)."""
    scope = admin.scope_area_code or "-"
    # Correlated (a primary-key probe per candidate row), not IN (all residents of a province).
    resident_inside = exists().where(User.id == N.c.user_id, within_area(User.home_area_code, scope))
    stmt = select(N).where(N.c.push_status == push_status, or_(within_area(N.c.area_key, scope), resident_inside))
    stmt = keyset(stmt, keys=[N.c.id], cursor=cursor, limit=limit, types=[int], descending=True)
    return page(db.session.execute(stmt).all(), limit=limit, key=lambda r: [r.id])
