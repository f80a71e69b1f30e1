from __future__ import annotations

from flask.views import MethodView

from app.accounts.roles import Role
from app.core.auth import auth_required, get_current_user
from app.core.blueprint import Blueprint
from app.core.http import if_match
from app.core.pagination import PageArgs, page_of
from app.core.responses import json_response
from complaints.intake.schemas import ComplaintSchema
from complaints.moderation import queries, service
from complaints.moderation.schemas import (
    AnswerSchema,
    MarkDuplicateSchema,
    ModerationViewSchema,
    QueueArgs,
    QueueItemSchema,
    RedactionSchema,
    RedactSchema,
    RejectSchema,
    RequestInfoSchema,
    ValidateSchema,
    VerifySchema,
)
from complaints.views import detail as views_detail

queue_blp = Blueprint(
    "moderation",
    __name__,
    url_prefix="/api/v1/moderation",
    description="Moderation: the queue of new complaints in a moderator's area.",
)
blp = Blueprint(
    "complaint_moderation",
    __name__,
    url_prefix="/api/v1/complaints",
    description="Moderation actions on a complaint: verify and route, reject, ask for information, mark duplicate, "
    "redact, validate a resolution; and the reporter's answer.",
)

MODERATORS = (Role.ADMIN.value, Role.MODERATOR.value)


def _answer(complaint_id: int):
    return json_response(queries.view(complaint_id=complaint_id, viewer=get_current_user()))


@queue_blp.route("/complaints")
class Queue(MethodView):
    @auth_required(*MODERATORS)
    @queue_blp.arguments(QueueArgs(), location="query")
    @queue_blp.response(200, page_of(QueueItemSchema))
    def get(self, args):
        """The moderation queue of my area

        Complaints inside the caller's area waiting for a moderator (`status=submitted`, the default) or for the
        reporter's answer (`status=needs_info`), oldest first. Each item has the texts as written, the screening
        flags, whether it waits for an office to be picked (`awaiting_route`), the reporter (moderators may know who
        filed an anonymous complaint) and up to three likely duplicates. Filter by `awaiting_route`, `flagged`,
        `category` (with sub-categories) and `area` (inside the caller's area; outside it is a 403).
        """
        return json_response(queries.queue(user=get_current_user(), **args))


@blp.route("/<id:complaint_id>/verify")
class Verify(MethodView):
    @auth_required(*MODERATORS)
    @blp.arguments(VerifySchema, example={"office_id": 3, "note": "Lokasi dan foto sesuai."})
    @blp.response(200, ModerationViewSchema)
    @if_match
    def post(self, data, complaint_id):
        """Verify a complaint and route it to an office

        Only from `submitted`. Without `office_id` the routing rules pick the office; with it, that office (active,
        covering the complaint's desa) handles it, recorded as an override when the rules would pick another. With
        no rule and no `office_id` the complaint stays `submitted` with `awaiting_route: true`, waiting for a
        moderator to pick an office. Verified complaints get their response and resolution deadlines.
        """
        service.verify(complaint_id=complaint_id, actor=get_current_user(), **data)
        return _answer(complaint_id)


@blp.route("/<id:complaint_id>/reject")
class Reject(MethodView):
    @auth_required(*MODERATORS)
    @blp.arguments(
        RejectSchema, example={"reason": "incomplete", "note": "Lokasi belum jelas, silakan kirim ulang dengan foto."}
    )
    @blp.response(200, ModerationViewSchema)
    @if_match
    def post(self, data, complaint_id):
        """Reject a complaint

        From `submitted` or `needs_info`, with a reason code (spam, abusive, incomplete, not_authority, duplicate)
        and a note the reporter reads.
        """
        service.reject(complaint_id=complaint_id, actor=get_current_user(), **data)
        return _answer(complaint_id)


