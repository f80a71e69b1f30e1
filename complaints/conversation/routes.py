from __future__ import annotations

from flask.views import MethodView

from app.core.auth import auth_required, get_current_user
from app.core.blueprint import Blueprint
from app.core.pagination import PageArgs, page_of
from app.core.ratelimit import per_account
from app.core.responses import json_response
from complaints.conversation import presenters, queries, service
from complaints.conversation.schemas import MessageCreateSchema, MessageSchema

blp = Blueprint(
    "complaint_messages",
    __name__,
    url_prefix="/api/v1/complaints",
    description="The conversation between the reporter and staff on a complaint.",
)


@blp.route("/<id:complaint_id>/messages")
class Messages(MethodView):
    @auth_required()
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(MessageSchema))
    def get(self, args, complaint_id):
        """Read a complaint's conversation

        Oldest first. The reporter sees the messages shared with them; staff in scope also see internal notes.
        """
        return json_response(queries.list_messages(complaint_id=complaint_id, viewer=get_current_user(), **args))

    @auth_required()
    @per_account("RATELIMIT_COMPLAINT_MESSAGE", lambda: "complaint-message:" + str(get_current_user().id))
    @blp.arguments(MessageCreateSchema, example={"body": "Lubangnya makin besar setelah hujan kemarin."})
    @blp.response(201, MessageSchema)
    def post(self, data, complaint_id):
        """Write on a complaint's conversation

        The reporter and staff in scope write `shared` messages; staff may add `internal` notes, which residents
        never see.
        """
        author = get_current_user()
        c, m = service.post_message(complaint_id=complaint_id, author=author, **data)
        return json_response(presenters.message(m, author_name=author.name, viewer=author, complaint=c), 201)
