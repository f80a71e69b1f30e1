"""The JSON written straight from the presenters is what the documented schemas would write."""

from __future__ import annotations

import datetime as dt
import json

from app.core.db import utcnow
from app.core.pagination import page_of
from app.core.responses import json_response
from app.core.sync import sync_page_of
from complaints.intake import queries, service
from complaints.intake.schemas import ComplaintItemSchema, ComplaintSchema, SubmittedSchema
from complaints.photos.service import add_photo
from complaints.views import detail
from tests.complaints.helpers import BANDUNG, jpeg_bytes, make_complaint
from tests.factories import resident, staff


def same_as_schema(data, schema) -> None:
    fast = json.loads(json_response(data).get_data())
    assert schema.validate(fast) == {}
    assert json.loads(json.dumps(schema.dump(schema.load(fast)), default=str)).keys() == fast.keys()


def test_lists_match_their_schema():
    reporter = resident()
    c = make_complaint(reporter, status="verified", is_anonymous=True)
    add_photo(complaint=c, data=jpeg_bytes(), uploader_id=reporter.id)
    make_complaint(reporter, status="in_progress", description="Hubungi 081234567890 soal jalan rusak ini.")
    schema = page_of(ComplaintItemSchema)()
    args = {"area": None, "category": None, "status": None, "radius": 1000, "cursor": None, "limit": 20}
    same_as_schema(queries.feed(near=None, sort="newest", **args), schema)
    same_as_schema(queries.feed(near=BANDUNG, sort="nearest", **args), schema)
    mine = sync_page_of(ComplaintItemSchema)()
    same_as_schema(queries.mine(user=reporter, status=None, cursor=None, limit=20), mine)
    since = utcnow() - dt.timedelta(hours=1)
    same_as_schema(queries.mine(user=reporter, status=None, cursor=None, limit=20, updated_since=since), mine)
    similar = queries.similar(viewer=reporter, lat=BANDUNG[0], lon=BANDUNG[1], category_id=1, cursor=None, limit=5)
    same_as_schema(similar, schema)


def test_detail_and_submission_match_their_schema():
    reporter = resident()
    c = make_complaint(reporter, status="verified", address=None)
    add_photo(complaint=c, data=jpeg_bytes(), uploader_id=reporter.id)
    for viewer in (None, reporter, staff("moderator", "32.73")):
        same_as_schema(detail.detail_view(complaint_id=c.id, viewer=viewer), ComplaintSchema())
    submission = service.Submission(c, replayed=True)
    same_as_schema(detail.submitted_view(submission, reporter=reporter), SubmittedSchema())
