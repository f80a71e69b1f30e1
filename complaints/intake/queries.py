"""Read queries of intake: the public feed, my complaints, similar complaints, one complaint.

Lists select only the columns a list shows (the first characters of the description, never the whole text), use
keyset pagination over an indexed order, never count, and load the photos of a page in one more query, so the number
of queries does not depend on the page size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select

from app.areas import service as areas
from app.areas.codes import LEVEL_KABKOTA, level_of, within_area
from app.core.db import utcnow
from app.core.errors import NotFound, ValidationFailed
from app.core.pagination import keyset, page
from app.extensions import db
from complaints import geo
from complaints import permissions as perm
from complaints.categories.models import Category
from complaints.intake import presenters
from complaints.intake.models import Complaint
from complaints.intake.presenters import EXCERPT_CHARS
from complaints.intake.schemas import SIMILAR_DAYS, SIMILAR_RADIUS_M
from complaints.photos.models import ComplaintPhoto
from complaints.states import OPEN_STATUSES

C = Complaint

LIST_COLUMNS = (
    C.id,
    C.tracking_number,
    C.status,
    C.category_id,
    C.title,
    C.public_title,
    func.substr(C.description, 1, EXCERPT_CHARS + 1).label("excerpt"),
    func.substr(C.public_description, 1, EXCERPT_CHARS + 1).label("public_excerpt"),
    C.address,
    C.public_address,
    C.latitude,
    C.longitude,
    C.desa_code,
    C.rw,
    C.is_anonymous,
    C.is_public,
    C.reporter_id,
    C.reporter_label,
    C.support_count,
    C.created_at,
    C.status_changed_at,
)


def photos_for(complaint_ids: Sequence[int]) -> dict[int, list[Any]]:
    """Intake photos of several complaints, in upload order (one query)."""
    if not complaint_ids:
        return {}
    P = ComplaintPhoto
    rows = db.session.execute(
        select(P.id, P.complaint_id, P.width, P.height)
        .where(P.complaint_id.in_(complaint_ids), P.kind == "intake")
        .order_by(P.complaint_id, P.position)
    )
    out: dict[int, list[Any]] = defaultdict(list)
    for r in rows:
        out[r.complaint_id].append(r)
    return out


def _items(rows: Sequence[Any], *, viewer: Any | None, reporter_name: str | None = None) -> list[dict[str, Any]]:
    photos = photos_for([r.id for r in rows])
    return [
        presenters.list_item(
            r,
            viewer=viewer,
            photos=photos.get(r.id, ()),
            distance=getattr(r, "distance_m", None),
            reporter_name=reporter_name,
        )
        for r in rows
    ]


def _page(stmt: Any, *, keys: list[Any], types: list[type], descending: bool, cursor: str | None, limit: int):
    rows = db.session.execute(
        keyset(stmt, keys=keys, cursor=cursor, limit=limit, types=types, descending=descending)
    ).all()
    names = [k.key for k in keys]
    return page(rows, limit=limit, key=lambda r: [getattr(r, n) for n in names])


def _category_ids(category_id: int) -> list[int]:
    """A category and everything below it (the category table is small)."""
    pairs = db.session.execute(select(Category.id, Category.parent_id)).all()
    children: dict[int | None, list[int]] = defaultdict(list)
    for cid, parent in pairs:
        children[parent].append(cid)
    out, todo = [], [category_id]
    while todo:
        cid = todo.pop()
        if cid not in out:
            out.append(cid)
            todo.extend(children.get(cid, ()))
    return out


def area_condition(area_code: str) -> list[ColumnElement[bool]]:
    """Complaints inside an area: ``within_area`` on the desa code (the containment rule), plus the equality on the
    stored kab/kota that it implies, which lets the feed's indexes serve the newest rows of one kab/kota in order."""
    conds: list[ColumnElement[bool]] = [within_area(C.desa_code, area_code)]
    if level_of(area_code) >= LEVEL_KABKOTA:
        conds.append(C.kabkota_code == area_code[:5])
    return conds


