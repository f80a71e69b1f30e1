"""Inbox, push preferences, devices, and the admins' view of push delivery."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from app.accounts.roles import Role
from app.core.auth import auth_required, get_current_user
from app.core.blueprint import Blueprint
from app.core.pagination import page_of
from app.core.responses import json_response
from app.core.sync import sync_page_of
from notifications import admin, devices, inbox, presenters
from notifications.schemas import (
    DeliveryQuerySchema,
    DeliverySchema,
    DeviceCreateSchema,
    DeviceSchema,
    InboxQuerySchema,
    NotificationSchema,
    PreferencesSchema,
    PreferencesUpdateSchema,
    UnreadCountSchema,
)

_ITEM_EXAMPLE = {
    "id": 42,
    "kind": "complaint_update",
    "title": "Aduan Anda diverifikasi",
    "body": "Aduan ADU-2026-000123 diteruskan ke Dinas PU.",
    "link": {"type": "complaint", "id": 123},
    "data": {"tracking_number": "ADU-2026-000123"},
    "audience": "personal",
    "area_key": None,
    "created_at": "2026-11-25T08:15:00+00:00",
    "read": False,
}
_BROADCAST_EXAMPLE = {
    **_ITEM_EXAMPLE,
    "id": 41,
    "kind": "announcement",
    "title": "Kerja bakti Minggu",
    "body": "Kerja bakti RW 05 hari Minggu pukul 07.00.",
    "link": {"type": "news", "id": 7},
    "data": {},
    "audience": "area",
    "area_key": "32.73.01.1001.005",
}
_PREFERENCES_EXAMPLE = {"complaint_update": True, "announcement": True, "news": False, "survey": True}

inbox_blp = Blueprint(
    "notifications", __name__, url_prefix="/api/v1/me/notifications", description="The signed-in user's inbox."
)
preferences_blp = Blueprint(
    "notification_preferences",
    __name__,
    url_prefix="/api/v1/me/notification-preferences",
    description="Push on/off per kind of notification.",
)
devices_blp = Blueprint(
    "devices", __name__, url_prefix="/api/v1/devices", description="The app instances (FCM targets) of the user."
)
admin_blp = Blueprint(
    "notification_admin",
    __name__,
    url_prefix="/api/v1/admin/notifications",
    description="Push delivery status, for admins.",
)


INBOX_PAGE = sync_page_of(
    NotificationSchema,
    read_upto_id=ma.fields.Integer(
        metadata={"description": "With `updated_since`: every notification with an id up to this one is read."}
    ),
)


@inbox_blp.route("")
class Inbox(MethodView):
    @auth_required()
    @inbox_blp.arguments(InboxQuerySchema(), location="query")  # an instance: not rebuilt on every request
    @inbox_blp.response(
        200,
        INBOX_PAGE,
        example={
            "items": [_ITEM_EXAMPLE, _BROADCAST_EXAMPLE],
            "next_cursor": "WzQxXQ",
            "server_time": "2026-11-30T08:00:00+00:00",
            "deleted": [],
        },
    )
    def get(self, args):
        """List my notifications

        Newest first: my personal notifications and the broadcasts for every level of my home area (province,
        kab/kota, kecamatan, desa, RW). `unread=true` lists only unread ones. Hidden ones are left out. With
        `updated_since` (the `server_time` of an earlier answer): the notifications created or read since, oldest
        change first, the hidden ones in `deleted`, and `read_upto_id` (everything up to it is read).
        """
        return json_response(inbox.list_inbox(user=get_current_user(), **args))


@inbox_blp.route("/unread-count")
class UnreadCount(MethodView):
    @auth_required()
    @inbox_blp.response(200, UnreadCountSchema, example={"unread": 3, "capped": False})
    def get(self):
        """Count my unread notifications

        Counts up to 99; `capped` is true when there are more (show "99+").
        """
        counted = inbox.unread_count(user=get_current_user())
        return json_response(presenters.unread_count(counted, cap=inbox.UNREAD_CAP))


@inbox_blp.route("/read-all")
class ReadAll(MethodView):
    @auth_required()
    @inbox_blp.response(204)
    def post(self):
        """Mark all my notifications read"""
        inbox.mark_all_read(user=get_current_user())


@inbox_blp.route("/<id:notification_id>/read")
class ReadOne(MethodView):
    @auth_required()
    @inbox_blp.response(204)
    def post(self, notification_id):
        """Mark one notification read"""
        inbox.mark_read(user=get_current_user(), notification_id=notification_id)


@inbox_blp.route("/<id:notification_id>")
class InboxItem(MethodView):
    @auth_required()
    @inbox_blp.response(204)
    def delete(self, notification_id):
        """Hide one notification from my inbox

        Only for me: a broadcast stays in everyone else's inbox.
        """
        inbox.hide(user=get_current_user(), notification_id=notification_id)


@preferences_blp.route("")
class Preferences(MethodView):
    @auth_required()
    @preferences_blp.response(200, PreferencesSchema, example=_PREFERENCES_EXAMPLE)
    def get(self):
        """Get my push preferences"""
        return json_response(presenters.preferences(devices.get_preferences(user_id=get_current_user().id)))

    @auth_required()
    @preferences_blp.arguments(PreferencesUpdateSchema, example={"news": False, "survey": False})
    @preferences_blp.response(200, PreferencesSchema, example=_PREFERENCES_EXAMPLE)
    def patch(self, changes):
        """Turn push on or off per kind

        The inbox still records every kind; only the push to the phone stops.
        """
        prefs = devices.update_preferences(user_id=get_current_user().id, changes=changes)
        return json_response(presenters.preferences(prefs))


@devices_blp.route("")
class Devices(MethodView):
    @auth_required()
    @devices_blp.arguments(
        DeviceCreateSchema,
        example={
            "token": "fGx1Yk3sQ0e7m2Pz9aQW1c:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx",
            "token_kind": "registration_token",
            "platform": "android",
            "app_version": "1.4.0",
            "locale": "id-ID",
        },
    )
    @devices_blp.response(
        200,
        DeviceSchema,
        example={
            "token": "fGx1Yk3sQ0e7m2Pz9aQW1c:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx",
            "token_kind": "registration_token",
            "platform": "android",
            "app_version": "1.4.0",
            "locale": "id-ID",
            "created_at": "2026-11-20T02:00:00+00:00",
            "last_seen_at": "2026-11-25T08:00:00+00:00",
        },
    )
    def post(self, data):
        """Register or refresh this app instance for push

        Call at every app start and when FCM issues a new token. A target registered by another account moves
        to this one. The server keeps it subscribed to my home area's topics.
        """
        return json_response(presenters.device(devices.register_device(user_id=get_current_user().id, **data)))


@devices_blp.route("/<string:token>")
class DeviceItem(MethodView):
    @auth_required()
    @devices_blp.response(204)
    def delete(self, token):
        """Unregister an app instance (log-out)

        It stops receiving my pushes at once and leaves my area topics shortly after.
        """
        devices.unregister_device(user_id=get_current_user().id, token=token)


@admin_blp.route("")
class Deliveries(MethodView):
    @auth_required(Role.ADMIN.value)
    @admin_blp.arguments(DeliveryQuerySchema, location="query")
    @admin_blp.response(
        200,
        page_of(DeliverySchema),
        example={
            "items": [
                {
                    "id": 41,
                    "kind": "announcement",
                    "title": "Kerja bakti Minggu",
                    "audience": "area",
                    "area_key": "32.73.01.1001.005",
                    "user_id": None,
                    "push_status": "failed",
                    "push_attempts": 8,
                    "push_error": "UnavailableError",
                    "sent_count": 0,
                    "failed_count": 1,
                    "pruned_count": 0,
                    "created_at": "2026-11-25T08:15:00+00:00",
                    "pushed_at": "2026-11-25T11:02:00+00:00",
                }
            ],
            "next_cursor": None,
        },
    )
    def get(self, args):
        """List push deliveries in my area (failed by default)

        Broadcasts aimed inside my area and personal notifications of residents living there, with their push
        status, attempts, last error and counts (sent, failed, pruned targets). Texts of personal notifications
        are not shown.
        """
        return json_response(presenters.delivery_page(admin.list_deliveries(admin=get_current_user(), **args)))
