"""Read queries of intake: the public feed, my complaints, similar complaints, one complaint.

Lists are one SQL statement each: only the columns a list shows (the first characters of the description, the
photo count and cover, never the whole text), keyset pagination over an indexed order, no count. The statements are
built once per shape (which filters are present) with bound parameters and kept, so a request neither rebuilds nor
re-plans them (psycopg prepares repeated statements on the server); GET requests run them on the worker's
autocommit connection without an ORM session.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from typing import Any

from flask import has_request_context, request
from sqlalchemy import ColumnElement, and_, bindparam, func, or_, select, text, tuple_

from app.areas import service as areas
from app.areas.codes import LEVEL_KABKOTA, level_of, within_area
from app.core import http, responses, sync
from app.core.cache import SharedAnswers
from app.core.db import one_of, utcnow
from app.core.errors import NotFound, ValidationFailed
from app.core.i18n import _
from app.core.pagination import decode_cursor, page
from app.extensions import db
from complaints import geo
from complaints import permissions as perm
from complaints.categories.models import Category
from complaints.intake import nearby, presenters
from complaints.intake.access import attach_viewer_offices
from complaints.intake.models import SIMILAR_DAYS, SIMILAR_RADIUS_M, Complaint
from complaints.intake.presenters import EXCERPT_CHARS
from complaints.states import OPEN_STATUSES

T = Complaint.__table__.c

LIST_COLUMNS = (
    T.id,
    T.tracking_number,
    T.status,
    T.category_id,
    T.title,
    T.public_title,
    func.substr(T.description, 1, EXCERPT_CHARS + 1).label("excerpt"),
    func.substr(T.public_description, 1, EXCERPT_CHARS + 1).label("public_excerpt"),
    T.address,
    T.public_address,
    T.latitude,
    T.longitude,
    T.desa_code,
    T.rw,
    T.is_anonymous,
    T.is_public,
    T.reporter_id,
    T.reporter_label,
    T.support_count,
    T.photo_count,
    T.cover_photo_id,
    T.created_at,
    T.status_changed_at,
)
#: The public feed's columns: the texts already as the public sees them (masked copy, else the original).
PUBLIC_COLUMNS = (
    T.id,
    T.tracking_number,
    T.status,
    T.category_id,
    func.coalesce(T.public_title, T.title).label("title"),
    func.substr(func.coalesce(T.public_description, T.description), 1, EXCERPT_CHARS + 1).label("excerpt"),
    func.coalesce(T.public_address, T.address).label("address"),
    T.latitude,
    T.longitude,
    T.desa_code,
    T.rw,
    T.is_anonymous,
    T.is_public,
    T.reporter_label,
    T.support_count,
    T.photo_count,
    T.cover_photo_id,
    T.created_at,
    T.status_changed_at,
)
_OPEN = sorted(s.value for s in OPEN_STATUSES)
#: Keys of each order: (columns, their types in the cursor, descending).
_ORDERS = {
    "newest": (("id",), (int,), True),
    "supported": (("support_count", "id"), (int, int), True),
    "nearest": (("distance_m", "id"), (float, int), False),
}


def _distance() -> ColumnElement[float]:
    return geo.distance_sql(T.latitude, T.longitude, 0.0, 0.0).label("distance_m")


def _near_conditions(n_ranges: int, radius_param: str = "radius") -> list[Any]:
    """Radius conditions with bound parameters: ``n_ranges`` cell ranges, the box, the exact distance."""
    cells = or_(*(T.geo_cell.between(bindparam(f"cell_lo_{i}"), bindparam(f"cell_hi_{i}")) for i in range(n_ranges)))
    return [
        cells,
        T.latitude.between(bindparam("south"), bindparam("north")),
        T.longitude.between(bindparam("west"), bindparam("east")),
        geo.distance_sql(T.latitude, T.longitude, 0.0, 0.0) <= bindparam(radius_param),
    ]


def _near_params(lat: float, lon: float, radius: float) -> dict[str, Any]:
    south, north, west, east = geo.bbox(lat, lon, radius)
    params: dict[str, Any] = {"south": south, "north": north, "west": west, "east": east, "radius": radius}
    params.update(geo.distance_params(lat, lon))
    for i, (lo, hi) in enumerate(geo.cell_ranges(south, north, west, east)):
        params[f"cell_lo_{i}"], params[f"cell_hi_{i}"] = lo, hi
    return params


def _keyset(stmt: Any, columns: dict[str, Any], order: str, *, after: bool) -> Any:
    names, _, descending = _ORDERS[order]
    keys = [columns[n] for n in names]
    if after:
        bound = tuple_(*(bindparam(f"after_{n}") for n in names))
        stmt = stmt.where(tuple_(*keys) < bound if descending else tuple_(*keys) > bound)
    return stmt.order_by(*(k.desc() if descending else k for k in keys)).limit(bindparam("limit_plus_one"))


def _cursor_params(order: str, cursor: str | None, limit: int) -> dict[str, Any]:
    names, types, _ = _ORDERS[order]
    params: dict[str, Any] = {"limit_plus_one": limit + 1}
    values = decode_cursor(cursor, types=types)
    if values is not None:
        params.update({f"after_{n}": v for n, v in zip(names, values, strict=True)})
    return params


@functools.lru_cache(maxsize=1024)
def area_condition(area_code: str, dialect: str) -> Any:
    """SQL for "inside ``area_code``": ``within_area`` on the desa code (the containment rule), plus, from the
    kab/kota down, the equality on the stored kab/kota that it implies, which lets an index serve one kab/kota's
    newest rows in order.

    The codes are written into the SQL text (they are validated digits and dots): as parameters of a prepared
    statement, PostgreSQL's generic plan cannot see how narrow the range is and sorts a whole city instead.
    """
    cond = within_area(T.desa_code, area_code)
    if level_of(area_code) >= LEVEL_KABKOTA:
        cond = and_(cond, T.kabkota_code == area_code[:5])
    sql = cond.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
    return text(f"({sql})")


@functools.lru_cache(maxsize=1024)
def _feed_statement(
    *, area: str | None, dialect: str, category: bool, status: bool, n_ranges: int, order: str, after: bool
) -> Any:
    """The feed's statement for one area and combination of filters (the other values come as parameters)."""
    columns: dict[str, Any] = {"id": T.id, "support_count": T.support_count}
    selected: list[Any] = list(PUBLIC_COLUMNS)
    conds: list[Any] = [T.is_listed.is_(True)]
    if area is not None:
        conds.append(area_condition(area, dialect))
    if category:
        conds.append(T.category_id.in_(bindparam("categories", expanding=True)))
    if status:
        conds.append(T.status == bindparam("status"))
    if n_ranges:
        columns["distance_m"] = distance = _distance()
        selected.append(distance)
        conds += _near_conditions(n_ranges)
    return _keyset(select(*selected).where(*conds), columns, order, after=after)


