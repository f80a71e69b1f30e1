"""Read queries of moderation: the queue of a moderator's area and the likely duplicates of a page of it; the
moderator's view of one complaint and its redactions. The dicts come from ``moderation.presenters``.

The queue is one statement (complaints joined to their reporters' names), oldest first with a keyset cursor on the
id; the likely duplicates of every complaint on the page come from one more statement (a self-join over the grid
cell, the bounding box and the exact distance, ranked per complaint with a window function). A page thus costs the
same number of statements whatever its size.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, literal_column, or_, select

from app.accounts.models import User
from app.areas import service as areas
from app.areas.codes import area_contains, within_area
from app.core.db import one_of
from app.core.errors import Forbidden
from app.core.i18n import _
from app.core.pagination import decode_cursor, keyset, page
from app.extensions import db
from complaints import audit, geo
from complaints import permissions as perm
from complaints.intake import presenters as intake_presenters
from complaints.intake import queries as intake_queries
from complaints.intake.models import SIMILAR_DAYS, SIMILAR_RADIUS_M, Complaint
from complaints.moderation import presenters
from complaints.moderation.models import Redaction
from complaints.offices.models import Office
from complaints.states import OPEN_STATUSES
from complaints.views import detail as views_detail

T = Complaint.__table__.c
U = User.__table__.c
#: Likely duplicates shown per queued complaint.
DUPLICATES_PER_ITEM = 3
_OPEN = sorted(s.value for s in OPEN_STATUSES)
#: Half-widths of the box around a complaint that holds every point within the duplicate radius. Longitude degrees
#: shrink with the latitude; Indonesia lies within 11.5° of the equator, so one width (for 12°) fits everywhere.
_DLAT = SIMILAR_RADIUS_M / geo.M_PER_DEG * 1.001
_DLON = _DLAT / math.cos(math.radians(12.0))
#: One grid row in cell numbers: a 200 m circle lies inside the 3 x 3 cells around its centre's cell (0.01° cells).
_ROW = geo.cell_of(0.0 + geo.CELL_DEG / 2, 100.0) - geo.cell_of(0.0 - geo.CELL_DEG / 2, 100.0)


def moderation_scope(user: Any) -> str | None:
    """The area ``user`` moderates (an admin's or moderator's scope), or None."""
    if (
        user is None
        or not user.is_active
        or user.role not in perm.MODERATOR_ROLES
        or not user.scope_area_code
        or user.scope_rw is not None  # moderators and admins never have an RW scope
    ):
        return None
    return user.scope_area_code


def scope_condition(user: Any) -> Any:
    """SQL twin of ``permissions.can_moderate``: literal SQL with the kab/kota equality it implies (see
    ``intake.queries.area_condition``), so the queue index ``(status, kabkota_code, id)`` serves it."""
    scope = moderation_scope(user)
    return false() if scope is None else intake_queries.area_condition(scope, db.dialect)


def _category_ids(category_id: int) -> list[int]:
    return intake_queries._category_ids(category_id)


def queue(
    *,
    user: Any,
    status: str,
    awaiting_route: bool | None,
    flagged: bool | None,
    category: int | None,
    area: str | None,
    cursor: str | None,
    limit: int,
) -> dict[str, Any]:
    """Complaints waiting for a moderator of ``user``'s area, oldest first, with flags and likely duplicates.

    ``area`` narrows the queue to a part of the caller's area; an area outside it is a 403 (not an empty page), so
    a mistyped code is noticed.
    """
    conds: list[Any] = [T.status == status, scope_condition(user)]
    if area is not None:
        areas.require_area(code=area, field="area")
        if not area_contains(user.scope, area):
            raise Forbidden(
                "That area is outside your area.",
                errors={"area": [_("Choose an area inside {scope}.", scope=user.scope)]},
            )
        conds.append(intake_queries.area_condition(area, db.dialect))
    if awaiting_route is not None:
        conds.append(T.awaiting_route.is_(awaiting_route))
    if flagged is not None:
        conds.append(T.is_flagged.is_(flagged))
    if category is not None:
        conds.append(T.category_id.in_(_category_ids(category)))
    after = decode_cursor(cursor, types=[int])
    if after is not None:
        conds.append(T.id > after[0])
    stmt = (
        select(
            *intake_queries.LIST_COLUMNS,
            T.screening,
            T.is_flagged,
            T.awaiting_route,
            U.name.label("reporter_account_name"),
        )
        .join(User.__table__, U.id == T.reporter_id)
        .where(*conds)
        .order_by(T.id)
        .limit(limit + 1)
    )
    rows = db.connection().execute(stmt).mappings().all()
    result = page(rows, limit=limit, key=lambda r: [r["id"]])
    dups = likely_duplicates([r["id"] for r in result["items"]], viewer=user)
    for r in result["items"]:
        if perm.sees_reporter_identity(user, intake_presenters._Attrs(r)):
            audit.identity_shown(user, intake_presenters._Attrs(r))
    result["items"] = [presenters.queue_item(r, viewer=user, duplicates=dups.get(r["id"], [])) for r in result["items"]]
    return result


def _distance_between(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> ColumnElement[float]:
    """Haversine distance in metres between two rows' points (``geo.distance_sql`` for two columns)."""
    dphi = func.sin((func.radians(lat2) - func.radians(lat1)) / 2.0)
    dlam = func.sin((func.radians(lon2) - func.radians(lon1)) / 2.0)
    a = dphi * dphi + func.cos(func.radians(lat1)) * func.cos(func.radians(lat2)) * dlam * dlam
    return 2 * geo.EARTH_RADIUS_M * func.asin(func.sqrt(a))


