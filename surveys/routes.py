"""Survey and poll endpoints: the builder (staff in scope), the residents' list, one survey, and answering."""

from __future__ import annotations

from flask import Response, stream_with_context
from flask.views import MethodView

from app.accounts.roles import Role
from app.core.auth import auth_required, get_current_user, permission_required
from app.core.blueprint import Blueprint
from app.core.i18n import _
from app.core.pagination import page_of
from app.core.responses import json_response
from app.core.sync import sync_page_of
from surveys import builder, export_jobs, exports, listing, presenters, responding, results, texts
from surveys import permissions as perm
from surveys.answer_schemas import OwnResponseSchema, ResponseCreateSchema, ResponseReceiptSchema
from surveys.results_schemas import (
    ExportArgs,
    ExportStartSchema,
    ResultsArgs,
    SurveyExportSchema,
    SurveyResultsSchema,
    SurveyTextAnswerSchema,
    TextAnswersArgs,
)
from surveys.schemas import (
    ManageListArgs,
    SurveyCreateSchema,
    SurveyListArgs,
    SurveySchema,
    SurveySummarySchema,
    SurveyUpdateSchema,
)

blp = Blueprint("surveys", __name__, url_prefix="/api/v1/surveys", description="Surveys and polls.")
manage_blp = Blueprint("manage_surveys", __name__, url_prefix="/api/v1/manage", description="Surveys in scope.")

_STAFF = tuple(r.value for r in perm.STAFF_ROLES)
_NOT_BUILDER = _("Only editors, admins and village or RW officials build surveys and polls.")
_EXAMPLE = {
    "kind": "poll",
    "title": "Jadwal kerja bakti RW 05",
    "area_code": "32.73.01.1001",
    "rw": 5,
    "opens_at": "2026-12-01T00:00:00+07:00",
    "closes_at": "2026-12-08T00:00:00+07:00",
    "anonymous": True,
    "results_visibility": "respondents",
    "items": [{"type": "single_choice", "title": "Kapan?", "required": True, "options": ["Sabtu", "Minggu"]}],
}


def _detail(survey_id: int, status: int = 200):
    return json_response(listing.detail(user=get_current_user(), survey_id=survey_id), status=status)


@blp.route("")
class Surveys(MethodView):
    @auth_required()
    @blp.arguments(SurveyListArgs, location="query")
    @blp.response(200, sync_page_of(SurveySummarySchema))
    def get(self, args):
        """List the surveys and polls for my home area

        Published and closed surveys and polls whose target area contains the caller's home, newest first, each
        with `answered`; polls carry their one question to show inline. `open=true`: only those open for answers
        now. With `updated_since`: what changed since, oldest change first, and archived ones in `deleted`.
        """
        return json_response(
            listing.resident_list(
                user=get_current_user(),
                open_only=args["open"],
                updated_since=args["updated_since"],
                cursor=args["cursor"],
                limit=args["limit"],
            )
        )

    @auth_required(*_STAFF)
    @permission_required(perm.may_build_any, _NOT_BUILDER)
    @blp.arguments(SurveyCreateSchema, example=_EXAMPLE)
    @blp.response(201, SurveySchema)
    def post(self, data):
        """Create a survey or poll (a draft)

        Editors and admins create surveys and polls for any area in their scope (down to an RW); village and RW
        officials create polls for their own desa or RW. A poll is exactly one question. Outside the scope: 403.
        """
        survey = builder.create(user=get_current_user(), data=data)
        return _detail(survey.id, status=201)


@blp.route("/<id:survey_id>")
class SurveyItem(MethodView):
    @auth_required()
    @blp.response(200, SurveySchema)
    def get(self, survey_id):
        """Read one survey with its questions

        Residents of the target area (published or closed ones), and staff in scope (any state).
        """
        return _detail(survey_id)

    @auth_required(*_STAFF)
    @blp.arguments(SurveyUpdateSchema, example={"title": "Survei kepuasan layanan 2026"})
    @blp.response(200, SurveySchema)
    def patch(self, data, survey_id):
        """Change a draft or published survey

        Only the fields sent change; `items` replaces every item. Once someone has answered, `items`, `anonymous`
        and the target area are frozen (409): duplicate the survey instead.
        """
        builder.update(user=get_current_user(), survey_id=survey_id, data=data)
        return _detail(survey_id)


