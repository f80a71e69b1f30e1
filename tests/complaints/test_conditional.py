"""Conditional and compact answers as a client sees them: ETag / 304, Cache-Control, Vary, If-Match → 412, gzip/br."""

from __future__ import annotations

import gzip

import brotli

from app.extensions import db
from complaints.intake.models import Complaint, HistoryEntry
from tests.complaints.handling_helpers import handled, handler, reload, stage_of
from tests.complaints.helpers import make_complaint
from tests.complaints.office_factories import office
from tests.factories import login, resident

FEED = "/api/v1/complaints"


def test_feed_answers_304_to_its_own_etag(client):
    make_complaint(status="verified")
    first = client.get(FEED)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag.startswith('W/"')
    again = client.get(FEED, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "public, max-age=5"
    assert "Content-Encoding" not in again.headers
    # a list of tags, and the weak comparison ("W/" or not) both match
    assert client.get(FEED, headers={"If-None-Match": f'"other", {etag[2:]}'}).status_code == 304
    assert client.get(FEED, headers={"If-None-Match": '"other"'}).status_code == 200


def test_feed_etag_changes_with_the_data(client):
    c = make_complaint(status="verified")
    etag = client.get(FEED).headers["ETag"]
    db.session.execute(
        Complaint.__table__.update().where(Complaint.id == c.id).values(support_count=Complaint.support_count + 1)
    )
    changed = client.get(FEED, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.get_json()["items"][0]["support_count"] == 1


def test_detail_answers_304_and_its_etag_carries_the_version(client):
    c = make_complaint(status="verified")
    url = f"{FEED}/{c.id}"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert etag.startswith(f'W/"c{c.id}.v{c.version}.')
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    c.title = "Judul yang sudah diubah"
    db.session.flush()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"].startswith(f'W/"c{c.id}.v{c.version}.')


def test_a_personal_list_answers_304_too(client):
    user = resident()
    make_complaint(user)
    auth = login(user)
    first = client.get("/api/v1/me/complaints", headers=auth)
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = client.get("/api/v1/me/complaints", headers={**auth, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.headers["Cache-Control"] == "private, no-cache"


def test_cache_control_by_kind_of_endpoint(client):
    user = resident()
    feed = client.get(FEED)
    assert feed.headers["Cache-Control"] == "public, max-age=5"
    assert feed.headers["Vary"] == "Authorization, Accept-Language, Accept-Encoding"
    # the same feed asked with a token is the caller's own business
    assert client.get(FEED, headers=login(user)).headers["Cache-Control"] == "private, no-cache"
    me = client.get("/api/v1/me", headers=login(user))
    assert me.headers["Cache-Control"] == "private, no-cache"
    assert "Authorization" in me.headers["Vary"]
    assert client.get("/api/v1/areas/32").headers["Cache-Control"] == "public, max-age=3600"
    # errors are never shared
    assert client.get(f"{FEED}/999999").headers["Cache-Control"] == "private, no-cache"


# --- If-Match on actions --------------------------------------------------------------------------------------


def test_stale_if_match_on_a_moderation_action_is_412_and_changes_nothing(client, moderator):
    c = make_complaint()
    auth = login(moderator)
    etag = client.get(f"{FEED}/{c.id}", headers=auth).headers["ETag"]
    # another moderator acts meanwhile (the version moves on)
    c.title = "Judul disunting moderator lain"
    db.session.flush()
    before = (c.status, c.version, db.session.query(HistoryEntry).filter_by(complaint_id=c.id).count())
    resp = client.post(
        f"{FEED}/{c.id}/reject", json={"reason": "spam", "note": "Iklan."}, headers={**auth, "If-Match": etag}
    )
    assert resp.status_code == 412
    body = resp.get_json()
    assert set(body) == {"code", "status", "message", "errors", "error", "error_codes"} and body["code"] == 412
    assert "If-Match" in body["errors"]
    c = reload(c)
    assert (c.status, c.version, db.session.query(HistoryEntry).filter_by(complaint_id=c.id).count()) == before


def test_current_if_match_lets_the_action_through_and_hands_back_the_next_etag(client, moderator):
    c = make_complaint()
    auth = login(moderator)
    etag = client.get(f"{FEED}/{c.id}", headers=auth).headers["ETag"]
    resp = client.post(
        f"{FEED}/{c.id}/reject", json={"reason": "spam", "note": "Iklan."}, headers={**auth, "If-Match": etag}
    )
    assert resp.status_code == 200
    c = reload(c)
    assert c.status == "rejected"
    assert resp.headers["ETag"].startswith(f'W/"c{c.id}.v{c.version}.')
    # the strong short form and "*" are accepted too; without the header nothing is checked
    assert (
        client.post(
            f"{FEED}/{c.id}/redact",
            json={"title": "Judul baru", "reason": "x"},
            headers={**auth, "If-Match": f'"c{c.id}.v{c.version}"'},
        ).status_code
        == 200
    )
    assert (
        client.post(
            f"{FEED}/{c.id}/redact", json={"title": "Judul lagi", "reason": "x"}, headers={**auth, "If-Match": "*"}
        ).status_code
        == 200
    )
    assert (
        client.post(f"{FEED}/{c.id}/redact", json={"title": "Judul akhir", "reason": "x"}, headers=auth).status_code
        == 200
    )


def test_stale_if_match_on_a_handling_action_is_412_and_changes_nothing(client):
    dinas = office("32.73")
    user = handler(dinas)
    c = handled(dinas)
    auth = login(user)
    stale = f'W/"c{c.id}.v{c.version}.0000"'
    c.title = "Diubah sebelum petugas menerima"
    db.session.flush()
    resp = client.post(f"{FEED}/{c.id}/accept", json={}, headers={**auth, "If-Match": stale})
    assert resp.status_code == 412
    c = reload(c)
    assert c.status == "verified" and stage_of(c, dinas).responded_at is None
    ok = client.post(f"{FEED}/{c.id}/accept", json={}, headers={**auth, "If-Match": f'W/"c{c.id}.v{c.version}.x"'})
    assert ok.status_code == 200 and reload(c).status == "accepted"


def test_if_match_of_another_complaint_is_412(client, moderator):
    a, b = make_complaint(), make_complaint()
    tag = f'"c{b.id}.v{a.version}"'
    resp = client.post(
        f"{FEED}/{a.id}/reject", json={"reason": "spam", "note": "x"}, headers={**login(moderator), "If-Match": tag}
    )
    assert resp.status_code == 412 and reload(a).status == "submitted"


# --- compression ------------------------------------------------------------------------------------------------


def test_large_json_is_compressed_and_small_json_is_not(client):
    for _ in range(20):
        make_complaint(status="verified")
    plain = client.get(FEED)
    assert len(plain.data) > 1024 and "Content-Encoding" not in plain.headers
    zipped = client.get(FEED, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data) / 3
    assert zipped.headers["ETag"] == plain.headers["ETag"]  # one weak validator for every encoding
    br = client.get(FEED, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["Content-Encoding"] == "br" and brotli.decompress(br.data) == plain.data
    small = client.get(FEED + "?limit=1&status=closed", headers={"Accept-Encoding": "gzip"})
    assert len(small.data) < 1024 and "Content-Encoding" not in small.headers
    not_modified = client.get(FEED, headers={"Accept-Encoding": "gzip", "If-None-Match": plain.headers["ETag"]})
    assert not_modified.status_code == 304 and "Content-Encoding" not in not_modified.headers


def test_openapi_documents_the_conditional_headers(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    feed = doc["paths"]["/api/v1/complaints"]["get"]
    assert "304" in feed["responses"] and any(p["name"] == "If-None-Match" for p in feed["parameters"])
    for action in ("verify", "reject", "accept", "resolve", "withdraw", "reopen"):
        op = doc["paths"][f"/api/v1/complaints/{{complaint_id}}/{action}"]["post"]
        assert "412" in op["responses"] and any(p["name"] == "If-Match" for p in op["parameters"]), action
