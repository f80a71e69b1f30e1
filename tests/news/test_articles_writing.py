"""Writing articles: scope on every write for each role, sanitising, states, history, bad input stores nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import func, select

from app.core.db import utcnow
from app.extensions import db
from news.articles import publishing
from news.articles.models import Article, ArticleChange
from tests.complaints.helpers import jpeg_bytes
from tests.factories import login, resident, staff
from tests.news.test_articles_helpers import (  # noqa: F401
    BANDUNG,
    JABAR,
    JAKARTA,
    KAB_BANDUNG,
    SUKARASA,
    SUKASARI,
    article,
    body,
    channel,
    clean_view_buffer,
    tag,
)


def elements(html: str) -> tuple[list[str], list[tuple[str, str | None]]]:
    """The tags and attributes of an HTML text."""
    from html.parser import HTMLParser

    found: tuple[list[str], list[tuple[str, str | None]]] = ([], [])

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found[0].append(tag)
            found[1].extend(attrs)

    Collect().feed(html)
    return found


def count_articles() -> int:
    return db.session.scalar(select(func.count()).select_from(Article))


@pytest.mark.parametrize(
    ("role", "scope", "target", "status"),
    [
        ("editor", JABAR, JABAR, 201),  # a province editor: the province itself
        ("editor", JABAR, SUKARASA, 201),  # ... or any area inside it, down to a desa
        ("editor", BANDUNG, BANDUNG, 201),
        ("editor", BANDUNG, SUKASARI, 201),
        ("editor", BANDUNG, JABAR, 403),  # a kab/kota editor never targets the province
        ("editor", BANDUNG, KAB_BANDUNG, 403),  # ... nor another kab/kota
        ("editor", BANDUNG, JAKARTA, 403),
        ("admin", BANDUNG, SUKARASA, 201),
        ("admin", BANDUNG, KAB_BANDUNG, 403),
        ("moderator", BANDUNG, BANDUNG, 403),  # other staff roles do not write news
        ("village_official", SUKARASA, SUKARASA, 403),
    ],
)
def test_create_is_scoped(client, role, scope, target, status):
    c = channel()
    before = count_articles()
    resp = client.post("/api/v1/news", json=body(c.id, area_code=target), headers=login(staff(role, scope)))
    assert resp.status_code == status, resp.get_json()
    assert count_articles() == before + (1 if status == 201 else 0)
    if status == 201:
        got = resp.get_json()
        assert got["status"] == "draft" and got["area_code"] == target


def test_residents_and_anonymous_cannot_write(client):
    c = channel()
    assert client.post("/api/v1/news", json=body(c.id)).status_code == 401
    assert client.post("/api/v1/news", json=body(c.id), headers=login(resident())).status_code == 403


def test_edit_is_scoped_on_the_article_and_on_the_new_target(client):
    a = article(area=SUKASARI, status="draft")
    city = login(staff("editor", BANDUNG))
    assert client.patch(f"/api/v1/news/{a.id}", json={"title": "Judul baru"}, headers=city).status_code == 200
    # moving it out of the editor's scope is refused, and nothing changes
    resp = client.patch(f"/api/v1/news/{a.id}", json={"area_code": JABAR, "title": "Lain"}, headers=city)
    assert resp.status_code == 403
    db.session.expire_all()
    assert db.session.get(Article, a.id).area_code == SUKASARI
    assert db.session.get(Article, a.id).title == "Judul baru"
    # an editor of another kab/kota does not even see the draft
    other = login(staff("editor", KAB_BANDUNG))
    assert client.patch(f"/api/v1/news/{a.id}", json={"title": "X y z"}, headers=other).status_code == 404
    assert client.delete(f"/api/v1/news/{a.id}", headers=other).status_code == 404
    assert client.get(f"/api/v1/news/{a.id}", headers=other).status_code == 404
    # a published article outside the scope is visible, but not theirs to change
    b = article(area=SUKASARI)
    assert client.patch(f"/api/v1/news/{b.id}", json={"title": "X y z"}, headers=other).status_code == 403


def test_markdown_is_rendered_and_sanitised(client):
    c = channel()
    dirty = (
        "# Judul\n\n<script>alert(1)</script>\n\n[klik](javascript:alert(1)) [aman](https://bandung.go.id)\n\n"
        '<img src=x onerror="alert(1)"> <p style="color:red" onclick="x()">gaya</p>\n\n'
        "![gambar](javascript:alert(2))"
    )
    resp = client.post("/api/v1/news", json=body(c.id, body=dirty), headers=login(staff("editor", BANDUNG)))
    assert resp.status_code == 201
    html = resp.get_json()["body_html"]
    tags, attrs = elements(html)
    assert "script" not in tags and "img" not in tags  # raw HTML is text, never markup
    assert not [a for a in attrs if a[0].startswith("on") or a[0] == "style"]
    assert not [a for a in attrs if a[0] in ("href", "src") and "javascript" in (a[1] or "").lower()]
    assert "&lt;script&gt;" in html  # shown as the text the editor typed
    assert '<a href="https://bandung.go.id" rel="noopener noreferrer nofollow">aman</a>' in html
    assert "<h1>Judul</h1>" in html
    stored = db.session.get(Article, resp.get_json()["id"])
    assert stored.body_html == html  # stored rendered; the excerpt is plain text (apps show it as text)


@pytest.mark.parametrize(
    "overrides",
    [
        {"body": "x" * 20_001},  # oversize body
        {"title": "t" * 151},
        {"channel_id": 999_999},  # unknown channel
        {"tag_ids": [999_999]},
        {"area_code": "99.99"},  # unknown area
        {"area_code": "32.73.01.1001.005"},  # no RW targets for articles
        {"source_url": "javascript:alert(1)"},
        {"is_admin": True},  # unknown field
    ],
)
def test_bad_input_is_a_4xx_and_stores_nothing(client, overrides):
    c = channel()
    before = count_articles()
    resp = client.post("/api/v1/news", json={**body(c.id), **overrides}, headers=login(staff("editor", BANDUNG)))
    assert resp.status_code == 422, resp.get_json()
    assert count_articles() == before


def test_oversize_json_and_inactive_channel(client):
    ed = login(staff("editor", BANDUNG))
    c = channel(is_active=False)
    before = count_articles()
    assert client.post("/api/v1/news", json=body(c.id), headers=ed).status_code == 422
    huge = body(channel().id, body="y" * 70_000)
    assert client.post("/api/v1/news", json=huge, headers=ed).status_code == 413
    assert count_articles() == before


def test_states_and_history(client):
    ed_user = staff("editor", BANDUNG)
    ed = login(ed_user)
    a = article(author=ed_user, status="draft")
    at = (utcnow() + dt.timedelta(days=1)).isoformat()
    resp = client.post(f"/api/v1/news/{a.id}/publish", json={"publish_at": at}, headers=ed)
    assert resp.status_code == 200 and resp.get_json()["status"] == "scheduled"
    assert client.post(f"/api/v1/news/{a.id}/archive", headers=ed).status_code == 409
    past = (utcnow() - dt.timedelta(minutes=1)).isoformat()
    assert client.post(f"/api/v1/news/{a.id}/publish", json={"publish_at": past}, headers=ed).status_code == 422
    assert client.post(f"/api/v1/news/{a.id}/unschedule", headers=ed).get_json()["status"] == "draft"
    got = client.post(f"/api/v1/news/{a.id}/publish", json={}, headers=ed).get_json()
    assert got["status"] == "published" and got["published_at"] and got["edited_at"] is None
    edited = client.patch(f"/api/v1/news/{a.id}", json={"title": "Judul diperbarui", "summary": "Baru"}, headers=ed)
    assert edited.get_json()["edited_at"] is not None
    assert client.post(f"/api/v1/news/{a.id}/archive", headers=ed).get_json()["status"] == "archived"
    assert client.post(f"/api/v1/news/{a.id}/publish", json={}, headers=ed).get_json()["status"] == "published"
    history = client.get(f"/api/v1/news/{a.id}/history", headers=ed).get_json()
    assert [h["action"] for h in history] == [
        "create", "schedule", "unschedule", "publish", "edit", "archive", "publish",
    ]  # fmt: skip
    edit = history[4]
    assert edit["actor_id"] == ed_user.id and edit["fields"] == ["summary", "title"]
    assert client.get(f"/api/v1/news/{a.id}/history", headers=login(resident())).status_code == 403


def test_soft_delete(client):
    ed = login(staff("editor", BANDUNG))
    a = article()
    assert client.delete(f"/api/v1/news/{a.id}", headers=ed).status_code == 204
    db.session.expire_all()
    assert db.session.get(Article, a.id).deleted_at is not None
    assert client.get(f"/api/v1/news/{a.id}").status_code == 404
    assert client.delete(f"/api/v1/news/{a.id}", headers=ed).status_code == 404
    assert db.session.scalar(select(func.count()).where(ArticleChange.article_id == a.id,
                                                        ArticleChange.action == "delete")) == 1  # fmt: skip


def test_scheduler_publishes_due_articles_only(client):
    due = article(status="scheduled")
    later = article(status="scheduled")
    db.session.execute(
        Article.__table__.update().where(Article.id == due.id).values(publish_at=utcnow() - dt.timedelta(seconds=5))
    )
    assert publishing.publish_due() == [due.id]
    assert publishing.publish_due() == []
    db.session.expire_all()
    assert db.session.get(Article, due.id).status == "published"
    assert db.session.get(Article, due.id).published_at is not None
    assert db.session.get(Article, later.id).status == "scheduled"


def test_cover_upload_serving_and_removal(client):
    ed = login(staff("editor", BANDUNG))
    a = article(status="draft")
    up = client.put(f"/api/v1/news/{a.id}/cover", data={"file": (io.BytesIO(jpeg_bytes()), "c.jpg")}, headers=ed,
                    content_type="multipart/form-data")  # fmt: skip
    assert up.status_code == 200, up.get_json()
    cover = up.get_json()["cover"]
    assert client.get(cover["url"]).status_code == 404  # a draft's cover is not public
    assert client.get(cover["url"], headers=ed).status_code == 200
    client.post(f"/api/v1/news/{a.id}/publish", json={}, headers=ed)
    assert client.get(cover["thumbnail_url"]).mimetype == "image/jpeg"
    bad = client.put(f"/api/v1/news/{a.id}/cover", data={"file": (io.BytesIO(b"not an image"), "c.jpg")},
                     headers=ed, content_type="multipart/form-data")  # fmt: skip
    assert bad.status_code == 422
    assert client.delete(f"/api/v1/news/{a.id}/cover", headers=ed).get_json()["cover"] is None


def test_tags_on_an_article(client):
    ed = login(staff("editor", BANDUNG))
    t1, t2 = tag("kesehatan"), tag("pendidikan")
    resp = client.post("/api/v1/news", json=body(channel().id, tag_ids=[t2.id, t1.id]), headers=ed)
    assert [t["slug"] for t in resp.get_json()["tags"]] == ["kesehatan", "pendidikan"]
    aid = resp.get_json()["id"]
    resp = client.patch(f"/api/v1/news/{aid}", json={"tag_ids": [t1.id]}, headers=ed)
    assert [t["slug"] for t in resp.get_json()["tags"]] == ["kesehatan"]


def test_desk_lists_my_scope_only(client):
    city = staff("editor", BANDUNG)
    mine = article(area=SUKASARI, status="draft")
    other = article(area=KAB_BANDUNG, status="draft")
    items = client.get("/api/v1/news/manage", headers=login(city)).get_json()["items"]
    ids = [i["id"] for i in items]
    assert mine.id in ids and other.id not in ids
    assert client.get("/api/v1/news/manage?area=32", headers=login(city)).status_code == 403
    assert client.get("/api/v1/news/manage", headers=login(resident())).status_code == 403