def feed(
    *,
    area: str | None,
    category: int | None,
    status: str | None,
    near: tuple[float, float] | None,
    radius: int,
    sort: str,
    cursor: str | None,
    limit: int,
) -> dict[str, Any]:
    """The public feed: public complaints verified or later, filtered, newest / most supported / nearest first."""
    columns: list[Any] = list(LIST_COLUMNS)
    conds: list[Any] = [C.is_listed.is_(True)]
    if area is not None:
        if areas.get_detail(code=area) is None:
            raise ValidationFailed("Unknown area code.", errors={"area": [f"Unknown area code {area!r}."]})
        conds += area_condition(area)
    if category is not None:
        conds.append(C.category_id.in_(_category_ids(category)))
    if status is not None:
        conds.append(C.status == status)
    distance = None
    if near is not None:
        lat, lon = near
        distance = geo.distance_sql(C.latitude, C.longitude, lat, lon).label("distance_m")
        columns.append(distance)
        conds += geo.within_radius(C.geo_cell, C.latitude, C.longitude, lat, lon, radius)
    stmt = select(*columns).where(*conds)
    if sort == "nearest":
        assert distance is not None
        result = _page(stmt, keys=[distance, C.id], types=[float, int], descending=False, cursor=cursor, limit=limit)
    elif sort == "supported":
        keys = [C.support_count, C.id]
        result = _page(stmt, keys=keys, types=[int, int], descending=True, cursor=cursor, limit=limit)
    else:
        result = _page(stmt, keys=[C.id], types=[int], descending=True, cursor=cursor, limit=limit)
    result["items"] = _items(result["items"], viewer=None)
    return result


def mine(*, user: Any, status: str | None, cursor: str | None, limit: int) -> dict[str, Any]:
    """Every complaint of the caller, any status, newest first, with the texts as written."""
    stmt = select(*LIST_COLUMNS).where(C.reporter_id == user.id)
    if status is not None:
        stmt = stmt.where(C.status == status)
    result = _page(stmt, keys=[C.id], types=[int], descending=True, cursor=cursor, limit=limit)
    result["items"] = _items(result["items"], viewer=user, reporter_name=user.name)
    return result


def staff_scope_condition(user: Any | None) -> ColumnElement[bool]:
    """SQL twin of ``permissions.is_staff_in_scope``: the complaints a staff member looks after."""
    if user is None or not user.is_active or user.role not in perm.AREA_STAFF_ROLES or not user.scope_area_code:
        return false()
    if user.scope_rw is not None:
        return and_(C.desa_code == user.scope_area_code, C.rw == user.scope_rw)
    return within_area(C.desa_code, user.scope_area_code)


def visible_condition(user: Any | None) -> ColumnElement[bool]:
    """SQL twin of ``permissions.can_view``."""
    if user is None:
        return C.is_listed.is_(True)
    return or_(C.is_listed.is_(True), C.reporter_id == user.id, staff_scope_condition(user))


def similar(
    *,
    viewer: Any | None,
    lat: float,
    lon: float,
    category_id: int,
    cursor: str | None,
    limit: int,
    exclude_id: int | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Open complaints of a category within ~200 m from the last 30 days that the caller may see, nearest first."""
    since = (now or utcnow()) - dt.timedelta(days=SIMILAR_DAYS)
    distance = geo.distance_sql(C.latitude, C.longitude, lat, lon).label("distance_m")
    stmt = select(*LIST_COLUMNS, distance).where(
        C.category_id == category_id,
        C.status.in_(sorted(s.value for s in OPEN_STATUSES)),
        C.created_at >= since,
        *geo.within_radius(C.geo_cell, C.latitude, C.longitude, lat, lon, SIMILAR_RADIUS_M),
        visible_condition(viewer),
    )
    if exclude_id is not None:
        stmt = stmt.where(C.id != exclude_id)
    result = _page(stmt, keys=[distance, C.id], types=[float, int], descending=False, cursor=cursor, limit=limit)
    result["items"] = _items(result["items"], viewer=viewer)
    return result


def get_visible(*, complaint_id: int, viewer: Any | None, for_update: bool = False) -> Complaint:
    """The complaint if the caller may see it; 404 otherwise, whether or not it exists."""
    # populate_existing: counters change in SQL (supports), so never trust a copy loaded earlier in the session
    stmt = select(Complaint).where(Complaint.id == complaint_id).execution_options(populate_existing=True)
    if for_update:
        stmt = stmt.with_for_update()
    complaint = db.session.scalars(stmt).one_or_none()
    if complaint is None or not perm.can_view(viewer, complaint):
        raise NotFound("Complaint not found.")
    return complaint
