"""Images of an announcement (at most five, served to its readers) and read receipts in aggregate (counts only)."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from app.accounts.roles import Role
from app.core.storage import get_storage
from app.extensions import db
from news.announcements.models import AnnouncementImage, AnnouncementRead
from tests.complaints.helpers import jpeg_bytes
from tests.factories import login, resident, staff
from tests.news.test_announcements_helpers import DESA, OTHER_DESA, URL, editor, lurah, posted, rw_head


def _upload(client, announcement_id, headers, data=None):
    return client.post(
        f"{URL}/{announcement_id}/images",
        data={"file": (io.BytesIO(data or jpeg_bytes()), "a.jpg")},
        content_type="multipart/form-data",
        headers=headers,
    )


def _images() -> int:
    return db.session.scalar(select(func.count()).select_from(AnnouncementImage))


def test_up_to_five_images_a_sixth_is_refused_and_nothing_stored(client):
    official = lurah()
    a = posted(client, official)
    h = login(official)
    assert _upload(client, a["id"], h, data=b"not an image").status_code == 422
    assert _images() == 0
    uploaded = [_upload(client, a["id"], h) for _ in range(5)]
    assert [r.status_code for r in uploaded] == [201] * 5
    first = uploaded[0].get_json()
    keys = set(db.session.scalars(select(AnnouncementImage.storage_key)))
    sixth = _upload(client, a["id"], h)
    assert sixth.status_code == 409 and sixth.get_json()["error"] == "too_many_images"
    assert _images() == 5 and set(db.session.scalars(select(AnnouncementImage.storage_key))) == keys
    who = resident(home_area_code=DESA, home_rw=5)
    [item] = client.get(URL, headers=login(who)).get_json()["items"]
    assert item["image_count"] == 5 and item["thumbnail_url"] == first["thumbnail_url"]
    detail = client.get(f"{URL}/{a['id']}", headers=login(who)).get_json()
    assert [i["id"] for i in detail["images"]] == [r.get_json()["id"] for r in uploaded]


def test_images_are_served_to_readers_only(client):
    official = lurah()
    a = posted(client, official, rw=5)
    image = _upload(client, a["id"], login(official)).get_json()
    reader = login(resident(home_area_code=DESA, home_rw=5))
    got = client.get(image["thumbnail_url"], headers=reader)
    assert got.status_code == 200 and got.mimetype == "image/jpeg" and got.data[:2] == b"\xff\xd8"
    assert client.get(image["url"], headers={**reader, "If-None-Match": got.headers["ETag"]}).status_code == 200
    again = client.get(image["url"], headers=reader)
    assert client.get(image["url"], headers={**reader, "If-None-Match": again.headers["ETag"]}).status_code == 304
    assert client.get(image["url"], headers=login(resident(home_area_code=DESA, home_rw=6))).status_code == 404
    assert client.get(image["url"]).status_code == 401


def test_only_those_who_manage_it_add_or_remove_images(client):
    official = lurah()
    a = posted(client, official, rw=None)
    assert _upload(client, a["id"], login(resident(home_area_code=DESA, home_rw=5))).status_code == 403
    assert _upload(client, a["id"], login(rw_head(5))).status_code == 403  # reads it, does not manage it
    assert _upload(client, a["id"], login(lurah(OTHER_DESA))).status_code == 404
    assert _images() == 0
    h = login(official)
    one, two = (_upload(client, a["id"], h).get_json() for _ in range(2))
    key = db.session.scalar(select(AnnouncementImage.storage_key).where(AnnouncementImage.id == one["id"]))
    assert client.delete(one["url"], headers=h).status_code == 204
    assert not get_storage().exists(key)
    detail = client.get(f"{URL}/{a['id']}", headers=h).get_json()
    assert detail["image_count"] == 1 and detail["thumbnail_url"] == two["thumbnail_url"]
    assert client.delete(one["url"], headers=h).status_code == 404


def test_read_receipts_are_counts_of_residents_in_the_area(client):
    head = rw_head(5)
    a = posted(client, head, rw=5)
    neighbours = [resident(home_area_code=DESA, home_rw=5) for _ in range(3)]
    resident(home_area_code=DESA, home_rw=6)  # another RW: not counted among the residents
    resident(home_area_code=DESA, home_rw=5, is_active=False)
    opened = f"{URL}/{a['id']}/opened"
    for who in (neighbours[0], neighbours[0], neighbours[1]):
        assert client.post(opened, headers=login(who)).status_code == 204
    assert client.post(opened, headers=login(head)).status_code == 204  # staff: not counted
    assert client.post(opened, headers=login(resident(home_area_code=DESA, home_rw=6))).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(AnnouncementRead)) == 2
    receipts = f"{URL}/{a['id']}/receipts"
    got = client.get(receipts, headers=login(head))
    assert got.status_code == 200 and got.get_json() == {"opened": 2, "residents": 3}
    assert client.get(receipts, headers=login(lurah())).get_json() == {"opened": 2, "residents": 3}
    assert client.get(receipts, headers=login(editor())).status_code == 200
    assert client.get(receipts, headers=login(neighbours[2])).status_code == 403
    assert client.get(receipts, headers=login(staff(Role.MODERATOR.value, "32.73"))).status_code == 403
    assert client.get(receipts, headers=login(lurah(OTHER_DESA))).status_code == 404


def test_a_desa_wide_announcement_counts_every_resident_of_the_desa(client):
    a = posted(client, lurah(), rw=None)
    for rw in (1, 2, 2):
        resident(home_area_code=DESA, home_rw=rw)
    resident(home_area_code=OTHER_DESA, home_rw=1)
    got = client.get(f"{URL}/{a['id']}/receipts", headers=login(lurah())).get_json()
    assert got == {"opened": 0, "residents": 3}


def test_seed_demo_adds_announcements_in_bandung_once(app, client):
    from news.announcements.models import Announcement

    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    count = db.session.scalar(select(func.count()).select_from(Announcement))
    assert count == 4
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Announcement)) == count
    rows = db.session.scalars(select(Announcement)).all()
    assert all(r.target_key.startswith("32.73") for r in rows)
    assert sorted(r.published_at is None for r in rows) == [False, False, False, True]  # one scheduled
