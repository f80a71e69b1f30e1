"""Bahasa Indonesia and English (issue 11, point 7): complete catalogs, Accept-Language, stable machine codes, and
notifications stored in the recipient's language."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from flask.testing import FlaskClient
from sqlalchemy import select

from app.core import i18n
from app.core.i18n_extract import FSTRING, extract_all
from app.extensions import db
from notifications.api import notify_users
from notifications.models import COMPLAINT_UPDATE, Device, Notification
from tests.factories import login, resident, staff
from tests.notifications.conftest import make_devices

MISSING = "/api/v1/complaints/999999"
REGISTER = "/api/v1/auth/register"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _catalog(locale: str) -> dict[str, str]:
    with i18n.po_path(locale).open("rb") as f:
        return {m.id: m.string for m in read_po(f, locale=locale) if m.id}


def test_every_message_in_the_code_has_an_indonesian_and_an_english_translation():
    """Babel extraction over the code (plus marshmallow's and the framework's texts) against both catalogs."""
    found = extract_all()
    assert FSTRING not in found, (
        f"an f-string cannot be translated; use _('... {{name}}', name=...): {found.get(FSTRING)}"
    )
    assert len(found) > 200
    for locale in i18n.LOCALES:
        catalog = _catalog(locale)
        missing = sorted(m for m in found if not (catalog.get(m) or "").strip())
        assert not missing, f"{locale}: no translation for {missing[:20]} (run `make messages`, then translate)"
        wrong = [m for m in found if set(_PLACEHOLDER.findall(catalog[m])) != set(_PLACEHOLDER.findall(m))]
        assert not wrong, f"{locale}: placeholders differ from the msgid in {wrong}"


def test_indonesian_is_not_a_copy_of_english():
    indonesian, found = _catalog("id"), extract_all()
    same = [m for m in found if indonesian[m] == m and re.search(r"[a-z]{4,} [a-z]{3,}", m)]
    assert len(same) <= 2, same  # the phone hint is Indonesian already in the code


@pytest.mark.parametrize(
    ("accept", "language", "message"),
    [
        ("id", "id", "Aduan tidak ditemukan."),
        ("id-ID,id;q=0.9,en;q=0.5", "id", "Aduan tidak ditemukan."),
        ("en", "en", "Complaint not found."),
        ("en-US,en;q=0.9", "en", "Complaint not found."),
        ("fr-FR,de;q=0.8", "id", "Aduan tidak ditemukan."),
        ("", "id", "Aduan tidak ditemukan."),
    ],
)
def test_the_language_comes_from_accept_language_and_defaults_to_indonesian(app, accept, language, message):
    client = FlaskClient(app)  # not the suite's English client
    headers = {"Accept-Language": accept} if accept else {}
    resp = client.get(MISSING, headers={**login(resident()), **headers})
    assert resp.status_code == 404
    body = resp.get_json()
    assert body["message"] == message and body["error"] == "complaint_not_found"
    assert resp.headers["Content-Language"] == language
    assert "Accept-Language" in resp.headers["Vary"]


def test_a_success_answer_says_its_language_too(client):
    resp = client.get("/api/v1/areas/32", headers={"Accept-Language": "id"})
    assert resp.status_code == 200 and resp.headers["Content-Language"] == "id"


def test_unauthenticated_is_401_with_a_code(client):
    resp = client.get("/api/v1/me/complaints", headers={"Accept-Language": "id"})
    body = resp.get_json()
    assert resp.status_code == 401 and body["error"] == "authentication_required"
    assert body["message"] == "Silakan masuk terlebih dahulu."
    assert body["errors"] == {"token": ["missing"]} and body["error_codes"] == {"token": ["authentication_required"]}


def test_an_expired_session_says_so_in_indonesian(client):
    resp = client.get("/api/v1/me/complaints", headers={"Authorization": "Bearer x.y.z", "Accept-Language": "id"})
    assert resp.status_code == 401 and resp.get_json()["error"] == "token_invalid"


def test_a_role_without_the_right_is_403_with_a_code(client):
    resp = client.get("/api/v1/moderation/complaints", headers={**login(resident()), "Accept-Language": "id"})
    body = resp.get_json()
    assert resp.status_code == 403 and body["error"] == "role_forbidden"
    assert body["message"] == "Peran Anda tidak mengizinkan tindakan ini."


def test_a_conflict_is_409_with_a_code(client):
    user = resident()
    body = {"name": "Siti", "phone": user.phone, "password": "rahasia-123", "home_area_code": "32.73.01.1001"}
    resp = client.post(REGISTER, json=body, headers={"Accept-Language": "id"})
    got = resp.get_json()
    assert resp.status_code == 409 and got["error"] == "account_exists"
    assert got["message"] == "Akun dengan data ini sudah terdaftar."


def test_field_errors_are_translated_and_carry_one_code_each(client):
    body = {"phone": "081234567890", "password": "x", "home_area_code": "32.73.01.1001", "name": "S" * 500, "x": 1}
    resp = client.post(REGISTER, json=body, headers={"Accept-Language": "id"})
    got = resp.get_json()
    assert resp.status_code == 422 and got["error"] == "validation_failed"
    assert got["message"] == "Permintaan berisi isian yang tidak valid."
    assert set(got["errors"]) == set(got["error_codes"])
    for field, messages in got["errors"].items():
        assert len(messages) == len(got["error_codes"][field])
    assert got["error_codes"]["x"] == ["unknown_field"] and got["errors"]["x"] == ["Kolom tidak dikenal."]
    assert got["error_codes"]["name"] == ["too_long"] or got["error_codes"]["name"] == ["length"]
    assert "karakter" in got["errors"]["name"][0]
    english = client.post(REGISTER, json=body).get_json()
    assert english["errors"]["x"] == ["Unknown field."] and english["error_codes"] == got["error_codes"]


def test_the_messages_of_balais_own_fields_are_translated_too(client):
    """``PlainText``'s own texts (``default_error_messages``) are in the catalog: found by walking the class."""
    official = {**login(staff("village_official", "32.73.01.1001")), "Accept-Language": "id"}
    got = client.post("/api/v1/announcements", json={"title": ""}, headers=official).get_json()
    assert got["errors"]["title"] == ["Tidak boleh kosong."]
    got = client.post("/api/v1/announcements", json={"title": "Kerja\u0007bakti"}, headers=official).get_json()
    assert got["errors"]["title"] == ["Berisi karakter yang bukan teks."]


