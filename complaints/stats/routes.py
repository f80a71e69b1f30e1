from __future__ import annotations

import datetime as dt
from typing import Any

from flask.views import MethodView
from sqlalchemy import select

from app.accounts.roles import Role
from app.areas import service as areas
from app.core.auth import auth_required, get_current_user
from app.core.blueprint import Blueprint
from app.core.db import utcnow
from app.core.errors import Forbidden, ValidationFailed
from app.core.responses import json_response
from app.extensions import db
from complaints import permissions as perm
from complaints.categories.models import Category
from complaints.offices.members import my_offices
from complaints.offices.models import Office
from complaints.sla.zones import zone_of
from complaints.stats import queries
from complaints.stats.schemas import EXAMPLE, ComplaintStatsSchema, StatsQuerySchema

blp = Blueprint(
    "stats",
    __name__,
    url_prefix="/api/v1/stats",
    description="Statistics of the complaints in my area or of my offices.",
)


def _category_tree(category_id: int) -> tuple[int, ...]:
    """The category and its subcategories (the table is small); 422 for an unknown one."""
    rows = db.session.execute(select(Category.id, Category.parent_id)).all()
    if category_id not in {r.id for r in rows}:
        raise ValidationFailed("Unknown category.", errors={"category": ["No category with this id."]})
    out, todo = [], [category_id]
    while todo:
        cid = todo.pop()
        if cid not in out:
            out.append(cid)
            todo.extend(r.id for r in rows if r.parent_id == cid)
    return tuple(sorted(out))


def _scope(user: Any, *, area: str | None, office_id: int | None) -> queries.Scope:
    """The complaints the caller may count, narrowed to ``area`` and ``office_id`` (403 outside their reach)."""
    if area is not None:
        areas.require_area(code=area, field="area")
        if not perm.can_view_stats_of_area(user, area):
            raise Forbidden("You can only see statistics of your own area.")
    if user.role == Role.OFFICE_HANDLER:
        mine = tuple(sorted(o.id for o in my_offices(user=user)))
        if office_id is not None:
            if office_id not in mine:
                raise Forbidden("You can only see statistics of the offices you work for.")
            mine = (office_id,)
        return queries.Scope(area=area, offices=mine)
    if office_id is not None and db.session.get(Office, office_id) is None:
        raise ValidationFailed("Unknown office.", errors={"office_id": ["No office with this id."]})
    if area is not None:
        return queries.Scope(area=area)
    return queries.Scope(area=user.scope_area_code, rw=user.scope_rw)


def _start_of(day: dt.date | None, tz: dt.tzinfo) -> dt.datetime | None:
    return None if day is None else dt.datetime.combine(day, dt.time.min, tz)


@blp.route("/complaints")
class ComplaintStats(MethodView):
    @auth_required(*sorted(perm.STATS_ROLES))
    @blp.arguments(StatsQuerySchema, location="query")
    @blp.response(200, ComplaintStatsSchema, example=EXAMPLE)
    def get(self, args):
        """Statistics of complaints in my area or of my offices

        Area staff (admins, moderators, village and RW officials) count the complaints inside their area; office
        handlers the complaints led by the offices they work for. Filters: the period (`from`, `to`: inclusive
        days of submission, in the area's local time), an `area` inside yours, an `office_id` (a handler's own),
        a `category` (with its subcategories).

        Answers: counts by status (every status), by category and by lead office; the median hours from
        verification to the first response and to resolution; SLA compliance (deadlines met among those decided;
        open complaints past their deadline); the average rating.
        """
        user = get_current_user()
        if not perm.can_view_stats(user):
            raise Forbidden("Your role does not allow this.")
        scope = _scope(user, area=args["area"], office_id=args["office_id"])
        tz = zone_of(args["area"] or user.scope_area_code)
        until = args["until"] + dt.timedelta(days=1) if args["until"] is not None else None
        filters = queries.Filters(
            since=_start_of(args["since"], tz),
            until=_start_of(until, tz),
            office_id=args["office_id"],
            categories=_category_tree(args["category"]) if args["category"] is not None else None,
        )
        return json_response(queries.complaint_stats(scope=scope, filters=filters, now=utcnow()))
