"""Pushing an announcement: once, whatever happens after (re-publish, edits, overlapping scheduler runs); urgent
categories with high priority; sanitised bodies."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from app.core.db import utcnow
from app.extensions import db
from news.announcements import publishing
from news.announcements.models import Announcement
from tests.factories import login, resident
from tests.news.test_announcements_helpers import (
    DESA,
    URL,
    broadcasts_of,
    editor,
    feed_ids,
    iso,
    lurah,
    posted,
)
from tests.notifications.conftest import _fcm_sender, fake_fcm, fake_server  # noqa: F401  (fixtures)


def test_publishing_now_pushes_once_and_edits_never_again(client, fake_fcm):  # noqa: F811
    official = lurah()
    a = posted(client, official, notify=True)
    [n] = broadcasts_of(a["id"])
    assert (n.area_key, n.kind, n.title) == (f"{DESA}.005", "announcement", "Kerja bakti Minggu pagi")
    assert n.body == a["excerpt"] and n.sender_id == official.id
    [m] = fake_fcm.messages()
    assert m["topic"] == "announcement-32.73.01.1001.005" and m["data"]["link_type"] == "announcement"
    assert m["android"]["priority"] == "normal"
    url, h = f"{URL}/{a['id']}", login(official)
    for change in ({"title": "Diubah"}, {"notify": True}, {"notify": False}, {"notify": True, "body": "Lagi"}):
        assert client.patch(url, json=change, headers=h).status_code == 200
    assert client.patch(url, json={"publish_at": None}, headers=h).status_code == 409  # re-publish
    assert publishing.publish_now(a["id"]) is False
    assert publishing.push_once(a["id"]) is None
    assert publishing.publish_due(now=utcnow() + dt.timedelta(days=1)) == 0
    db.session.commit()
    assert len(broadcasts_of(a["id"])) == 1 and len(fake_fcm.messages()) == 1
    detail = client.get(url, headers=h).get_json()
    assert detail["notify"] is True and detail["notified_at"] is not None


def test_without_notify_nothing_is_pushed_until_asked_once(client, fake_fcm):  # noqa: F811
    official = lurah()
    a = posted(client, official)
    assert broadcasts_of(a["id"]) == []
    url, h = f"{URL}/{a['id']}", login(official)
    client.patch(url, json={"notify": True}, headers=h)
    client.patch(url, json={"notify": True}, headers=h)
    assert len(broadcasts_of(a["id"])) == 1 and len(fake_fcm.messages()) == 1


def test_scheduled_ones_publish_once_however_often_the_scheduler_runs(client, fake_fcm):  # noqa: F811
    official = lurah()
    a = posted(client, official, rw=None, notify=True, publish_at=iso(dt.timedelta(hours=1)))
    gone = posted(client, official, rw=None, notify=True, publish_at=iso(dt.timedelta(hours=1)))
    client.delete(f"{URL}/{gone['id']}", headers=login(official))
    who = resident(home_area_code=DESA, home_rw=5)
    assert publishing.publish_due() == 0  # not due yet
    assert broadcasts_of(a["id"]) == [] and feed_ids(client, who) == []
    later = utcnow() + dt.timedelta(hours=2)
    assert publishing.publish_due(now=later) == 1
    assert publishing.publish_due(now=later) == 0  # an overlapping or repeated run finds nothing to do
    assert publishing.publish_due(now=later + dt.timedelta(minutes=1)) == 0
    client.patch(f"{URL}/{a['id']}", json={"title": "Diubah"}, headers=login(official))
    assert len(broadcasts_of(a["id"])) == 1 and broadcasts_of(gone["id"]) == []
    assert len(fake_fcm.messages()) == 1
    assert feed_ids(client, who) == [a["id"]]
    row = db.session.get(Announcement, a["id"])
    assert row.published_at is not None and row.notification_id == broadcasts_of(a["id"])[0].id


def test_a_scheduled_one_published_by_hand_is_not_published_again_by_the_job(client, fake_fcm):  # noqa: F811
    official = lurah()
    a = posted(client, official, notify=True, publish_at=iso(dt.timedelta(hours=1)))
    assert client.patch(f"{URL}/{a['id']}", json={"publish_at": None}, headers=login(official)).status_code == 200
    assert publishing.publish_due(now=utcnow() + dt.timedelta(hours=2)) == 0
    assert len(broadcasts_of(a["id"])) == 1


def test_the_push_claim_is_a_conditional_update(client):
    """Two transactions that both try to push see one winner: the second finds ``notified_at`` set."""
    a = posted(client, lurah())
    db.session.execute(
        Announcement.__table__.update().where(Announcement.id == a["id"]).values(notify=True, notified_at=None)
    )
    first, second = publishing.push_once(a["id"]), publishing.push_once(a["id"])
    assert first is not None and second is None
    assert db.session.scalar(select(Announcement.notification_id).where(Announcement.id == a["id"])) == first


def test_urgent_categories_push_with_high_priority(client, fake_fcm):  # noqa: F811
    city = editor()
    posted(client, city, area_code="32.73", rw=None, category="bencana", notify=True, title="Banjir")
    posted(client, city, area_code="32.73", rw=None, category="kegiatan", notify=True, title="Pawai")
    by_title = {m["notification"]["title"]: m for m in fake_fcm.messages()}
    assert by_title["Banjir"]["android"]["priority"] == "high"
    assert by_title["Banjir"]["apns"]["headers"]["apns-priority"] == "10"
    assert by_title["Pawai"]["android"]["priority"] == "normal"


def test_long_titles_are_shortened_for_the_push(client):
    a = posted(client, lurah(), notify=True, title="Kerja bakti " * 12)
    [n] = broadcasts_of(a["id"])
    assert len(n.title) <= 100 and n.title.endswith("…")


def test_bodies_are_sanitised(client):
    hostile = (
        "<script>alert(1)</script>\n\n"
        "[klik](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=)\n\n"
        '<img src=x onerror="alert(1)"> <a href="#" onclick="steal()">x</a>\n\n'
        '<p style="color:red">merah</p>\n\n'
        "![gambar](javascript:alert(2))\n\n"
        "[aman](https://bandung.go.id)"
    )
    a = posted(client, lurah(), body=hostile)
    html = a["body_html"]
    tags = re.findall(r"<[^>]+>", html)
    assert not any(t.startswith("<script") or "onerror" in t or "onclick" in t or "style=" in t for t in tags)
    assert "javascript:" not in "".join(tags) and "data:" not in "".join(tags)
    assert '<a href="https://bandung.go.id" rel="noopener noreferrer nofollow">aman</a>' in html
    assert "<script" not in html and "&lt;script&gt;" in html  # shown as text, never run