def _category_ids(category_id: int) -> list[int]:
    """A category and everything below it (the category table is small)."""
    pairs = db.connection().execute(select(Category.id, Category.parent_id)).all()
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


def _page(stmt: Any, params: dict[str, Any], order: str, limit: int) -> dict[str, Any]:
    """Rows as mappings (much faster to read than row attributes), the envelope, the next cursor."""
    rows = db.connection().execute(stmt, params).mappings().all()
    names = _ORDERS[order][0]
    return page(rows, limit=limit, key=lambda r: [r[n] for n in names])


#: Pages of the public feed without ``near=`` (the same for every caller, and a shared HTTP cache may keep them as
#: long: ``public, max-age=5``), encoded once and kept per process for ``COMPLAINT_FEED_CACHE_SECONDS``; this
#: process's complaint writes empty it at once. ``near=`` pages are not kept: two phones rarely send one position.
_public_pages = SharedAnswers("COMPLAINT_FEED_CACHE_SECONDS", maxsize=10_000, written=Complaint)
forget_public_pages = _public_pages.clear


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
) -> Any:
    """The public feed (a dict, a page shared for a few seconds as ``responses.Encoded``, or a radius search's
    encoded page): public complaints verified or later, filtered, newest / most supported / nearest first."""
    args = {"area": area, "category": category, "status": status, "radius": radius, "sort": sort, "cursor": cursor}
    if near is not None:
        return _feed(near=near, limit=limit, **args)
    key = (area, category, status, sort, cursor, limit)
    return _public_pages.get_or_build(key, lambda: responses.encode(_feed(near=None, limit=limit, **args)))