def test_a_missing_required_field_is_coded_required(client):
    resp = client.post(REGISTER, json={"phone": "081234567890"}, headers={"Accept-Language": "id"})
    got = resp.get_json()
    assert got["error_codes"]["password"] == ["required"] and got["errors"]["password"] == ["Wajib diisi."]


def test_too_many_requests_is_429_with_a_code(client):
    user = resident()
    for _ in range(5):
        client.post("/api/v1/auth/login", json={"login": user.phone, "password": "wrong-password"})
    resp = client.post(
        "/api/v1/auth/login", json={"login": user.phone, "password": "x"}, headers={"Accept-Language": "id"}
    )
    got = resp.get_json()
    assert resp.status_code == 429 and got["error"] == "rate_limited"
    assert got["message"].startswith("Terlalu banyak permintaan")


def test_routing_errors_have_codes(client):
    resp = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "id"})
    got = resp.get_json()
    assert resp.status_code == 404 and got["error"] == "not_found" and got["message"].startswith("Alamat")
    resp = client.delete("/api/v1/areas/32")
    assert resp.status_code == 405 and resp.get_json()["error"] == "method_not_allowed"


def test_a_text_with_values_is_translated_with_them():
    text = i18n._("A complaint can have at most {count} photos.", count=5)
    assert text == "A complaint can have at most 5 photos."  # reads as English everywhere else
    assert i18n.render(text, "id") == "Satu aduan paling banyak memiliki 5 foto."
    assert i18n.translate_text("Longer than maximum length 100.", "id") == "Melebihi panjang maksimal 100 karakter."
    assert i18n.translate_text("Something nobody catalogued.", "id") == "Something nobody catalogued."


@pytest.mark.parametrize(
    ("tag", "expected"), [("id-ID", "id"), ("in_ID", "id"), ("en_GB", "en"), ("EN", "en"), ("jv", None), ("", None)]
)
def test_device_locales_map_to_a_catalog(tag, expected):
    assert i18n.normalize(tag) == expected


def test_a_notification_is_stored_in_the_recipients_language(app):
    english, indonesian, unknown, nobody = resident(), resident(), resident(), resident()
    for user, locale in ((english, "id-ID"), (english, "en-US"), (indonesian, "id"), (unknown, "jv-ID")):
        make_devices([user.id], prefix=f"{user.id}-{locale}")
        newest = db.session.scalars(
            select(Device).where(Device.user_id == user.id).order_by(Device.id.desc()).limit(1)
        ).one()
        newest.locale = locale
    db.session.flush()
    ids = [english.id, indonesian.id, unknown.id, nobody.id]
    notify_users(
        user_ids=ids,
        kind=COMPLAINT_UPDATE,
        title=i18n._("We have received your complaint"),
        body=i18n._("Keep this number to follow your complaint."),
    )
    rows = dict(
        db.session.execute(select(Notification.user_id, Notification.title).where(Notification.user_id.in_(ids))).all()
    )
    assert rows[english.id] == "We have received your complaint"
    assert rows[indonesian.id] == rows[unknown.id] == rows[nobody.id] == "Aduan Anda sudah kami terima"


def test_text_someone_wrote_is_stored_as_written(app):
    user = resident()
    notify_users(user_ids=[user.id], kind=COMPLAINT_UPDATE, title="Complaint not found.", body="Kerja bakti")
    assert db.session.scalars(select(Notification.title).where(Notification.user_id == user.id)).one() == (
        "Complaint not found."
    )
