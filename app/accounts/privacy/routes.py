"""Personal-data endpoints: the privacy notice and consent, my data export, deleting my account, the access log."""

from __future__ import annotations

from flask.views import MethodView

from app.accounts.principal_cache import load_current_user
from app.accounts.privacy import audit, consent, deletion, export, presenters
from app.accounts.privacy.permissions import can_publish_notice, can_read_access_log
from app.accounts.privacy.schemas import (
    AccessLogQuerySchema,
    AccessLogSchema,
    AccountDeleteSchema,
    ConsentAcceptSchema,
    DataExportSchema,
    MyAccessSchema,
    NoticeCreateSchema,
    NoticeSchema,
)
from app.accounts.roles import Role
from app.accounts.schemas import ConsentStateSchema
from app.core.auth import auth_required, get_current_user, permission_required
from app.core.blueprint import Blueprint
from app.core.errors import NotFound
from app.core.http import shared_cache
from app.core.pagination import PageArgs, page_of
from app.core.ratelimit import per_account, per_ip
from app.core.responses import json_response

privacy_blp = Blueprint("privacy", __name__, url_prefix="/api/v1/privacy", description="Privacy notice, audit.")
my_privacy_blp = Blueprint("my_privacy", __name__, url_prefix="/api/v1/me", description="My personal data.")

_ZIP_RESPONSE = {
    "description": "The zip archive: JSON files and my own photos (`manifest.json` lists them).",
    "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
}


@privacy_blp.route("/notice")
class CurrentNotice(MethodView):
    @privacy_blp.response(200, NoticeSchema)
    @shared_cache(max_age=60)
    def get(self):
        """Read the current privacy notice

        Both languages in one answer (`id`, `en`); the version is what registration and
        `POST /me/privacy-consent` send back.
        """
        notice = consent.current_notice()
        if notice is None:
            raise NotFound("No privacy notice has been published.", code="privacy_notice_not_found")
        return json_response(presenters.notice(notice))


@privacy_blp.route("/notices")
class Notices(MethodView):
    @auth_required(Role.ADMIN.value)
    @permission_required(can_publish_notice, "Only the deployment's province admins publish the privacy notice.")
    @privacy_blp.arguments(
        NoticeCreateSchema,
        example={
            "version": "2026-02",
            "title_id": "Pemberitahuan Privasi",
            "title_en": "Privacy Notice",
            "body_id": "Kami memproses data pribadi Anda untuk menangani aduan …",
            "body_en": "We process your personal data to handle complaints …",
        },
    )
    @privacy_blp.response(201, NoticeSchema)
    def post(self, data):
        """Publish a new privacy-notice version

        It becomes current at once: every resident is asked to accept it at their next log-in
        (`privacy.consent_required` in the token answers).
        """
        return json_response(presenters.notice(consent.publish(actor_id=get_current_user().id, data=data)), 201)


@privacy_blp.route("/access-log")
class AccessLog(MethodView):
    @auth_required(Role.ADMIN.value)
    @permission_required(can_read_access_log, "Only admins read the access log.")
    @privacy_blp.arguments(AccessLogQuerySchema, location="query")
    @privacy_blp.response(200, page_of(AccessLogSchema))
    def get(self, args):
        """List who read residents' identities in my area

        Every time staff were shown a reporter's identity or a redaction's original text, newest first; filter
        by area (inside mine), staff member, resident, kind and time.
        """
        result = audit.list_for_area(viewer=get_current_user(), **args)
        return json_response(presenters.access_log_page(result))


@my_privacy_blp.route("")
class MyAccount(MethodView):
    @auth_required()
    @per_ip("RATELIMIT_PASSWORD_IP")
    @per_account("RATELIMIT_ACCOUNT_DELETE", lambda: "delete:" + str(get_current_user().id), failures_only=True)
    @my_privacy_blp.arguments(AccountDeleteSchema, example={"password": "rahasia-123"})
    @my_privacy_blp.response(204)
    def delete(self, data):
        """Delete my account

        Residents only, with their password; at once (no grace period). Sessions and devices go now; name,
        phone, e-mail and home RW are erased (the phone number can register again); complaints stay as public
        records with the reporter shown as "Anonim" to everyone and their texts kept only masked. Staff accounts
        are deactivated by an admin instead (403).
        """
        deletion.delete_own_account(user=load_current_user(), password=data["password"])


@my_privacy_blp.route("/privacy-consent")
class MyConsent(MethodView):
    @auth_required()
    @my_privacy_blp.response(200, ConsentStateSchema)
    def get(self):
        """Read my consent to the privacy notice"""
        return json_response(presenters.consent_state(consent.state(get_current_user().id)))

    @auth_required()
    @my_privacy_blp.arguments(ConsentAcceptSchema, example={"version": "2026-01"})
    @my_privacy_blp.response(200, ConsentStateSchema)
    def post(self, data):
        """Accept the current privacy notice

        Send the version shown; an older one is a 409 (`privacy_notice_outdated`): show the current one.
        """
        state = consent.accept(user_id=get_current_user().id, version=data["version"])
        return json_response(presenters.consent_state(state))


@my_privacy_blp.route("/data-export")
class MyDataExport(MethodView):
    @auth_required()
    @per_account("RATELIMIT_DATA_EXPORT", lambda: "data-export:" + str(get_current_user().id))
    @my_privacy_blp.response(202, DataExportSchema)
    def post(self):
        """Request a copy of my data

        A job builds one zip archive: profile, sessions, devices, complaints with their messages and history,
        photos, supports, ratings, notifications (and what other features hold). When it is ready a
        notification says so; the download works with my token for 24 hours. One export at a time: asking again
        while one is being built answers that one. Limited per account (`RATELIMIT_DATA_EXPORT`).
        """
        return json_response(presenters.data_export(export.request_export(user_id=get_current_user().id)), 202)

    @auth_required()
    @my_privacy_blp.response(200, DataExportSchema)
    def get(self):
        """Read the state of my latest data export"""
        return json_response(presenters.data_export(export.latest(user_id=get_current_user().id)))


@my_privacy_blp.route("/data-export/<id:export_id>/download")
class MyDataExportDownload(MethodView):
    @auth_required()
    @my_privacy_blp.doc(responses={"200": _ZIP_RESPONSE})
    @my_privacy_blp.alt_response(410, description="Expired: request a new export.")
    def get(self, export_id):
        """Download my data export

        Only with the owner's token, until `expires_at`; an expired one is a 410 (`data_export_expired`).
        """
        found = export.for_download(user_id=get_current_user().id, export_id=export_id)
        return export.download(found, download_name=f"balai-data-{found.id}.zip")


@my_privacy_blp.route("/access-log")
class MyAccessLog(MethodView):
    @auth_required()
    @my_privacy_blp.arguments(PageArgs, location="query")
    @my_privacy_blp.response(200, page_of(MyAccessSchema))
    def get(self, args):
        """See who accessed my identity

        Which roles and offices were shown my name (or read a redaction's original text of my complaint), and
        when; never which staff member.
        """
        result = audit.list_for_subject(user_id=get_current_user().id, **args)
        return json_response(presenters.my_access_page(result))
