"""Moderation answers, written straight from dicts, are what the documented schemas describe."""

from __future__ import annotations

from app.core.pagination import page_of
from app.extensions import db
from complaints.handling import stages
from complaints.moderation import queries, service
from complaints.moderation.schemas import ModerationViewSchema, QueueItemSchema, RedactionSchema
from tests.complaints.helpers import BANDUNG, make_complaint, offset
from tests.complaints.office_factories import office
from tests.complaints.test_responses import same_as_schema
from tests.factories import staff


def test_queue_view_and_redactions_match_their_schemas():
    admin = staff("admin", "32.73")
    make_complaint(status="verified", point=offset(BANDUNG, north_m=40))
    queued = make_complaint(is_anonymous=True, address=None)
    args = {"status": "submitted", "awaiting_route": None, "flagged": None, "category": None, "area": None}
    page = queries.queue(user=admin, cursor=None, limit=20, **args)
    assert page["items"][0]["likely_duplicates"]
    same_as_schema(page, page_of(QueueItemSchema)())

    same_as_schema(queries.view(complaint_id=queued.id, viewer=admin), ModerationViewSchema())
    routed = make_complaint(status="verified")
    stages.start_stage(complaint=routed, office=office("32.73"), actor=None)
    duplicate = make_complaint(status="duplicate")
    duplicate.duplicate_of_id = routed.id
    db.session.flush()
    views = [queries.view(complaint_id=c.id, viewer=admin) for c in (routed, duplicate)]
    assert views[0]["office"] is not None and views[1]["duplicate_of"]["id"] == routed.id
    for view in views:
        same_as_schema(view, ModerationViewSchema())

    service.redact(complaint_id=queued.id, actor=admin, texts={"title": "Judul disunting"}, reason="Uji")
    redactions = queries.redactions(complaint_id=queued.id, viewer=admin, cursor=None, limit=20)
    assert len(redactions["items"]) == 1
    same_as_schema(redactions, page_of(RedactionSchema)())
