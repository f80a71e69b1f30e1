"""The JSON written straight from the announcement presenters is what the documented schemas would write."""

from __future__ import annotations

import datetime as dt
import io
import json

from app.core.sync import sync_page_of
from news.announcements.schemas import AnnouncementItemSchema, AnnouncementReceiptsSchema, AnnouncementSchema
from tests.complaints.helpers import jpeg_bytes
from tests.factories import login, resident
from tests.news.test_announcements_helpers import DESA, URL, iso, lurah, posted


def _same(data, schema) -> None:
    assert schema.validate(data) == {}, schema.validate(data)
    assert json.loads(json.dumps(schema.dump(schema.load(data)), default=str)).keys() == data.keys()


def test_answers_match_their_schemas(client):
    official = lurah()
    full = posted(
        client,
        official,
        rw=None,
        event_starts_at=iso(dt.timedelta(days=1)),
        event_ends_at=iso(dt.timedelta(days=1, hours=2)),
        place_name="Balai RW",
        place_lat=-6.87,
        place_lon=107.59,
        valid_until=iso(dt.timedelta(days=3)),
        link={"type": "announcement", "id": posted(client, official)["id"]},
        notify=True,
    )
    client.post(
        f"{URL}/{full['id']}/images",
        data={"file": (io.BytesIO(jpeg_bytes()), "a.jpg")},
        content_type="multipart/form-data",
        headers=login(official),
    )
    posted(client, official, publish_at=iso(dt.timedelta(hours=3)))
    who = resident(home_area_code=DESA, home_rw=5)
    for user in (who, official):
        h = login(user)
        page = client.get(URL, headers=h).get_json()
        _same(page, sync_page_of(AnnouncementItemSchema)())
        delta = client.get(URL, query_string={"updated_since": iso(-dt.timedelta(hours=1))}, headers=h).get_json()
        _same(delta, sync_page_of(AnnouncementItemSchema)())
        _same(client.get(f"{URL}/{full['id']}", headers=h).get_json(), AnnouncementSchema())
    _same(client.get(f"{URL}/{full['id']}/receipts", headers=login(official)).get_json(), AnnouncementReceiptsSchema())