def _action(name: str, summary: str, doc: str) -> type[MethodView]:
    def post(self, survey_id):
        builder.transition(user=get_current_user(), survey_id=survey_id, action=name)
        return _detail(survey_id)

    post.__doc__ = f"{summary}\n\n{doc}"
    post = auth_required(*_STAFF)(blp.response(200, SurveySchema)(post))
    view = type(f"Survey{name.title()}", (MethodView,), {"post": post})
    blp.route(f"/<id:survey_id>/{name}")(view)
    return view


SurveyPublish = _action(
    "publish",
    "Publish a survey",
    "Draft → published. Residents of the target area see it and are told once by push.",
)
SurveyClose = _action(
    "close",
    "Close a survey",
    "Published → closed (the sweep also closes surveys whose closing time has passed); a poll's voters are told "
    "once that the results are out, when they may see them.",
)
SurveyArchive = _action(
    "archive", "Archive a survey", "Draft or closed → archived: it leaves residents' lists (in `deleted`)."
)


@blp.route("/<id:survey_id>/duplicate")
class SurveyDuplicate(MethodView):
    @auth_required(*_STAFF)
    @blp.response(201, SurveySchema)
    def post(self, survey_id):
        """Duplicate a survey into a new draft

        The same definition (texts, questions, target, window), no responses; for changing a survey someone has
        already answered.
        """
        copy = builder.duplicate(user=get_current_user(), survey_id=survey_id)
        return _detail(copy.id, status=201)


@blp.route("/<id:survey_id>/responses")
class SurveyResponses(MethodView):
    @auth_required(Role.RESIDENT.value)
    @blp.arguments(ResponseCreateSchema, example={"answers": [{"question_id": 3, "option_id": 11}]})
    @blp.response(201, ResponseReceiptSchema)
    def post(self, data, survey_id):
        """Answer a survey

        Residents of the target area, once, while it is open (409 otherwise). Every answer is checked against its
        question; answers to questions hidden by a display condition are refused (422, nothing stored).
        """
        receipt = responding.submit(user=get_current_user(), survey_id=survey_id, answers=data["answers"])
        return json_response(receipt, status=201)


@blp.route("/<id:survey_id>/responses/me")
class OwnResponse(MethodView):
    @auth_required(Role.RESIDENT.value)
    @blp.response(200, OwnResponseSchema)
    def get(self, survey_id):
        """Read my response

        Non-anonymous surveys only: an anonymous response is not linked to anyone, so it cannot be found (404).
        """
        return json_response(responding.own_response(user=get_current_user(), survey_id=survey_id))


@manage_blp.route("/surveys")
class ManagedSurveys(MethodView):
    @auth_required(*_STAFF)
    @manage_blp.arguments(ManageListArgs, location="query")
    @manage_blp.response(200, page_of(SurveySummarySchema))
    def get(self, args):
        """List the surveys in my scope

        Staff who build or read surveys: every survey and poll whose target lies in their scope, any state.
        """
        return json_response(listing.staff_list(user=get_current_user(), **args))


@blp.route("/<id:survey_id>/results")
class SurveyResults(MethodView):
    @auth_required()
    @blp.arguments(ResultsArgs, location="query")
    @blp.response(200, SurveyResultsSchema)
    def get(self, args, survey_id):
        """Read a survey's results

        Staff in scope at any time; residents as the survey allows (after answering, or once closed; 403
        otherwise). Per question: option totals and percentages, ranking scores, matrix tables, distributions and
        averages (NPS for a 0-10 scale), number min/max/mean/median. `area` keeps the respondents living there;
        `breakdown` adds the same figures per kab/kota, kecamatan or desa of their homes.
        """
        return json_response(results.results(user=get_current_user(), survey_id=survey_id, **args))


