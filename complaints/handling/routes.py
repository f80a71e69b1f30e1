from __future__ import annotations

from flask.views import MethodView

from app.accounts.roles import Role
from app.core import http
from app.core.auth import auth_required, get_current_user
from app.core.blueprint import Blueprint
from app.core.db import utcnow
from app.core.errors import accepts
from app.core.http import if_match
from app.core.images import MAX_BYTES
from app.core.pagination import page_of
from app.core.ratelimit import per_account
from app.core.responses import json_response
from complaints.handling import presenters, queue, service, stages
from complaints.handling.schemas import (
    AssignSchema,
    CoHandlerSchema,
    HandlingNoteSchema,
    HandlingSchema,
    InboxItemSchema,
    MyOfficesSchema,
    OfficeInboxArgs,
    ResolveSchema,
    TransferSchema,
)
from complaints.intake import queries
from complaints.intake.presenters import photo_view
from complaints.intake.schemas import PhotoSchema
from complaints.photos.schemas import PhotoUploadSchema

blp = Blueprint(
    "handling",
    __name__,
    url_prefix="/api/v1",
    description="Office handling: an office's inbox; accept, assign, start, transfer (disposisi), co-handling "
    "(koordinasi) and resolve complaints, with resolution photos.",
)

ADMIN, HANDLER = Role.ADMIN.value, Role.OFFICE_HANDLER.value
NOTE_EXAMPLE = {"note": "Tim kami akan meninjau lokasi besok pagi."}


def _answer(complaint, status: int = 200) -> object:
    """The handling state after an action (``HandlingSchema``)."""
    rows = stages.active_with_offices(complaint.id)
    http.tag_resource(queries.etag_core(complaint))  # (after the query's autoflush: the version is the stored one)
    return json_response(presenters.handling(complaint, rows, now=utcnow()), status)


@blp.route("/me/offices")
class MyOffices(MethodView):
    @auth_required()
    @blp.response(200, MyOfficesSchema)
    def get(self):
        """List the offices I work for

        For office handlers: every office whose member they are and for which their account still qualifies (an
        active handler scoped inside the office's kab/kota), with `is_head`. Not paginated: a handler works for a
        few offices. Any other role gets an empty list.
        """
        return json_response({"items": queue.my_offices(user=get_current_user())})


@blp.route("/offices/<id:office_id>/inbox")
class OfficeInbox(MethodView):
    @auth_required(ADMIN, HANDLER)
    @blp.arguments(OfficeInboxArgs(), location="query")
    @blp.response(200, page_of(InboxItemSchema))
    def get(self, args, office_id):
        """An office's inbox

        The complaints the office handles now (its active stages, as lead or co-handling office), earliest open
        deadline first; stages with nothing due (resolved, co-handling) last. Filters: `status`, `category` (with
        sub-categories), `overdue`, `assignee` (a user id, `me` or `none`), `role` (`lead` or `co`). For the
        office's members and the admins who manage it; 404 for an unknown office.
        """
        return json_response(queue.office_queue(office_id=office_id, user=get_current_user(), **args))


@blp.route("/complaints/<id:complaint_id>/accept")
class Accept(MethodView):
    @auth_required(HANDLER)
    @blp.arguments(HandlingNoteSchema, example=NOTE_EXAMPLE)
    @blp.response(200, HandlingSchema)
    @if_match
    def post(self, data, complaint_id):
        """Accept a complaint for my office

        Members of the lead office: `verified` → `accepted`. This is the office's first response: the response
        deadline is met and the resolution deadline is next. The reporter is told.
        """
        return _answer(service.accept(complaint_id=complaint_id, actor=get_current_user(), note=data["note"]))


@blp.route("/complaints/<id:complaint_id>/start")
class Start(MethodView):
    @auth_required(HANDLER)
    @blp.arguments(HandlingNoteSchema, example={"note": "Perbaikan dimulai hari ini."})
    @blp.response(200, HandlingSchema)
    @if_match
    def post(self, data, complaint_id):
        """Start the work

        Members of the lead office: `accepted` → `in_progress`. The reporter is told.
        """
        return _answer(service.start(complaint_id=complaint_id, actor=get_current_user(), note=data["note"]))