def _feed(
    *,
    area: str | None,
    category: int | None,
    status: str | None,
    near: tuple[float, float] | None,
    radius: int,
    sort: str,
    cursor: str | None,
    limit: int,
) -> dict[str, Any] | bytes:
    params = _cursor_params(sort, cursor, limit)
    if area is not None and areas.get_detail(code=area) is None:
        raise ValidationFailed("Unknown area code.", errors={"area": [_("Unknown area code {code}.", code=area)]})
    if category is not None:
        params["categories"] = _category_ids(category)
    if status is not None:
        params["status"] = status
    shape = {
        "area": area,
        "dialect": db.dialect,
        "category": category is not None,
        "status": status is not None,
        "order": sort,
        "after": "after_id" in params,
    }
    if near is None:
        result = _page(_feed_statement(n_ranges=0, **shape), params, sort, limit)
        result["items"] = [presenters.public_item(r) for r in result["items"]]
        return result
    tiles = area is None and sort != "supported" and nearby.kept()
    if tiles:
        answer = _nearby_page(near, radius, sort, params, limit)
        if answer is not None:
            return answer
    # Nearest first: look in growing circles (125 m, doubling) and stop at the first that holds a full page. Every
    # row inside a circle is nearer than any row outside it, so that page is exact; in a dense city the first
    # circle reads a few dozen rows instead of the thousands within the whole radius.
    after = params.get("after_distance_m", 0.0)
    rings = [r for r in nearby.RINGS if sort == "nearest" and after < r < radius] + [radius]
    if tiles and sort == "nearest":  # the tiles held too few: the circles they could not serve
        rings = [r for r in rings if r == radius or not nearby.serves(near[0], near[1], r)]
    for ring in rings:
        near_params = _near_params(near[0], near[1], ring)
        n_ranges = sum(1 for k in near_params if k.startswith("cell_lo_"))
        result = _page(_feed_statement(n_ranges=n_ranges, **shape), {**params, **near_params}, sort, limit)
        if result["next_cursor"] is not None:
            break
    result["items"] = [presenters.public_item(r, distance=r["distance_m"]) for r in result["items"]]
    return result


def _nearby_page(near: tuple[float, float], radius: int, sort: str, params: dict[str, Any], limit: int) -> bytes | None:
    """A radius search from the tiles kept per process (``complaints.intake.nearby``), encoded; None when it is
    too wide for tiles."""
    search = {
        "lat": near[0],
        "lon": near[1],
        "radius": radius,
        "categories": frozenset(params["categories"]) if "categories" in params else None,
        "status": params.get("status"),
        "count": limit + 1,
    }
    if sort == "nearest":
        after = (params["after_distance_m"], params["after_id"]) if "after_id" in params else None
        found = nearby.nearest(after=after, **search)
        key = lambda f: [f[0], f[1]]  # noqa: E731
    elif nearby.serves(near[0], near[1], radius):
        found = nearby.newest(before_id=params.get("after_id"), **search)
        key = lambda f: [f[1]]  # noqa: E731
    else:
        found = None
    if found is None:
        return None
    result = page(found, limit=limit, key=key)
    return responses.page_of_parts(nearby.items(result["items"], PUBLIC_COLUMNS), result["next_cursor"])


@functools.lru_cache(maxsize=8)
def _mine_statement(*, status: bool, after: bool, changes: bool = False) -> Any:
    stmt = select(*LIST_COLUMNS, T.updated_at).where(T.reporter_id == bindparam("reporter_id"))
    if status:
        stmt = stmt.where(T.status == bindparam("status"))
    if changes:  # delta sync: oldest change first (index ix_complaints_reporter_id_updated_at_id)
        return sync.changed_since(stmt, updated=T.updated_at, key=T.id, after=after)
    return _keyset(stmt, {"id": T.id}, "newest", after=after)


def mine(
    *, user: Any, status: str | None, cursor: str | None, limit: int, updated_since: dt.datetime | None = None
) -> dict[str, Any]:
    """Every complaint of the caller, any status, newest first, with the texts as written; with ``updated_since``
    the ones changed since then, oldest change first (``app.core.sync``)."""
    server_time = sync.server_time()
    if updated_since is None:
        params = {**_cursor_params("newest", cursor, limit), "reporter_id": user.id, "status": status}
        stmt = _mine_statement(status=status is not None, after="after_id" in params)
        result = _page(stmt, params, "newest", limit)
        deleted: list[int] = []
    else:
        params = {**sync.changes_params(since=updated_since, cursor=cursor, limit=limit), "reporter_id": user.id}
        params["status"] = status
        stmt = _mine_statement(status=status is not None, after="after_id" in params, changes=True)
        rows = db.connection().execute(stmt, params).mappings().all()
        result = sync.changes_page(rows, limit=limit, key=lambda r: (r["updated_at"], r["id"]))
        first = cursor is None
        deleted = (
            sync.deleted_since(db.connection(), kind="complaint", owner_id=user.id, since=updated_since)
            if first
            else []
        )
    result["items"] = [presenters.list_item(r, viewer=user) for r in result["items"]]
    result["server_time"] = server_time
    result["deleted"] = deleted
    return result


