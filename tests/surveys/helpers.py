"""Building surveys for the tests through the API, as staff would."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.core.db import utcnow
from tests.factories import login, staff

DESA, RW = "32.73.01.1001", 5  # the factories' default home (Sukarasa, RW 05, Kota Bandung)
OTHER_DESA = "32.73.02.1001"


def window(days_open: int = 7, started_hours_ago: int = 1) -> dict[str, str]:
    now = utcnow()
    return {
        "opens_at": (now - dt.timedelta(hours=started_hours_ago)).isoformat(),
        "closes_at": (now + dt.timedelta(days=days_open)).isoformat(),
    }


ALL_TYPES = [
    {"type": "section", "title": "Tentang Anda"},
    {
        "type": "single_choice",
        "title": "Pekerjaan",
        "required": True,
        "options": ["Pelajar", "Pegawai", "Wiraswasta"],
        "allow_other": True,
    },
    {
        "type": "multiple_choice",
        "title": "Layanan dipakai",
        "options": ["KTP", "KK", "Akta"],
        "min_choices": 1,
        "max_choices": 2,
    },
    {"type": "ranking", "title": "Prioritas", "options": ["Jalan", "Air", "Sampah"]},
    {"type": "matrix", "title": "Penilaian", "rows": ["Kecepatan", "Keramahan"], "options": ["Buruk", "Cukup", "Baik"]},
    {"type": "short_text", "title": "Nama layanan", "max_length": 20},
    {"type": "long_text", "title": "Saran"},
    {"type": "rating", "title": "Kepuasan", "required": True},
    {"type": "scale", "title": "Rekomendasi"},
    {"type": "number", "title": "Umur", "min_value": 17, "max_value": 100, "integer_only": True},
    {"type": "yes_no", "title": "Pernah mengadu?"},
    {"type": "text", "title": "Terima kasih"},
    {"type": "date", "title": "Kunjungan terakhir"},
    {"type": "long_text", "title": "Ceritakan aduan Anda", "condition": {"question": 10, "operator": "answered"}},
]


def survey_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "kind": "survey",
        "title": "Survei layanan Kota Bandung",
        "area_code": "32.73",
        "anonymous": False,
        "results_visibility": "respondents",
        "items": ALL_TYPES,
        **window(),
    }
    body.update(overrides)
    return body


def poll_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "kind": "poll",
        "title": "Jadwal kerja bakti",
        "area_code": DESA,
        "rw": RW,
        "anonymous": True,
        "results_visibility": "everyone_after_close",
        "items": [{"type": "single_choice", "title": "Kapan?", "required": True, "options": ["Sabtu", "Minggu"]}],
        **window(),
    }
    body.update(overrides)
    return body


def editor(area: str = "32.73"):
    return staff("editor", area)


def create(client, user, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post("/api/v1/surveys", json=body, headers=login(user))
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def published(client, user=None, **overrides: Any) -> dict[str, Any]:
    """A published survey (``kind="poll"`` in overrides for a poll) created by ``user`` (an editor by default)."""
    user = user or editor()
    body = poll_body(**overrides) if overrides.get("kind") == "poll" else survey_body(**overrides)
    s = create(client, user, body)
    r = client.post(f"/api/v1/surveys/{s['id']}/publish", headers=login(user))
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def questions(survey: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Items by title."""
    return {q["title"]: q for q in survey["items"]}


def full_answers(survey: dict[str, Any]) -> list[dict[str, Any]]:
    """A valid answer to every question of ``ALL_TYPES``."""
    q = questions(survey)

    def opt(title: str, i: int) -> int:
        return q[title]["options"][i]["id"]

    return [
        {"question_id": q["Pekerjaan"]["id"], "option_id": opt("Pekerjaan", 1)},
        {
            "question_id": q["Layanan dipakai"]["id"],
            "option_ids": [opt("Layanan dipakai", 0), opt("Layanan dipakai", 2)],
        },
        {"question_id": q["Prioritas"]["id"], "ranking": [o["id"] for o in reversed(q["Prioritas"]["options"])]},
        {
            "question_id": q["Penilaian"]["id"],
            "rows": [{"row_id": r["id"], "option_id": opt("Penilaian", 2)} for r in q["Penilaian"]["rows"]],
        },
        {"question_id": q["Nama layanan"]["id"], "text": "E-KTP"},
        {"question_id": q["Saran"]["id"], "text": "Antrean lebih cepat\nterima kasih"},
        {"question_id": q["Kepuasan"]["id"], "value": 4},
        {"question_id": q["Rekomendasi"]["id"], "value": 9},
        {"question_id": q["Umur"]["id"], "value": 34},
        {"question_id": q["Pernah mengadu?"]["id"], "yes": True},
        {"question_id": q["Kunjungan terakhir"]["id"], "date": "2026-11-20"},
        {"question_id": q["Ceritakan aduan Anda"]["id"], "text": "Jalan rusak"},
    ]