@blp.route("/<id:complaint_id>/request-info")
class RequestInfo(MethodView):
    @auth_required(*MODERATORS)
    @blp.arguments(RequestInfoSchema, example={"note": "Mohon kirim foto lokasi dan patokan terdekat."})
    @blp.response(200, ModerationViewSchema)
    @if_match
    def post(self, data, complaint_id):
        """Ask the reporter for more information

        Moves the complaint to `needs_info`; the question also appears in the complaint's conversation. The
        reporter's answer (`POST /complaints/{id}/answer`) returns it to the queue.
        """
        service.request_info(complaint_id=complaint_id, actor=get_current_user(), **data)
        return _answer(complaint_id)


@blp.route("/<id:complaint_id>/answer")
class Answer(MethodView):
    @auth_required()
    @blp.arguments(AnswerSchema, example={"body": "Lokasinya di depan SDN 5, patokan warung Bu Siti."})
    @blp.response(200, ComplaintSchema)
    @if_match
    def post(self, data, complaint_id):
        """Answer a request for information

        The reporter only, while the complaint is `needs_info`: the answer is added to the conversation and the
        complaint goes back to the moderation queue (`submitted`).
        """
        user = get_current_user()
        service.answer(complaint_id=complaint_id, user=user, **data)
        return json_response(views_detail.detail_view(complaint_id=complaint_id, viewer=user))


@blp.route("/<id:complaint_id>/mark-duplicate")
class MarkDuplicate(MethodView):
    @auth_required(*MODERATORS)
    @blp.arguments(MarkDuplicateSchema, example={"duplicate_of_id": 41, "note": "Lokasi sama."})
    @blp.response(200, ModerationViewSchema)
    @if_match
    def post(self, data, complaint_id):
        """Mark a complaint as a duplicate of another

        From `submitted` or `needs_info`. The original must be another complaint the moderator can see that is
        not rejected, withdrawn or itself a duplicate. Supporters of this complaint, and its reporter, become
        supporters of the original; the reporter is told the original's tracking number.
        """
        service.mark_duplicate(complaint_id=complaint_id, actor=get_current_user(), **data)
        return _answer(complaint_id)


@blp.route("/<id:complaint_id>/redact")
class Redact(MethodView):
    @auth_required(*MODERATORS)
    @blp.arguments(
        RedactSchema,
        example={"description": "Lubang besar di depan rumah warga [disunting].", "reason": "Menyebut nomor HP."},
    )
    @blp.response(200, ModerationViewSchema)
    @if_match
    def post(self, data, complaint_id):
        """Redact a complaint's text

        Any status. Replaces the given texts (at least one of `title`, `description`, `address`); the originals are
        kept for admins (`GET /complaints/{id}/redactions`) and the public copies are recomputed. Recorded as an
        internal history entry.
        """
        reason = data.pop("reason")
        service.redact(complaint_id=complaint_id, actor=get_current_user(), texts=data, reason=reason)
        return _answer(complaint_id)


@blp.route("/<id:complaint_id>/redactions")
class Redactions(MethodView):
    @auth_required(Role.ADMIN.value)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(RedactionSchema))
    def get(self, args, complaint_id):
        """Read a complaint's redactions with the original texts

        Admins of the complaint's area only, oldest first.
        """
        return json_response(queries.redactions(complaint_id=complaint_id, viewer=get_current_user(), **args))


@blp.route("/<id:complaint_id>/validate")
class Validate(MethodView):
    @auth_required(*MODERATORS)
    @blp.arguments(ValidateSchema, example={"approved": True, "note": "Sudah diperiksa di lokasi."})
    @blp.response(200, ModerationViewSchema)
    @if_match
    def post(self, data, complaint_id):
        """Validate a resolution

        Only for a `resolved` complaint. `approved: true` closes it; `approved: false` (with a note saying what is
        still wrong) sends it back to the office as `in_progress`, its resolution deadline running again.
        """
        service.validate(complaint_id=complaint_id, actor=get_current_user(), **data)
        return _answer(complaint_id)