@blp.route("/<id:survey_id>/questions/<id:question_id>/answers")
class SurveyTextAnswers(MethodView):
    @auth_required(*_STAFF)
    @blp.arguments(TextAnswersArgs, location="query")
    @blp.response(200, page_of(SurveyTextAnswerSchema))
    def get(self, args, survey_id, question_id):
        """Read the text answers of a question

        Staff in scope: the texts of a short or long text question, or the "other" answers of a choice question,
        a page at a time, each with the respondent's kab/kota only.
        """
        return json_response(
            texts.text_answers(user=get_current_user(), survey_id=survey_id, question_id=question_id, **args)
        )


_EXPORT_RESPONSE = {
    "description": "One row per response, one column per question (a matrix: per row); streamed.",
    "content": {
        "text/csv": {"schema": {"type": "string", "format": "binary"}},
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
            "schema": {"type": "string", "format": "binary"}
        },
    },
}
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blp.route("/<id:survey_id>/export")
class SurveyExport(MethodView):
    @auth_required(*_STAFF)
    @blp.arguments(ExportArgs, location="query")
    @blp.doc(responses={"200": _EXPORT_RESPONSE})
    def get(self, args, survey_id):
        """Export a survey's responses

        Staff in scope: CSV (`format=csv`) or XLSX (`format=xlsx`), streamed, for surveys with at most 10,000
        responses (409 `export_too_large` above: start an export job with `POST /surveys/{id}/exports`). Anonymous
        surveys carry the random response id, the date and the kab/kota only.
        """
        survey, columns, labels = exports.prepare(user=get_current_user(), survey_id=survey_id)
        export_jobs.check_sync_size(survey.id)
        make = exports.csv_chunks if args["format"] == "csv" else exports.xlsx_chunks
        mimetype = "text/csv" if args["format"] == "csv" else _XLSX
        filename = f"survey-{survey.id}.{args['format']}"
        return Response(
            stream_with_context(make(survey, columns, labels)),
            mimetype=mimetype,
            headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"},
        )


_XLSX_OR_CSV = {
    "description": "The export file (CSV or XLSX).",
    "content": _EXPORT_RESPONSE["content"],
}


def _export_answer(e, status: int = 200):
    return json_response(presenters.export_view(e, fmt=export_jobs.FORMAT[e.kind]), status=status)


@blp.route("/<id:survey_id>/exports")
class SurveyExportJobs(MethodView):
    @auth_required(*_STAFF)
    @blp.arguments(ExportStartSchema, example={"format": "xlsx"})
    @blp.response(202, SurveyExportSchema)
    def post(self, data, survey_id):
        """Start an export of a survey's responses

        Staff in scope, any number of responses: a background job writes the CSV or XLSX file (one row per
        response, as `GET /surveys/{id}/export`) into storage. Poll `GET /surveys/{id}/exports/{export_id}`; the
        download works with the requester's token only, until `expires_at`. Asking again while one is being built
        answers that one.
        """
        e = export_jobs.start(user=get_current_user(), survey_id=survey_id, fmt=data["format"])
        return _export_answer(e, status=202)


@blp.route("/<id:survey_id>/exports/<id:export_id>")
class SurveyExportJob(MethodView):
    @auth_required(*_STAFF)
    @blp.response(200, SurveyExportSchema)
    def get(self, survey_id, export_id):
        """Read the state of my survey export

        The requester only, while the survey is in their scope (404 otherwise).
        """
        return _export_answer(export_jobs.state(user=get_current_user(), survey_id=survey_id, export_id=export_id))


@blp.route("/<id:survey_id>/exports/<id:export_id>/download")
class SurveyExportDownload(MethodView):
    @auth_required(*_STAFF)
    @blp.doc(responses={"200": _XLSX_OR_CSV})
    @blp.alt_response(410, description="Expired: start a new export.")
    def get(self, survey_id, export_id):
        """Download my survey export

        The requester only, while the survey is in their scope, until `expires_at` (410 `data_export_expired`
        afterwards; 404 `data_export_pending` while it is being built).
        """
        return export_jobs.download(user=get_current_user(), survey_id=survey_id, export_id=export_id)