def _days_before(column: Any, days: int) -> Any:
    """``column`` minus ``days`` days, in SQL (SQLite stores datetimes as ISO text)."""
    if db.dialect == "sqlite":
        return func.strftime("%Y-%m-%d %H:%M:%f", column, f"-{days} days")
    return column - literal_column(f"interval '{int(days)} days'")


def _listed_or_in_scope(columns: Any, viewer: Any) -> Any:
    scope = moderation_scope(viewer)
    listed = columns.is_listed.is_(True)
    return listed if scope is None else or_(listed, within_area(columns.desa_code, scope))


def likely_duplicates(complaint_ids: Sequence[int], *, viewer: Any) -> dict[int, list[dict[str, Any]]]:
    """For each complaint, up to three open complaints of its category within ~200 m created in the 30 days before
    it that the viewer may see, nearest first (one statement for all of them)."""
    if not complaint_ids:
        return {}
    P = Complaint.__table__.alias("p")
    D = Complaint.__table__.alias("d")
    distance = _distance_between(P.c.latitude, P.c.longitude, D.c.latitude, D.c.longitude)
    cells = or_(*(D.c.geo_cell.between(P.c.geo_cell + k * _ROW - 1, P.c.geo_cell + k * _ROW + 1) for k in (-1, 0, 1)))
    near = and_(
        cells,
        D.c.latitude.between(P.c.latitude - _DLAT, P.c.latitude + _DLAT),
        D.c.longitude.between(P.c.longitude - _DLON, P.c.longitude + _DLON),
        D.c.category_id == P.c.category_id,
        D.c.id != P.c.id,
        one_of(D.c.status, _OPEN),
        D.c.created_at <= P.c.created_at,
        D.c.created_at >= _days_before(P.c.created_at, SIMILAR_DAYS),
    )
    ranked = (
        select(
            P.c.id.label("for_id"),
            D.c.id,
            D.c.tracking_number,
            func.coalesce(D.c.public_title, D.c.title).label("title"),
            D.c.status,
            distance.label("distance_m"),
            func.row_number().over(partition_by=P.c.id, order_by=(distance, D.c.id)).label("rank"),
        )
        .select_from(P.join(D, near))
        .where(
            P.c.id.in_(list(complaint_ids)),
            distance <= SIMILAR_RADIUS_M,
            _listed_or_in_scope(D.c, viewer),
        )
        .subquery()
    )
    stmt = (
        select(ranked.c.for_id, ranked.c.id, ranked.c.tracking_number, ranked.c.title, ranked.c.status)
        .add_columns(ranked.c.distance_m)
        .where(ranked.c.rank <= DUPLICATES_PER_ITEM)
        .order_by(ranked.c.for_id, ranked.c.rank)
    )
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in db.connection().execute(stmt).mappings():
        out[r["for_id"]].append(presenters.likely_duplicate(r))
    return out


# --- one complaint --------------------------------------------------------------------------------------------


def view(*, complaint_id: int, viewer: Any) -> dict[str, Any]:
    """The complaint as its moderator sees it: the detail view plus routing, deadlines and moderation outcome."""
    detail = views_detail.detail_view(complaint_id=complaint_id, viewer=viewer)
    c = db.session.get(Complaint, complaint_id)  # loaded by detail_view: no query
    office = db.session.get(Office, c.office_id) if c.office_id is not None else None
    original = db.session.get(Complaint, c.duplicate_of_id) if c.duplicate_of_id is not None else None
    return presenters.moderation_view(detail, c, office=office, original=original)


def redactions(*, complaint_id: int, viewer: Any, cursor: str | None, limit: int) -> dict[str, Any]:
    """The redactions of a complaint with the original texts, oldest first: admins of its area only."""
    c = intake_queries.get_visible(complaint_id=complaint_id, viewer=viewer)
    if not perm.can_read_redactions(viewer, c):
        raise Forbidden("Only admins of the complaint's area read the original texts.")
    R = Redaction
    stmt = (
        select(R.id, R.field, R.original, R.redacted, R.reason, R.actor_id, R.created_at, User.name.label("actor_name"))
        .outerjoin(User, User.id == R.actor_id)
        .where(R.complaint_id == c.id)
    )
    rows = db.session.execute(keyset(stmt, keys=[R.id], cursor=cursor, limit=limit, types=[int])).all()
    result = page(rows, limit=limit, key=lambda r: [r.id])
    if result["items"]:
        audit.redaction_originals_shown(viewer, c)
    result["items"] = [presenters.redaction(r) for r in result["items"]]
    return result
