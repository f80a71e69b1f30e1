from __future__ import annotations

from flask.views import MethodView

from app.core.auth import auth_optional, auth_required, get_current_user, optional_user
from app.core.blueprint import Blueprint
from app.core.http import if_match, shared_cache
from app.core.pagination import PageArgs, page_of
from app.core.responses import json_response
from complaints.feedback import presenters, queries, service
from complaints.feedback.schemas import (
    RatingCreateSchema,
    RatingSchema,
    ReopenSchema,
    TimelineEntrySchema,
)
from complaints.intake.schemas import ComplaintSchema
from complaints.views import detail as views_detail

blp = Blueprint(
    "complaint_feedback",
    __name__,
    url_prefix="/api/v1/complaints",
    description="The reporter's follow-up: the public timeline, reopening a closed complaint, and the rating.",
)


@blp.route("/<id:complaint_id>/timeline")
class Timeline(MethodView):
    @auth_optional
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(TimelineEntrySchema))
    @shared_cache(max_age=5)
    def get(self, args, complaint_id):
        """Follow a complaint's history

        Anyone who may see the complaint: every step it went through, oldest first, starting with `submitted`,
        with the office concerned by name. Who acted is a role (`reporter`, `moderator`, `office`, `system`),
        never a staff member's name; notes are shown to the reporter and staff in scope only. Staff-only steps
        (assignments to a colleague, redactions) and internal notes never appear.
        """
        return json_response(queries.timeline(complaint_id=complaint_id, viewer=optional_user(), **args))


@blp.route("/<id:complaint_id>/reopen")
class Reopen(MethodView):
    @auth_required()
    @blp.arguments(ReopenSchema, example={"note": "Lubangnya ditambal tapi sudah bolong lagi setelah hujan."})
    @blp.response(200, ComplaintSchema)
    @if_match
    def post(self, data, complaint_id):
        """Reopen my closed complaint ("belum beres")

        The reporter only, once, within 7 days of closing: the complaint goes back to `in_progress` with the
        lead office, under a fresh resolution deadline counted in working days from now, and the office's heads
        are told. Reopened before, too late, or not closed: 409.
        """
        user = get_current_user()
        service.reopen(complaint_id=complaint_id, user=user, note=data["note"])
        return json_response(views_detail.detail_view(complaint_id=complaint_id, viewer=user))


@blp.route("/<id:complaint_id>/rating")
class ComplaintRating(MethodView):
    @auth_optional
    @blp.response(200, RatingSchema)
    def get(self, complaint_id):
        """Read a complaint's rating

        Anyone who may see the complaint reads the score; the comment is for the reporter and staff in scope
        (null for everyone else). 404 when it has not been rated.
        """
        return json_response(queries.get_rating(complaint_id=complaint_id, viewer=optional_user()))

    @auth_required()
    @blp.arguments(RatingCreateSchema, example={"score": 4, "comment": "Cepat ditangani, terima kasih."})
    @blp.response(201, RatingSchema)
    def post(self, data, complaint_id):
        """Rate my closed complaint

        The reporter only, 1-5 with an optional comment, once, when the complaint is `closed` (a complaint
        reopened and closed again may be rated if it was not rated before). Nobody rates on the reporter's
        behalf.
        """
        user = get_current_user()
        c, rating = service.rate(complaint_id=complaint_id, user=user, **data)
        return json_response(presenters.rating(rating, viewer=user, complaint=c), 201)