@functools.lru_cache(maxsize=1024)
def _scope_sql(scope_area_code: str, scope_rw: int | None) -> Any:
    """A staff scope as literal SQL (see ``area_condition`` for why literal)."""
    if scope_rw is not None:
        cond = and_(T.desa_code == scope_area_code, T.rw == scope_rw)
    else:
        cond = within_area(T.desa_code, scope_area_code)
    return text(f"({cond.compile(dialect=db.engine.dialect, compile_kwargs={'literal_binds': True})})")


def _scope_of(user: Any | None) -> tuple[str, int | None] | None:
    if user is None or not user.is_active or user.role not in perm.AREA_STAFF_ROLES or not user.scope_area_code:
        return None
    return user.scope_area_code, user.scope_rw


@functools.lru_cache(maxsize=1024)
def _similar_statement(
    *, dialect: str, signed_in: bool, scope: tuple[str, int | None] | None, n_ranges: int, exclude: bool, after: bool
) -> Any:
    distance = _distance()
    if not signed_in:
        visible: Any = T.is_listed.is_(True)
    else:
        conds = [T.is_listed.is_(True), T.reporter_id == bindparam("viewer_id")]
        if scope is not None:
            conds.append(_scope_sql(*scope))
        visible = or_(*conds)
    stmt = select(*LIST_COLUMNS, distance).where(
        *_near_conditions(n_ranges),
        T.category_id == bindparam("category_id"),
        T.created_at >= bindparam("since", type_=Complaint.created_at.type),
        one_of(T.status, _OPEN),
        visible,
    )
    if exclude:
        stmt = stmt.where(T.id != bindparam("exclude_id"))
    return _keyset(stmt, {"id": T.id, "distance_m": distance}, "nearest", after=after)


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
    params = {
        **_cursor_params("nearest", cursor, limit),
        **_near_params(lat, lon, SIMILAR_RADIUS_M),
        "category_id": category_id,
        "since": (now or utcnow()) - dt.timedelta(days=SIMILAR_DAYS),
        "viewer_id": viewer.id if viewer is not None else None,
        "exclude_id": exclude_id,
    }
    stmt = _similar_statement(
        dialect=db.dialect,
        signed_in=viewer is not None,
        scope=_scope_of(viewer),
        n_ranges=sum(1 for k in params if k.startswith("cell_lo_")),
        exclude=exclude_id is not None,
        after="after_id" in params,
    )
    result = _page(stmt, params, "nearest", limit)
    result["items"] = [presenters.list_item(r, viewer=viewer, distance=r["distance_m"]) for r in result["items"]]
    return result


def get_visible(*, complaint_id: int, viewer: Any | None, for_update: bool = False) -> Complaint:
    """The complaint if the caller may see it; 404 otherwise, whether or not it exists."""
    # populate_existing: counters change in SQL (supports), so never trust a copy loaded earlier in the session
    stmt = select(Complaint).where(Complaint.id == complaint_id).execution_options(populate_existing=True)
    if for_update:
        stmt = stmt.with_for_update()
    complaint = db.session.scalars(stmt).one_or_none()
    if complaint is None:
        raise NotFound("Complaint not found.")
    attach_viewer_offices(complaint, viewer)
    if not perm.can_view(viewer, complaint):
        raise NotFound("Complaint not found.")
    if for_update and _is_target(complaint_id):
        # Under the row lock: a moderator acting on a stale screen (If-Match of an older version) gets 412.
        http.check_if_match(etag_core(complaint))
    return complaint


def etag_core(complaint: Any) -> str:
    """The strong part of a complaint's validator (``c42.v7``): what ``If-Match`` on its actions compares."""
    return http.resource_tag("c", complaint.id, complaint.version)


def _is_target(complaint_id: int) -> bool:
    """Whether ``complaint_id`` is the complaint named in the request's path (not, say, a duplicate's original)."""
    return has_request_context() and (request.view_args or {}).get("complaint_id") == complaint_id
