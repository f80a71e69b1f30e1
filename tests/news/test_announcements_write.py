"""Posting and editing announcements: the scope rule on every write, and bad input stored nowhere."""

from __future__ import annotations

import datetime as dt

import pytest

from app.accounts.roles import Role
from news.announcements import permissions as perm
from tests.factories import login, resident, staff
from tests.news.test_announcements_helpers import (
    DESA,
    KOTA,
    OTHER_DESA,
    OTHER_KAB,
    URL,
    body,
    editor,
    iso,
    lurah,
    post,
    posted,
    rw_head,
    stored_count,
)


def test_a_village_official_posts_to_their_desa_and_its_rws(client):
    official = lurah()
    whole = posted(client, official, rw=None)
    assert (whole["area_code"], whole["rw"], whole["status"]) == (DESA, None, "published")
    assert posted(client, official, rw=9)["rw"] == 9
    assert (
        whole["body_html"]
        == "<p>Warga diundang <strong>kerja bakti</strong> membersihkan saluran air.</p>\n<p>Bawa cangkul.</p>\n"
    )
    assert whole["excerpt"] == "Warga diundang kerja bakti membersihkan saluran air. Bawa cangkul."
    assert whole["can_edit"] is True and whole["author_role"] == "village_official"


def test_desa_a_official_cannot_post_to_desa_b(client):
    resp = post(client, lurah(), area_code=OTHER_DESA, rw=None)
    assert resp.status_code == 403
    assert resp.get_json()["error"] == "target_outside_scope"
    assert stored_count() == 0


@pytest.mark.parametrize(
    ("area", "rw"),
    [(DESA, None), (DESA, 6), (OTHER_DESA, 5), ("32.73.01", None)],
)
def test_an_rw_official_posts_to_their_rw_only(client, area, rw):
    head = rw_head(5)
    assert posted(client, head, rw=5)["rw"] == 5
    resp = post(client, head, area_code=area, rw=rw)
    assert resp.status_code == 403
    assert stored_count() == 1


def test_an_editor_posts_anywhere_inside_their_scope_down_to_one_rw(client):
    city = editor(KOTA)
    for area, rw in [(KOTA, None), ("32.73.01", None), (DESA, None), (DESA, 3)]:
        assert posted(client, city, area_code=area, rw=rw)["area_code"] == area
    for area in ("32", OTHER_KAB, "32.04.05"):
        assert post(client, city, area_code=area, rw=None).status_code == 403
    assert stored_count() == 4


def test_roles_that_do_not_post_are_refused_before_validation(client):
    for user in (resident(), staff(Role.MODERATOR.value, KOTA), staff(Role.OFFICE_HANDLER.value, KOTA)):
        resp = client.post(URL, json={"nonsense": 1}, headers=login(user))
        assert resp.status_code == 403
    assert client.post(URL, json=body()).status_code == 401
    assert stored_count() == 0


def test_scope_is_checked_again_on_edit(client):
    official, head = lurah(), rw_head(5)
    mine = posted(client, head)
    url = f"{URL}/{mine['id']}"
    h = login(head)
    assert client.patch(url, json={"rw": None}, headers=h).status_code == 403  # not the whole desa
    assert client.patch(url, json={"rw": 6}, headers=h).status_code == 403  # nor another RW
    assert client.patch(url, json={"area_code": OTHER_DESA}, headers=h).status_code == 403
    # the lurah manages every RW of the desa, but not a desa elsewhere
    lh = login(official)
    assert client.patch(url, json={"rw": None}, headers=lh).status_code == 200
    assert client.patch(url, json={"area_code": OTHER_DESA, "rw": None}, headers=lh).status_code == 403
    # the RW head may no longer touch a desa-wide announcement (it is above their scope, but they can read it)
    assert client.patch(url, json={"title": "Saya ubah"}, headers=h).status_code == 403
    assert client.delete(url, headers=h).status_code == 403
    # an editor of another kabupaten does not even see it
    other = editor(OTHER_KAB)
    assert client.patch(url, json={"title": "x"}, headers=login(other)).status_code == 404
    got = client.get(url, headers=lh).get_json()
    assert (got["area_code"], got["rw"], got["title"]) == (DESA, None, "Kerja bakti Minggu pagi")


def test_an_edit_after_publication_keeps_edited_at(client):
    official = lurah()
    a = posted(client, official)
    assert a["edited_at"] is None
    url, h = f"{URL}/{a['id']}", login(official)
    assert client.patch(url, json={"pinned": True}, headers=h).get_json()["edited_at"] is None  # not content
    edited = client.patch(url, json={"body": "Diundur ke *pukul 08.00*."}, headers=h).get_json()
    assert edited["edited_at"] is not None and edited["body_html"] == "<p>Diundur ke <em>pukul 08.00</em>.</p>\n"
    assert edited["updated_at"] >= a["updated_at"]


