"""The readers' feed: visibility by area for every role, filters, word search, pages, ETag and delta sync."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from app.core.db import utcnow
from app.extensions import db
from news.articles.models import Article
from tests.factories import login, resident, staff
from tests.news.test_articles_helpers import (  # noqa: F401
    BANDUNG,
    JABAR,
    JAKARTA,
    KAB_BANDUNG,
    OTHER_DESA,
    SUKARASA,
    SUKASARI,
    article,
    channel,
    clean_view_buffer,
    tag,
)


def ids(resp) -> list[int]:
    assert resp.status_code == 200, resp.get_json()
    return [i["id"] for i in resp.get_json()["items"]]


@pytest.fixture
def spread():
    """One published article per target area, plus a draft, a deleted and an archived one in Bandung."""
    c = channel()
    made = {area: article(area=area, channel_id=c.id, title=f"Berita untuk {area}") for area in
            (JABAR, BANDUNG, SUKASARI, SUKARASA, OTHER_DESA, KAB_BANDUNG, JAKARTA)}  # fmt: skip
    made["draft"] = article(area=BANDUNG, status="draft", channel_id=c.id)
    made["archived"] = article(area=BANDUNG, status="archived", channel_id=c.id)
    gone = article(area=BANDUNG, channel_id=c.id)
    gone.deleted_at = utcnow()
    made["deleted"] = gone
    db.session.flush()
    return made


def test_a_resident_sees_the_areas_that_contain_their_home(client, spread):
    home = resident(home_area_code=SUKARASA, home_rw=5)
    seen = set(ids(client.get("/api/v1/news", headers=login(home))))
    assert seen == {spread[a].id for a in (JABAR, BANDUNG, SUKASARI, SUKARASA)}
    neighbour = resident(home_area_code=OTHER_DESA, home_rw=1)
    assert set(ids(client.get("/api/v1/news", headers=login(neighbour)))) == {
        spread[a].id for a in (JABAR, BANDUNG, OTHER_DESA)
    }


def test_anonymous_readers_choose_an_area_or_get_province_wide_items(client, spread):
    assert set(ids(client.get(f"/api/v1/news?area={SUKASARI}"))) == {spread[a].id for a in (JABAR, BANDUNG, SUKASARI)}
    assert set(ids(client.get("/api/v1/news"))) == {spread[JABAR].id, spread[JAKARTA].id}
    assert client.get("/api/v1/news?area=99.99").status_code == 422
    assert client.get("/api/v1/news").headers["Cache-Control"] == "public, max-age=5"


@pytest.mark.parametrize("role", ["editor", "admin", "moderator", "village_official", "rw_official"])
def test_staff_read_the_feed_of_their_scope(client, spread, role):
    scope = SUKARASA if role in ("village_official", "rw_official") else BANDUNG
    user = staff(role, scope, rw=5 if role == "rw_official" else None)
    seen = set(ids(client.get("/api/v1/news", headers=login(user))))
    expected = (JABAR, BANDUNG, SUKASARI, SUKARASA) if scope == SUKARASA else (JABAR, BANDUNG)
    assert seen == {spread[a].id for a in expected}


def test_detail_visibility(client, spread):
    assert client.get(f"/api/v1/news/{spread[KAB_BANDUNG].id}").status_code == 200  # public by link
    assert client.get(f"/api/v1/news/{spread['archived'].id}").get_json()["status"] == "archived"
    for hidden in ("draft", "deleted"):
        assert client.get(f"/api/v1/news/{spread[hidden].id}").status_code == 404
        assert client.get(f"/api/v1/news/{spread[hidden].id}", headers=login(resident())).status_code == 404
    assert client.get(f"/api/v1/news/{spread['draft'].id}", headers=login(staff("editor", BANDUNG))).status_code == 200
    other = login(staff("editor", KAB_BANDUNG))
    assert client.get(f"/api/v1/news/{spread['draft'].id}", headers=other).status_code == 404


def test_filters_channel_tag_and_words(client):
    c1, c2 = channel("A"), channel("B")
    health = tag("kesehatan")
    a = article(channel_id=c1.id, title="Posyandu keliling di Sukasari", tag_ids=[health.id])
    b = article(channel_id=c2.id, title="Jalan tol baru dibuka", summary="", body="Tol **Cisumdawu** dibuka, gratis.")
    article(channel_id=c2.id, title="Pasar murah", summary="Murah", body="Sembako murah")
    url = f"/api/v1/news?area={SUKARASA}"
    assert ids(client.get(f"{url}&channel={c1.id}")) == [a.id]
    assert ids(client.get(f"{url}&tag=kesehatan")) == [a.id]
    assert ids(client.get(f"{url}&tag=tidak-ada")) == []
    assert ids(client.get(f"{url}&q=POSYANDU")) == [a.id]  # any case
    assert ids(client.get(f"{url}&q=cisumdawu gratis")) == [b.id]  # every word, body included
    assert ids(client.get(f"{url}&q=cisumdawu posyandu")) == []
    assert ids(client.get(f"{url}&q=posy")) == []  # whole words only, as PostgreSQL's full-text search
    assert ids(client.get(f"{url}&q=%21%21")) == []  # punctuation only


def test_search_follows_edits(client):
    ed = login(staff("editor", BANDUNG))
    a = article(title="Lomba kebersihan kampung")
    url = f"/api/v1/news?area={SUKARASA}&q="
    assert ids(client.get(url + "kebersihan")) == [a.id]
    client.patch(f"/api/v1/news/{a.id}", json={"title": "Lomba kerapian kampung"}, headers=ed)
    assert ids(client.get(url + "kebersihan")) == []
    assert ids(client.get(url + "kerapian")) == [a.id]


def test_featured_first_and_pages_are_stable(client):
    c = channel()
    made = [article(channel_id=c.id, area=BANDUNG, title=f"Berita nomor {i}") for i in range(7)]
    now = utcnow()
    for i, a in enumerate(made):  # distinct publication times, oldest first
        db.session.execute(
            update(Article).where(Article.id == a.id).values(published_at=now - dt.timedelta(hours=10 - i))
        )
    db.session.execute(update(Article).where(Article.id == made[1].id).values(is_featured=True, featured_order=2))
    db.session.execute(update(Article).where(Article.id == made[2].id).values(is_featured=True, featured_order=1))
    newest = [a.id for a in reversed(made)]
    pages, cursor = [], None
    while True:
        resp = client.get(f"/api/v1/news?area={BANDUNG}&limit=3" + (f"&cursor={cursor}" if cursor else ""))
        pages += ids(resp)
        cursor = resp.get_json()["next_cursor"]
        if cursor is None:
            break
    assert pages == newest
    featured, cursor = [], None
    while True:
        resp = client.get(
            f"/api/v1/news?area={BANDUNG}&featured=true&limit=2" + (f"&cursor={cursor}" if cursor else "")
        )
        featured += ids(resp)
        cursor = resp.get_json()["next_cursor"]
        if cursor is None:
            break
    assert featured == [made[2].id, made[1].id] + [i for i in newest if i not in (made[1].id, made[2].id)]
    assert client.get("/api/v1/news?cursor=bm90LWEtY3Vyc29y").status_code == 422


def test_etag_304_and_delta_sync(client):
    ed = login(staff("editor", BANDUNG))
    reader = login(resident(home_area_code=SUKARASA, home_rw=5))
    a, b = article(), article()
    first = client.get("/api/v1/news", headers=reader)
    etag = first.headers["ETag"]
    assert client.get("/api/v1/news", headers={**reader, "If-None-Match": etag}).status_code == 304
    since = first.get_json()["server_time"]
    past = utcnow() - dt.timedelta(hours=2)
    db.session.execute(update(Article).values(updated_at=past))  # both synced long ago
    client.patch(f"/api/v1/news/{a.id}", json={"summary": "Diperbarui"}, headers=ed)
    client.delete(f"/api/v1/news/{b.id}", headers=ed)
    resp = client.get(f"/api/v1/news?updated_since={since.replace('+', '%2B')}", headers=reader)
    got = resp.get_json()
    assert [i["id"] for i in got["items"]] == [a.id] and got["deleted"] == [b.id]
    assert client.get("/api/v1/news", headers={**reader, "If-None-Match": etag}).status_code == 200  # changed
    assert client.get("/api/v1/news?updated_since=2026-01-01T00:00:00").status_code == 422  # naive time


def test_related_articles(client):
    c1, c2 = channel("A"), channel("B")
    health = tag("kesehatan")
    a = article(channel_id=c1.id, tag_ids=[health.id])
    same_channel = article(channel_id=c1.id)
    same_tag = article(channel_id=c2.id, tag_ids=[health.id])
    article(channel_id=c2.id)  # unrelated
    article(channel_id=c1.id, area=KAB_BANDUNG)  # related, but not for a reader in Bandung
    got = client.get(f"/api/v1/news/{a.id}").get_json()
    assert {r["id"] for r in got["related"]} == {same_channel.id, same_tag.id}
    assert got["me"] is None and got["body_html"].startswith("<p>")


def test_pages_and_articles_are_shared_for_a_few_seconds(app, client):
    from news.articles import feed

    a = article()
    app.config["NEWS_FEED_CACHE_SECONDS"] = 5
    try:
        first = client.get(f"/api/v1/news?area={SUKARASA}")
        article(title="Berita yang datang kemudian")  # appears once the page has expired, not before
        again = client.get(f"/api/v1/news?area={SUKARASA}", headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
        detail = client.get(f"/api/v1/news/{a.id}", headers=login(resident())).get_json()
        assert detail["me"] == {"liked": False, "bookmarked": False, "read": False}
        assert client.get(f"/api/v1/news/{a.id}").get_json()["me"] is None  # ``me`` is never shared
    finally:
        app.config["NEWS_FEED_CACHE_SECONDS"] = 0
        feed.forget_shared()
    assert len(ids(client.get(f"/api/v1/news?area={SUKARASA}"))) == 2


def test_a_shared_page_or_article_answers_exactly_what_an_unshared_one_would(app, client):
    """Shared answers are encoded and hashed once (``responses.Encoded``): same bytes, same ETag, same 304."""
    from news.articles import feed

    a = article()
    user = resident()
    headers = login(user)
    assert client.put(f"/api/v1/news/{a.id}/like", headers=headers).status_code == 200
    paths = [(f"/api/v1/news?area={SUKARASA}", None), (f"/api/v1/news/{a.id}", None), (f"/api/v1/news/{a.id}", headers)]
    unshared = [client.get(p, headers=h) for p, h in paths]
    app.config["NEWS_FEED_CACHE_SECONDS"] = 5
    try:
        for _ in range(2):
            shared = [client.get(p, headers=h) for p, h in paths]
            for one, other in zip(unshared, shared, strict=True):
                assert other.status_code == 200
                assert other.headers["ETag"] == one.headers["ETag"]
                if "server_time" not in one.get_json():
                    assert other.get_data() == one.get_data()
        assert shared[2].get_json()["me"] == {"liked": True, "bookmarked": False, "read": False}
        assert shared[1].get_json()["me"] is None
        for (p, h), one in zip(paths, unshared, strict=True):
            again = client.get(p, headers={**(h or {}), "If-None-Match": one.headers["ETag"]})
            assert again.status_code == 304 and again.get_data() == b""
    finally:
        app.config["NEWS_FEED_CACHE_SECONDS"] = 0
        feed.forget_shared()


def test_an_encoded_answer_only_extends_a_null_last_member():
    from app.core.responses import encode

    shared = encode({"a": 1, "me": None})
    assert shared.with_last("me", {"x": True}) == b'{"a":1,"me":{"x":true}}'
    with pytest.raises(ValueError):
        encode({"me": None, "a": 1}).with_last("me", 1)


def test_a_page_brings_its_tags_and_a_new_tag_shows_at_once_with_the_caches_on(app, client):
    from news.articles import feed

    first, second = tag("banjir", "Banjir"), tag("air-bersih", "Air bersih")
    a = article(tag_ids=[first.id, second.id])
    app.config["NEWS_FEED_CACHE_SECONDS"] = 5
    try:
        got = client.get(f"/api/v1/news?area={SUKARASA}").get_json()["items"]
        assert [(i["id"], [t["slug"] for t in i["tags"]]) for i in got] == [(a.id, ["air-bersih", "banjir"])]
        late = tag("jalan", "Jalan")  # unknown to the process's tag list until a page names it
        b = article(tag_ids=[late.id], title="Jalan berlubang diperbaiki")
        got = client.get(f"/api/v1/news?area={SUKARASA}&tag=jalan").get_json()["items"]
        assert [(i["id"], i["tags"]) for i in got] == [(b.id, [{"id": late.id, "slug": "jalan", "name": "Jalan"}])]
        detail = client.get(f"/api/v1/news/{a.id}").get_json()
        assert [t["slug"] for t in detail["tags"]] == ["air-bersih", "banjir"]
    finally:
        app.config["NEWS_FEED_CACHE_SECONDS"] = 0
        feed.forget_shared()


def test_an_anonymous_article_is_shared_whole_and_this_process_s_edits_and_deletions_show_at_once(app, client):
    from news.articles import feed, views

    author = staff("editor", BANDUNG)
    a = article(author=author)
    app.config["NEWS_FEED_CACHE_SECONDS"] = 5
    try:
        first = client.get(f"/api/v1/news/{a.id}")
        again = client.get(f"/api/v1/news/{a.id}")
        assert again.get_data() == first.get_data() and again.headers["ETag"] == first.headers["ETag"]
        assert sum(n for (aid, _day), n in views.get_buffer(app).take()[0].views.items() if aid == a.id) == 2
        ed = login(author)
        assert client.patch(f"/api/v1/news/{a.id}", json={"title": "Judul baru"}, headers=ed).status_code == 200
        assert client.get(f"/api/v1/news/{a.id}").get_json()["title"] == "Judul baru"
        assert client.delete(f"/api/v1/news/{a.id}", headers=ed).status_code == 204
        assert client.get(f"/api/v1/news/{a.id}").status_code == 404
        draft = article(author=author, status="draft")
        assert client.get(f"/api/v1/news/{draft.id}").status_code == 404
        assert client.get(f"/api/v1/news/{draft.id}", headers=ed).status_code == 200  # never kept for anyone
        assert client.get(f"/api/v1/news/{draft.id}").status_code == 404
    finally:
        app.config["NEWS_FEED_CACHE_SECONDS"] = 0
        feed.forget_shared()
