"""Channels and tags: public lists, admins manage channels, editors add tags."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from news.articles.models import Channel, Tag
from tests.complaints.helpers import jpeg_bytes
from tests.factories import login, resident, staff
from tests.news.test_articles_helpers import BANDUNG, channel, clean_view_buffer  # noqa: F401


def test_admin_creates_and_deactivates_a_channel(client):
    admin = login(staff("admin", BANDUNG))
    resp = client.post("/api/v1/news/channels", json={"name": "Humas Kota", "website": "https://bandung.go.id"},
                       headers=admin)  # fmt: skip
    assert resp.status_code == 201, resp.get_json()
    cid = resp.get_json()["id"]
    assert client.get("/api/v1/news/channels").get_json()["items"][-1]["name"] == "Humas Kota"
    assert client.patch(f"/api/v1/news/channels/{cid}", json={"is_active": False}, headers=admin).status_code == 200
    assert all(c["id"] != cid for c in client.get("/api/v1/news/channels").get_json()["items"])
    listed = client.get("/api/v1/news/channels?include_inactive=true", headers=admin).get_json()["items"]
    assert any(c["id"] == cid for c in listed)


def test_only_admins_manage_channels(client):
    for who in (staff("editor", BANDUNG), resident()):
        resp = client.post("/api/v1/news/channels", json={"name": "Kanal"}, headers=login(who))
        assert resp.status_code == 403
    assert client.post("/api/v1/news/channels", json={"name": "Kanal"}).status_code == 401
    assert db.session.scalar(select(func.count()).select_from(Channel).where(Channel.name == "Kanal")) == 0


def test_channel_input_is_checked(client):
    admin = login(staff("admin", BANDUNG))
    for bad in ({"name": "x"}, {"name": "Kanal", "website": "javascript:alert(1)"}, {"name": "K" * 101}, {}):
        assert client.post("/api/v1/news/channels", json=bad, headers=admin).status_code == 422
    client.post("/api/v1/news/channels", json={"name": "Kanal Sama"}, headers=admin)
    assert client.post("/api/v1/news/channels", json={"name": "Kanal Sama"}, headers=admin).status_code == 409


def test_channel_logo_is_stored_and_served(client):
    admin = login(staff("admin", BANDUNG))
    c = channel()
    resp = client.put(f"/api/v1/news/channels/{c.id}/logo", data={"file": (__import__("io").BytesIO(jpeg_bytes()),
                      "logo.jpg")}, headers=admin, content_type="multipart/form-data")  # fmt: skip
    assert resp.status_code == 200, resp.get_json()
    url = resp.get_json()["logo_url"]
    got = client.get(url)
    assert got.status_code == 200 and got.mimetype == "image/jpeg"
    assert client.get(url, headers={"If-None-Match": got.headers["ETag"]}).status_code == 304
    assert client.get(resp.get_json()["logo_thumbnail_url"]).status_code == 200


def test_editors_add_tags_admins_rename_them(client):
    ed = login(staff("editor", BANDUNG))
    resp = client.post("/api/v1/news/tags", json={"slug": "kesehatan", "name": "Kesehatan"}, headers=ed)
    assert resp.status_code == 201
    tag_id = resp.get_json()["id"]
    assert client.post("/api/v1/news/tags", json={"slug": "kesehatan", "name": "Lagi"}, headers=ed).status_code == 409
    assert client.post("/api/v1/news/tags", json={"slug": "Bad Slug", "name": "X"}, headers=ed).status_code == 422
    assert client.post("/api/v1/news/tags", json={"slug": "a-b", "name": "AB"},
                       headers=login(resident())).status_code == 403  # fmt: skip
    assert client.patch(f"/api/v1/news/tags/{tag_id}", json={"name": "Sehat"}, headers=ed).status_code == 403
    admin = login(staff("admin", BANDUNG))
    assert client.patch(f"/api/v1/news/tags/{tag_id}", json={"name": "Sehat"}, headers=admin).status_code == 200
    assert db.session.get(Tag, tag_id).name == "Sehat"
    assert [t["slug"] for t in client.get("/api/v1/news/tags").get_json()["items"]] == ["kesehatan"]
