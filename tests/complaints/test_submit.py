"""POST /complaints: every field's validation, defaults, tracking numbers, idempotency, rate limit, events."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from app.extensions import db
from complaints.categories.models import Category
from complaints.events import COMPLAINT_SUBMITTED
from complaints.intake.models import Complaint
from complaints.intake.pii import masked_name
from complaints.intake.presenters import REPORTER_LABEL_CHARS
from complaints.intake.tracking import PATTERN
from tests.complaints.helpers import BANDUNG, body, make_complaint, offset
from tests.factories import login, resident, staff

URL = "/api/v1/complaints"


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Complaint))


def test_submit_creates_a_submitted_complaint(client, events):
    user = resident()
    resp = client.post(URL, json=body(), headers=login(user))
    assert resp.status_code == 201, resp.get_json()
    got = resp.get_json()
    assert PATTERN.match(got["tracking_number"])
    assert got["status"] == "submitted"
    assert (got["title"], got["category_id"], got["desa_code"], got["rw"]) == (
        "Jalan berlubang di depan sekolah",
        1,
        "32.73.01.1001",
        5,
    )
    assert (got["latitude"], got["longitude"], got["location_accuracy_m"]) == (*BANDUNG, 8.5)
    assert got["reporter"] == {"id": user.id, "name": user.name}
    assert got["can_withdraw"] is True and got["can_add_photos"] is True and got["can_support"] is False
    assert got["likely_duplicates"] == [] and got["photos"] == []
    c = db.session.get(Complaint, got["id"])
    assert c.kabkota_code == "32.73" and c.version >= 1 and c.is_listed is False
    assert c.reporter_label == masked_name(user.name) and "*" in c.reporter_label
    [(name, payload)] = events
    assert name == COMPLAINT_SUBMITTED
    assert payload == {
        "complaint_id": c.id,
        "reporter_id": user.id,
        "tracking_number": c.tracking_number,
        "title": c.title,
        "status": "submitted",
        "category_id": 1,
        "desa_code": "32.73.01.1001",
        "rw": 5,
        "is_anonymous": False,
        "is_public": True,
        "created_at": c.created_at.isoformat(),
    }


def test_desa_and_rw_default_to_the_reporters_home(client):
    user = resident(home_area_code="32.73.02.1001", home_rw=7)
    data = body()
    del data["desa_code"], data["rw"]
    got = client.post(URL, json=data, headers=login(user)).get_json()
    assert (got["desa_code"], got["rw"]) == ("32.73.02.1001", 7)
    got = client.post(URL, json=body(desa_code="32.73.01.1002", rw=None), headers=login(user)).get_json()
    assert (got["desa_code"], got["rw"]) == ("32.73.01.1002", None)  # another desa: no home RW guessed


def test_optional_fields_may_be_left_out(client):
    data = {k: body()[k] for k in ("category_id", "title", "description", "latitude", "longitude")}
    got = client.post(URL, json=data, headers=login(resident())).get_json()
    assert got["address"] is None and got["location_accuracy_m"] is None
    assert got["is_public"] is True and got["is_anonymous"] is False


def test_blank_address_counts_as_none(client):
    got = client.post(URL, json=body(address="   "), headers=login(resident())).get_json()
    assert got["address"] is None


def test_tracking_numbers_differ(client):
    headers = login(resident())
    numbers = {client.post(URL, json=body(), headers=headers).get_json()["tracking_number"] for _ in range(5)}
    assert len(numbers) == 5


LONG = "x" * 5001


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category_id": None}, "category_id"),
        ({"category_id": "satu"}, "category_id"),
        ({"category_id": 2.5}, "category_id"),
        ({"category_id": 0}, "category_id"),
        ({"category_id": 9999}, "category_id"),
        ({"category_id": 2**70}, "category_id"),
        ({"title": "abc"}, "title"),
        ({"title": "x" * 151}, "title"),
        ({"title": "     "}, "title"),
        ({"title": "Jalan\x00rusak parah"}, "title"),
        ({"title": "Jalan\nrusak parah"}, "title"),
        ({"title": 12345}, "title"),
        ({"description": "pendek"}, "description"),
        ({"description": LONG}, "description"),
        ({"description": "Lubang \ud800 di jalan raya"}, "description"),
        ({"description": "Lubang\x07 di jalan raya"}, "description"),
        ({"latitude": 10.0}, "latitude"),
        ({"latitude": -12.0}, "latitude"),
        ({"latitude": "-6.9"}, None),  # a numeric string is accepted by the Float field
        ({"latitude": "utara"}, "latitude"),
        ({"latitude": None}, "latitude"),
        ({"longitude": 90.0}, "longitude"),
        ({"longitude": 150.0}, "longitude"),
        ({"location_accuracy_m": -1}, "location_accuracy_m"),
        ({"location_accuracy_m": 20_000}, "location_accuracy_m"),
        ({"address": "x" * 301}, "address"),
        ({"address": "Jl.\x00Merdeka"}, "address"),
        ({"desa_code": "32.73"}, "desa_code"),
        ({"desa_code": "32.73.01.9999"}, "desa_code"),
        ({"desa_code": "kelurahan"}, "desa_code"),
        ({"rw": 0}, "rw"),
        ({"rw": 1000}, "rw"),
        ({"rw": 2.5}, "rw"),
        ({"is_anonymous": "yes"}, "is_anonymous"),
        ({"is_anonymous": 1}, "is_anonymous"),
        ({"is_public": 0}, "is_public"),
        ({"status": "verified"}, "status"),  # no mass assignment
        ({"reporter_id": 1}, "reporter_id"),
        ({"support_count": 99}, "support_count"),
    ],
)
def test_field_validation(client, overrides, field):
    raw = json.dumps(body(**overrides))  # ASCII escapes, so an unpaired surrogate reaches the server as JSON sends it
    resp = client.post(URL, data=raw, content_type="application/json", headers=login(resident()))
    if field is None:
        assert resp.status_code == 201
        return
    assert resp.status_code == 422, resp.get_json()
    got = resp.get_json()
    assert field in got["errors"], got
    assert set(got) == {"code", "status", "message", "errors", "error", "error_codes"}
    assert count() == 0


@pytest.mark.parametrize("missing", ["category_id", "title", "description", "latitude", "longitude"])
def test_required_fields(client, missing):
    data = body()
    del data[missing]
    resp = client.post(URL, json=data, headers=login(resident()))
    assert resp.status_code == 422 and missing in resp.get_json()["errors"]


def test_inactive_category_cannot_be_chosen(client):
    db.session.get(Category, 3).is_active = False
    db.session.flush()
    resp = client.post(URL, json=body(category_id=3), headers=login(resident()))
    assert resp.status_code == 422 and "category_id" in resp.get_json()["errors"]


def test_reporter_without_home_must_name_the_desa(client):
    user = resident(home_area_code=None, home_rw=None)
    data = body()
    del data["desa_code"]
    resp = client.post(URL, json=data, headers=login(user))
    assert resp.status_code == 422 and "desa_code" in resp.get_json()["errors"]


def test_body_must_be_json(client):
    headers = login(resident())
    assert client.post(URL, data="category_id=1", headers=headers, content_type="text/plain").status_code == 415
    assert client.post(URL, headers=headers).status_code == 400
    assert client.post(URL, data="{not json", headers=headers, content_type="application/json").status_code == 400
    assert client.post(URL, json=[body()], headers=headers).status_code == 422


def test_unauthenticated_and_wrong_role(client):
    assert client.post(URL, json=body()).status_code == 401
    for role, area in (("moderator", "32.73"), ("admin", "32"), ("village_official", "32.73.01.1001")):
        resp = client.post(URL, json=body(), headers=login(staff(role, area)))
        assert resp.status_code == 403, role
    assert count() == 0


# --- Idempotency-Key -------------------------------------------------------------------------------------------


def test_same_key_and_body_returns_the_same_complaint(client, events):
    headers = {**login(resident()), "Idempotency-Key": "0b6a3c1e-7f7e-4d6c-9a8f-3f0f5b1d2c4e"}
    first = client.post(URL, json=body(), headers=headers)
    again = client.post(URL, json=body(), headers=headers)
    reordered = client.post(URL, json=dict(reversed(list(body().items()))), headers=headers)
    assert first.status_code == again.status_code == reordered.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.get_json()["id"] == again.get_json()["id"] == reordered.get_json()["id"]
    assert first.get_json()["tracking_number"] == again.get_json()["tracking_number"]
    assert count() == 1
    assert [name for name, _ in events] == [COMPLAINT_SUBMITTED]  # the reporter is told once


def test_same_key_with_another_body_is_422(client):
    headers = {**login(resident()), "Idempotency-Key": "key-1"}
    assert client.post(URL, json=body(), headers=headers).status_code == 201
    resp = client.post(URL, json=body(title="Judul yang lain sama sekali"), headers=headers)
    assert resp.status_code == 422
    assert "Idempotency-Key" in resp.get_json()["errors"]
    assert count() == 1


def test_keys_belong_to_one_user(client):
    key = {"Idempotency-Key": "shared-key"}
    a = client.post(URL, json=body(), headers={**login(resident()), **key}).get_json()
    b = client.post(URL, json=body(), headers={**login(resident()), **key}).get_json()
    assert a["id"] != b["id"] and count() == 2


def test_without_a_key_each_post_is_a_new_complaint(client):
    headers = login(resident())
    client.post(URL, json=body(), headers=headers)
    client.post(URL, json=body(), headers=headers)
    assert count() == 2


def test_replay_survives_a_category_deactivated_since(client):
    headers = {**login(resident()), "Idempotency-Key": "before-deactivation"}
    first = client.post(URL, json=body(category_id=4), headers=headers).get_json()
    db.session.get(Category, 4).is_active = False
    db.session.flush()
    again = client.post(URL, json=body(category_id=4), headers=headers)
    assert again.status_code == 201 and again.get_json()["id"] == first["id"]


@pytest.mark.parametrize("key", ["", "with space", "x" * 101, "ünïcode"])
def test_invalid_keys_are_422(client, key):
    headers = {**login(resident()), "Idempotency-Key": key.encode().decode("latin-1")}
    resp = client.post(URL, json=body(), headers=headers)
    assert resp.status_code == 422 and "Idempotency-Key" in resp.get_json()["errors"]


def test_failed_validation_does_not_use_up_the_key(client):
    headers = {**login(resident()), "Idempotency-Key": "retry-after-fix"}
    assert client.post(URL, json=body(title="x"), headers=headers).status_code == 422
    assert client.post(URL, json=body(), headers=headers).status_code == 201


# --- rate limit --------------------------------------------------------------------------------------------------


def test_submissions_per_hour_are_limited(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_COMPLAINT_SUBMIT", "2 per hour")
    user = resident()
    headers = login(user)
    first = client.post(URL, json=body(), headers={**headers, "Idempotency-Key": "k1"})
    assert first.status_code == 201
    # a replay does not use up the limit
    assert client.post(URL, json=body(), headers={**headers, "Idempotency-Key": "k1"}).status_code == 201
    assert client.post(URL, json=body(), headers={**headers, "Idempotency-Key": "k2"}).status_code == 201
    limited = client.post(URL, json=body(), headers={**headers, "Idempotency-Key": "k3"})
    assert limited.status_code == 429
    assert limited.get_json()["code"] == 429 and "Retry-After" in limited.headers
    assert count() == 2
    # another resident is not affected
    assert client.post(URL, json=body(), headers=login(resident())).status_code == 201


# --- likely duplicates -------------------------------------------------------------------------------------------


def test_submit_answer_lists_likely_duplicates(client):
    near = make_complaint(status="verified", point=offset(BANDUNG, north_m=120))
    make_complaint(status="verified", point=offset(BANDUNG, north_m=400))  # too far
    make_complaint(status="verified", point=offset(BANDUNG, east_m=50), category_id=2)  # another category
    make_complaint(status="resolved", point=offset(BANDUNG, east_m=30))  # no longer open
    make_complaint(status="verified", point=BANDUNG, is_public=False)  # private: not someone else's to see
    make_complaint(
        status="verified", point=offset(BANDUNG, east_m=10), created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=31)
    )
    got = client.post(URL, json=body(), headers=login(resident())).get_json()
    assert [d["id"] for d in got["likely_duplicates"]] == [near.id]
    dup = got["likely_duplicates"][0]
    assert 115 < dup["distance_m"] < 125
    assert dup["reporter_name"] == near.reporter_label and "description" not in dup


def test_a_resident_with_21_or_more_short_words_in_the_name_can_file_a_complaint(client):
    """The masked label ("a*** a*** …") is at least five characters a word: 25 one-letter words made 124."""
    name = " ".join("abcdefghijklmnopqrstuvwxy")  # 49 characters: a valid name
    user = resident(name=name)
    resp = client.post(URL, json=body(), headers=login(user))
    assert resp.status_code == 201, resp.get_json()
    label = db.session.get(Complaint, resp.get_json()["id"]).reporter_label
    assert len(label) <= REPORTER_LABEL_CHARS and label.startswith("a*** b*** ") and label.endswith(" …")
    assert Complaint.__table__.c.reporter_label.type.length == REPORTER_LABEL_CHARS