@blp.route("/complaints/<id:complaint_id>/assign")
class Assign(MethodView):
    @auth_required(HANDLER)
    @blp.arguments(AssignSchema, example={"user_id": 4})
    @blp.response(200, HandlingSchema)
    @if_match
    def post(self, data, complaint_id):
        """Assign the complaint to a colleague

        Members of the lead office assign its stage; members of a co-handling office their own office's stage. The
        assignee must be an effective member of that office (422 otherwise) and gets an inbox notification;
        `user_id: null` removes the assignee. Recorded in the history for staff only.
        """
        return _answer(service.assign(complaint_id=complaint_id, actor=get_current_user(), **data))


@blp.route("/complaints/<id:complaint_id>/transfer")
class Transfer(MethodView):
    @auth_required(HANDLER)
    @blp.arguments(
        TransferSchema, example={"office_id": 7, "reason": "Saluran drainase kewenangan UPT Drainase Wilayah Sukasari."}
    )
    @blp.response(200, HandlingSchema)
    @if_match
    def post(self, data, complaint_id):
        """Transfer the complaint to another office (disposisi)

        Members of the lead office hand the lead to another active office covering the complaint's desa (a sub-unit
        too), with a reason. From `accepted` or `in_progress` the complaint returns to `verified` until the new
        office accepts it; from `verified` it stays there. The response deadline restarts from now; the resolution
        deadline is kept. Shown in the history; the reporter is told.
        """
        return _answer(service.transfer(complaint_id=complaint_id, actor=get_current_user(), **data))


@blp.route("/complaints/<id:complaint_id>/co-handlers")
class CoHandlers(MethodView):
    @auth_required(HANDLER)
    @blp.arguments(CoHandlerSchema, example={"office_id": 9, "note": "Mohon koordinasi pemangkasan pohon."})
    @blp.response(201, HandlingSchema)
    @if_match
    def post(self, data, complaint_id):
        """Add a co-handling office (koordinasi)

        Members of the lead office, while the complaint is verified, accepted or in progress. The office must be
        active, cover the complaint's desa, and not lead or co-handle it already (409). Its members may then read
        the complaint and write messages and internal notes; the lead office still answers for the deadlines.
        """
        return _answer(service.add_co_handler(complaint_id=complaint_id, actor=get_current_user(), **data), 201)


@blp.route("/complaints/<id:complaint_id>/co-handlers/<id:office_id>")
class CoHandlerItem(MethodView):
    @auth_required(HANDLER)
    @blp.response(204)
    @if_match
    def delete(self, complaint_id, office_id):
        """End a co-handling

        Members of the lead office, or of the co-handling office itself. Recorded in the history for staff.
        """
        service.end_co_handler(complaint_id=complaint_id, actor=get_current_user(), office_id=office_id)


@blp.route("/complaints/<id:complaint_id>/resolve")
class Resolve(MethodView):
    @auth_required(HANDLER)
    @blp.arguments(ResolveSchema, example={"note": "Lubang sudah ditambal dan diaspal ulang pada 12 Maret."})
    @blp.response(200, HandlingSchema)
    @if_match
    def post(self, data, complaint_id):
        """Resolve the complaint

        Members of the lead office: `in_progress` → `resolved`, with a note telling the reporter what was done (add
        resolution photos before). A moderator then validates it.
        """
        return _answer(service.resolve(complaint_id=complaint_id, actor=get_current_user(), note=data["note"]))


@blp.route("/complaints/<id:complaint_id>/resolution-photos")
class ResolutionPhotos(MethodView):
    @accepts("multipart/form-data")
    @auth_required(HANDLER)
    @per_account("RATELIMIT_COMPLAINT_PHOTO", lambda: "resolution-photo:" + str(get_current_user().id))
    @blp.arguments(PhotoUploadSchema, location="files")
    @blp.response(201, PhotoSchema)
    def post(self, files, complaint_id):
        """Add a resolution photo

        Members of the lead office, while the complaint is accepted or in progress; at most 5. Multipart form with
        one part named `file` (JPEG, PNG, WebP or HEIC, at most 10 MB), processed like intake photos (metadata removed).
        Served by the complaint's photo endpoints to whoever may see the complaint, and listed as
        `resolution_photos` in the complaint's detail.
        """
        data = files["file"].stream.read(MAX_BYTES + 1)
        photo = service.add_resolution_photo(complaint_id=complaint_id, actor=get_current_user(), data=data)
        return json_response(photo_view(complaint_id, photo), 201)
