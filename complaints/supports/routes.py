from __future__ import annotations

from flask.views import MethodView

from app.accounts.roles import Role
from app.core.auth import auth_required, get_current_user
from app.core.blueprint import Blueprint
from app.core.ratelimit import per_account
from app.core.responses import json_response
from complaints.supports import presenters, service
from complaints.supports.schemas import SupportStateSchema

blp = Blueprint(
    "complaint_supports",
    __name__,
    url_prefix="/api/v1/complaints",
    description='Support ("saya juga mengalami") for complaints.',
)


def _key() -> str:
    return "complaint-support:" + str(get_current_user().id)


@blp.route("/<id:complaint_id>/support")
class SupportItem(MethodView):
    @auth_required(Role.RESIDENT.value)
    @per_account("RATELIMIT_COMPLAINT_SUPPORT", _key)
    @blp.response(200, SupportStateSchema)
    def put(self, complaint_id):
        """Support a complaint ("saya juga mengalami")

        Residents only, one support per person; sending it again changes nothing. Not on one's own complaint, and
        only while a public complaint is open.
        """
        count = service.support(complaint_id=complaint_id, user=get_current_user())
        return json_response(presenters.support_state(complaint_id=complaint_id, supported=True, support_count=count))

    @auth_required(Role.RESIDENT.value)
    @per_account("RATELIMIT_COMPLAINT_SUPPORT", _key)
    @blp.response(200, SupportStateSchema)
    def delete(self, complaint_id):
        """Take my support back"""
        count = service.unsupport(complaint_id=complaint_id, user=get_current_user())
        return json_response(presenters.support_state(complaint_id=complaint_id, supported=False, support_count=count))
