from __future__ import annotations

from flask.views import MethodView

from app.accounts.roles import Role
from app.core.auth import auth_required, get_current_user
from app.core.blueprint import Blueprint
from app.core.errors import Forbidden
from app.core.pagination import PageArgs, page_of
from app.core.responses import json_response
from complaints.offices import members, presenters, service
from complaints.offices.permissions import can_view_members
from complaints.offices.schemas import (
    MemberCreateSchema,
    MemberSchema,
    MemberUpdateSchema,
    OfficeCreateSchema,
    OfficeQuerySchema,
    OfficeSchema,
    OfficeUpdateSchema,
)

blp = Blueprint(
    "offices",
    __name__,
    url_prefix="/api/v1/offices",
    description="Offices (OPD) and their sub-units that handle complaints, with their members.",
)

ADMIN, HANDLER = Role.ADMIN.value, Role.OFFICE_HANDLER.value


@blp.route("")
class Offices(MethodView):
    @auth_required(ADMIN, HANDLER)
    @blp.arguments(OfficeQuerySchema, location="query")
    @blp.response(200, page_of(OfficeSchema))
    def get(self, args):
        """List offices

        Admins see the offices inside their area; office handlers the offices they work for.
        """
        return json_response(service.list_offices(actor=get_current_user(), **args))

    @auth_required(ADMIN)
    @blp.arguments(
        OfficeCreateSchema,
        example={
            "code": "UPT-JLN-3273-01",
            "name": "UPT Pengelolaan Jalan dan Drainase Wilayah Sukasari",
            "area_code": "32.73.01",
            "parent_id": 1,
        },
    )
    @blp.response(201, OfficeSchema)
    def post(self, data):
        """Create an office

        Only inside the admin's own area. A sub-unit (`parent_id`) lies inside its parent office's area.
        """
        return json_response(presenters.office(service.create_office(actor=get_current_user(), data=data)), 201)


@blp.route("/<id:office_id>")
class OfficeItem(MethodView):
    @auth_required(ADMIN, HANDLER)
    @blp.response(200, OfficeSchema)
    def get(self, office_id):
        """Get an office

        For the admins who manage it and for its members.
        """
        return json_response(presenters.office(service.get_visible(actor=get_current_user(), office_id=office_id)))

    @auth_required(ADMIN)
    @blp.arguments(OfficeUpdateSchema, example={"name": "Dinas Bina Marga Kota Bandung", "is_active": True})
    @blp.response(200, OfficeSchema)
    def patch(self, changes, office_id):
        """Change or deactivate an office

        Routing skips inactive offices. A new area must stay inside the admin's area and the parent office's area,
        and still contain every sub-unit.
        """
        actor = get_current_user()
        office = service.update_office(
            actor=actor, office=service.get_managed(actor=actor, office_id=office_id), changes=changes
        )
        return json_response(presenters.office(office))


@blp.route("/<id:office_id>/members")
class OfficeMembers(MethodView):
    @auth_required(ADMIN, HANDLER)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(MemberSchema))
    def get(self, args, office_id):
        """List the members of an office

        For the admins who manage the office and for its heads.
        """
        actor = get_current_user()
        office = service.get_visible(actor=actor, office_id=office_id)
        if not can_view_members(actor, office, is_head=service.is_head(actor.id, office.id)):
            raise Forbidden("Only the office's heads and its admins see its members.")
        return json_response(members.list_members(office=office, **args))

    @auth_required(ADMIN)
    @blp.arguments(MemberCreateSchema, example={"user_id": 4, "is_head": True})
    @blp.response(201, MemberSchema)
    def post(self, data, office_id):
        """Add a member to an office

        The account must be an active office handler you manage, scoped inside the office's kab/kota (a province
        office: its province).
        """
        actor = get_current_user()
        office = service.get_managed(actor=actor, office_id=office_id)
        member = members.add_member(actor=actor, office=office, **data)
        return json_response(presenters.member(member, members.account_of(member), office), 201)


@blp.route("/<id:office_id>/members/<id:user_id>")
class OfficeMemberItem(MethodView):
    @auth_required(ADMIN)
    @blp.arguments(MemberUpdateSchema, example={"is_head": True})
    @blp.response(200, MemberSchema)
    def patch(self, data, office_id, user_id):
        """Make a member a head of the office, or not"""
        office = service.get_managed(actor=get_current_user(), office_id=office_id)
        member = members.update_member(office=office, user_id=user_id, **data)
        return json_response(presenters.member(member, members.account_of(member), office))

    @auth_required(ADMIN)
    @blp.response(204)
    def delete(self, office_id, user_id):
        """Remove a member from an office"""
        office = service.get_managed(actor=get_current_user(), office_id=office_id)
        members.remove_member(office=office, user_id=user_id)