def test_delete_is_soft_and_only_in_scope(client):
    official = lurah()
    a = posted(client, official)
    url = f"{URL}/{a['id']}"
    assert client.delete(url, headers=login(lurah(OTHER_DESA))).status_code == 404
    assert client.delete(url, headers=login(official)).status_code == 204
    assert client.get(url, headers=login(official)).status_code == 404
    assert client.delete(url, headers=login(official)).status_code == 404
    assert stored_count() == 1  # the row stays, marked deleted


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"body": "x" * 10_001}, "body"),
        ({"title": "x" * 151}, "title"),
        ({"title": "   "}, "title"),
        ({"valid_until": "past"}, "valid_until"),
        ({"valid_until": "2026-01-01T00:00:00"}, "valid_until"),  # naive
        ({"category": "gosip"}, "category"),
        ({"area_code": "99.99.99.9999", "rw": None}, "area_code"),
        ({"area_code": "32.73.01", "rw": 5}, "rw"),
        ({"rw": 0}, "rw"),
        ({"place_lat": 52.5, "place_lon": 13.4}, "place_lat"),
        ({"place_lat": -6.87}, "place_lat"),
        ({"event_ends_at": "soon"}, "event_ends_at"),
        ({"event_starts_at": "start", "event_ends_at": "before"}, "event_ends_at"),
        ({"link": {"type": "complaint", "id": 999_999}}, "link"),
        ({"link": {"type": "horoscope", "id": 1}}, "link"),
        ({"link": {"type": "complaint"}}, "link"),
        ({"pinned": "yes"}, "pinned"),
        ({"author_id": 1}, "author_id"),
        ({"published_at": "2026-01-01T00:00:00+00:00"}, "published_at"),
        ({"publish_at": "later", "valid_until": "sooner"}, "valid_until"),
    ],
)
def test_bad_input_is_a_422_and_stores_nothing(client, overrides, field):
    times = {
        "past": iso(-dt.timedelta(hours=1)),
        "soon": iso(dt.timedelta(hours=1)),
        "start": iso(dt.timedelta(hours=5)),
        "before": iso(dt.timedelta(hours=4)),
        "later": iso(dt.timedelta(days=2)),
        "sooner": iso(dt.timedelta(days=1)),
    }
    data = {k: times.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()}
    resp = post(client, editor(), **data)
    assert resp.status_code == 422, resp.get_json()
    assert field in str(resp.get_json()["errors"]), resp.get_json()
    assert stored_count() == 0


def test_bad_input_on_edit_changes_nothing(client):
    official = lurah()
    a = posted(client, official, valid_until=iso(dt.timedelta(days=3)))
    url, h = f"{URL}/{a['id']}", login(official)
    for change in (
        {"body": "y" * 10_001},
        {"valid_until": iso(-dt.timedelta(minutes=1))},
        {"title": None},
        {"link": {"type": "complaint", "id": 12345}},
        {"publish_at": iso(dt.timedelta(days=1))},  # already published: 409
    ):
        assert client.patch(url, json=change, headers=h).status_code in (409, 422), change
    assert client.get(url, headers=h).get_json() == a


def test_a_link_to_a_public_complaint_is_kept(client):
    from tests.complaints.helpers import make_complaint

    public = make_complaint(status="verified")
    private = make_complaint(status="verified", is_public=False)
    a = posted(client, lurah(), link={"type": "complaint", "id": public.id})
    assert a["link"] == {"type": "complaint", "id": public.id}
    assert post(client, lurah(), link={"type": "complaint", "id": private.id}).status_code == 422
    other = posted(client, lurah(), link={"type": "announcement", "id": a["id"]})
    assert other["link"]["type"] == "announcement"


def test_the_scope_rule_is_one_pure_predicate():
    from types import SimpleNamespace as P

    def who(role, area, rw=None):
        from app.areas.codes import scope_key

        return P(role=role, scope=scope_key(area, rw), is_active=True)

    assert perm.may_target(who(Role.VILLAGE_OFFICIAL, DESA), DESA, None)
    assert perm.may_target(who(Role.VILLAGE_OFFICIAL, DESA), DESA, 7)
    assert not perm.may_target(who(Role.VILLAGE_OFFICIAL, DESA), OTHER_DESA, None)
    assert perm.may_target(who(Role.RW_OFFICIAL, DESA, 5), DESA, 5)
    assert not perm.may_target(who(Role.RW_OFFICIAL, DESA, 5), DESA, None)
    assert not perm.may_target(who(Role.RW_OFFICIAL, DESA, 5), DESA, 50)
    assert perm.may_target(who(Role.EDITOR, "32"), DESA, 5)
    assert not perm.may_target(who(Role.EDITOR, KOTA), "32", None)
    assert not perm.may_target(who(Role.MODERATOR, KOTA), DESA, None)
    assert not perm.may_target(P(role=Role.EDITOR, scope=KOTA, is_active=False), DESA, None)


def test_a_link_to_an_article_or_a_survey_is_checked_by_its_own_feature(client):
    """news and surveys register their link types (``app.core.links``); a deleted article cannot be linked."""
    from app.core.db import utcnow
    from app.extensions import db
    from tests.news.test_articles_helpers import article
    from tests.surveys.helpers import published

    a = article()
    linked = posted(client, lurah(), link={"type": "news", "id": a.id})
    assert linked["link"] == {"type": "news", "id": a.id}
    survey = published(client)
    assert posted(client, lurah(), link={"type": "survey", "id": survey["id"]})["link"]["type"] == "survey"
    assert post(client, lurah(), link={"type": "survey", "id": survey["id"] + 999}).status_code == 422
    a.deleted_at = utcnow()
    db.session.flush()
    before = stored_count()
    assert post(client, lurah(), link={"type": "news", "id": a.id}).status_code == 422
    assert stored_count() == before
