from __future__ import annotations

from flask import Response
from flask.views import MethodView

from app.accounts.roles import Role
from app.core.auth import auth_optional, auth_required, get_current_user, optional_user
from app.core.blueprint import Blueprint
from app.core.http import if_match, shared_cache
from app.core.pagination import page_of
from app.core.ratelimit import per_account
from app.core.responses import json_response
from app.core.sync import sync_page_of
from complaints.intake import queries, service
from complaints.intake.schemas import (
    ComplaintItemSchema,
    ComplaintSchema,
    FeedArgs,
    IdempotencyHeaderSchema,
    MyComplaintsArgs,
    SimilarArgs,
    SubmitSchema,
    SubmittedSchema,
    WithdrawSchema,
)
from complaints.views import detail

blp = Blueprint(
    "complaints",
    __name__,
    url_prefix="/api/v1/complaints",
    description="Complaints (aduan): submit, follow, and the public feed.",
)
me_blp = Blueprint("my_complaints", __name__, url_prefix="/api/v1/me", description="The signed-in user's own profile.")

REPLAYED = "Idempotent-Replayed"

SUBMIT_EXAMPLE = {
    "category_id": 1,
    "title": "Jalan berlubang di depan SDN 5",
    "description": "Lubang sedalam 20 cm, sudah dua minggu. Motor sering jatuh saat hujan.",
    "latitude": -6.8868,
    "longitude": 107.6045,
    "location_accuracy_m": 12,
    "address": "Jl. Sukajadi No. 10, depan SDN 5",
    "desa_code": "32.73.01.1001",
    "rw": 5,
    "is_anonymous": False,
    "is_public": True,
}


def _counts_submission(response: Response) -> bool:
    """Only new complaints use up the hourly limit; an idempotent replay does not."""
    return response.status_code == 201 and REPLAYED not in response.headers


@blp.route("")
class Complaints(MethodView):
    @blp.arguments(FeedArgs(), location="query")  # an instance: webargs would build one per request
    @blp.response(200, page_of(ComplaintItemSchema))
    @shared_cache(max_age=5)
    def get(self, args):
        """Public feed of complaints

        Public complaints verified or later (never withdrawn, rejected or private ones). Filter by area at any level
        (everything inside it), category (with its sub-categories), status, and `near=lat,lon` with `radius` in
        metres (at most 5 km). Sort `newest` (default), `supported`, or `nearest` (default with `near`). Pages are
        stable while new complaints arrive; there is no total count.
        """
        return json_response(queries.feed(**args))

    @auth_required(Role.RESIDENT.value)
    @per_account(
        "RATELIMIT_COMPLAINT_SUBMIT",
        lambda: "complaint-submit:" + str(get_current_user().id),
        counts=_counts_submission,
    )
    @blp.arguments(IdempotencyHeaderSchema(), location="headers")
    @blp.arguments(SubmitSchema(), example=SUBMIT_EXAMPLE)
    @blp.response(201, SubmittedSchema)
    def post(self, headers, data):
        """Submit a complaint

        Residents only (staff file complaints with a resident account). Starts in `submitted` with a tracking
        number. The answer carries `likely_duplicates`: open complaints of the same category nearby that the
        resident may support instead. Send an `Idempotency-Key` header so that a retry on a bad connection returns
        the same complaint (answer header `Idempotent-Replayed: true`).
        """
        reporter = get_current_user()
        submission = service.submit(reporter=reporter, data=data, idempotency_key=headers["idempotency_key"])
        view = detail.submitted_view(submission, reporter=reporter)
        return json_response(view, 201, {REPLAYED: "true"} if submission.replayed else None)


@blp.route("/similar")
class SimilarComplaints(MethodView):
    @auth_optional
    @blp.arguments(SimilarArgs(), location="query")
    @blp.response(200, page_of(ComplaintItemSchema))
    def get(self, args):
        """Find similar complaints nearby

        Open complaints of the category within ~200 m from the last 30 days, nearest first, so the app can offer
        "support this one" before a new submission. Lists only complaints the caller may see.
        """
        return json_response(
            queries.similar(
                viewer=optional_user(),
                lat=args["lat"],
                lon=args["lon"],
                category_id=args["category"],
                cursor=args["cursor"],
                limit=args["limit"],
            )
        )


@blp.route("/<id:complaint_id>")
class ComplaintItem(MethodView):
    @auth_optional
    @blp.response(200, ComplaintSchema)
    @shared_cache(max_age=5)
    def get(self, complaint_id):
        """Get one complaint

        The reporter and staff in scope see the texts as written; everyone else sees public, verified complaints
        only, with personal data masked and the reporter as "Anonim" or a masked name.
        """
        return json_response(detail.detail_view(complaint_id=complaint_id, viewer=optional_user()))


@blp.route("/<id:complaint_id>/withdraw")
class Withdraw(MethodView):
    @auth_required()
    @blp.arguments(WithdrawSchema, example={"note": "Sudah diperbaiki warga."})
    @blp.response(200, ComplaintSchema)
    @if_match
    def post(self, data, complaint_id):
        """Withdraw my complaint

        Only before verification (`submitted` or `needs_info`); a withdrawn complaint leaves every public list.
        """
        user = get_current_user()
        service.withdraw(complaint_id=complaint_id, user=user, note=data["note"])
        return json_response(detail.detail_view(complaint_id=complaint_id, viewer=user))


@me_blp.route("/complaints")
class MyComplaints(MethodView):
    @auth_required()
    @me_blp.arguments(MyComplaintsArgs(), location="query")
    @me_blp.response(200, sync_page_of(ComplaintItemSchema))
    def get(self, args):
        """List my complaints

        Every complaint I submitted, in every status, newest first. With `updated_since` (the `server_time` of an
        earlier answer): only those changed since, oldest change first; `deleted` lists removed ones.
        """
        return json_response(queries.mine(user=get_current_user(), **args))
