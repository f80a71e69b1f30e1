"""Demo surveys for ``flask seed-demo`` (idempotent: found again by title): a province survey on public services in
Jawa Barat, and a poll of RW 05 Sukarasa (Kota Bandung) by its RW head, both published, with demo responses from
residents of Kota Bandung (the demo residents and a few more, all with the demo password)."""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.accounts.passwords import hash_password
from app.accounts.roles import Role
from app.core.db import utcnow
from app.demo import DEMO_PASSWORD, demo_seeder
from app.extensions import db
from surveys import builder, queries, responding
from surveys import permissions as perm
from surveys import states as st
from surveys.models import Participation, Survey
from surveys.schemas import SurveyCreateSchema

PROVINCE_TITLE = "Survei Kepuasan Layanan Publik Jawa Barat 2026"
POLL_TITLE = "Jadwal kerja bakti RW 05 bulan ini"
RW_HEAD_PHONE = "+6281100000006"
#: Extra demo respondents: (phone, home desa, RW)
RESPONDENTS = [(f"+62812990000{i:02d}", desa, rw) for i, (desa, rw) in enumerate(
    [("32.73.01.1001", 5)] * 8 + [("32.73.01.1002", 2)] * 4 + [("32.73.02.1001", 7)] * 4
)]  # fmt: skip

PROVINCE_ITEMS: list[dict[str, Any]] = [
    {"type": "section", "title": "Layanan yang Anda gunakan"},
    {"type": "multiple_choice", "title": "Layanan apa yang Anda gunakan tahun ini?", "required": True,
     "options": ["KTP-el / KK", "Puskesmas", "Perizinan", "Pajak kendaraan"], "allow_other": True},
    {"type": "rating", "title": "Seberapa puas Anda dengan layanan tersebut?", "required": True},
    {"type": "matrix", "title": "Nilai aspek layanan berikut",
     "rows": ["Kecepatan", "Keramahan petugas", "Kejelasan informasi"], "options": ["Buruk", "Cukup", "Baik"]},
    {"type": "ranking", "title": "Urutkan prioritas perbaikan", "options": ["Jalan", "Air bersih", "Sampah"]},
    {"type": "scale", "title": "Seberapa mungkin Anda merekomendasikan layanan online kami (0-10)?"},
    {"type": "number", "title": "Berapa menit Anda mengantre?", "min_value": 0, "max_value": 600,
     "integer_only": True},
    {"type": "yes_no", "title": "Pernah memakai aplikasi ini untuk mengadu?"},
    {"type": "long_text", "title": "Saran Anda", "condition": {"question": 7, "operator": "answered"}},
]  # fmt: skip
SUGGESTIONS = ["Antrean online untuk KTP-el.", "Perbanyak petugas di puskesmas.", "Jam layanan sampai sore."]


def _resident(phone: str, desa: str, rw: int) -> User:
    user = db.session.scalars(select(User).where(User.phone == phone)).one_or_none()
    if user is None:
        user = User(
            name=f"Warga Demo {phone[-2:]}",
            phone=phone,
            password_hash=hash_password(DEMO_PASSWORD),
            role=Role.RESIDENT.value,
            home_area_code=desa,
            home_rw=rw,
        )
        db.session.add(user)
        db.session.flush()
    return user


def _window() -> dict[str, dt.datetime]:
    now = utcnow()
    return {"opens_at": now - dt.timedelta(days=1), "closes_at": now + dt.timedelta(days=30)}


def _answers(rng: random.Random, survey: Survey) -> list[dict[str, Any]]:
    items, options = queries.load_items([survey.id])
    out = []
    for q in items[survey.id]:
        opts = [o.id for o in options.get(q.id, []) if not o.is_row]
        rows = [o.id for o in options.get(q.id, []) if o.is_row]
        if q.type == st.SINGLE:
            out.append({"question_id": q.id, "option_id": rng.choice(opts)})
        elif q.type == st.MULTIPLE:
            out.append({"question_id": q.id, "option_ids": rng.sample(opts, rng.randint(1, 2))})
        elif q.type == st.RATING:
            out.append({"question_id": q.id, "value": rng.choice([3, 4, 4, 5, 2])})
        elif q.type == st.MATRIX:
            out.append({"question_id": q.id, "rows": [{"row_id": r, "option_id": rng.choice(opts)} for r in rows]})
        elif q.type == st.RANKING:
            out.append({"question_id": q.id, "ranking": rng.sample(opts, len(opts))})
        elif q.type == st.SCALE:
            out.append({"question_id": q.id, "value": rng.randint(4, 10)})
        elif q.type == st.NUMBER:
            out.append({"question_id": q.id, "value": rng.randint(5, 90)})
        elif q.type == st.YES_NO:
            out.append({"question_id": q.id, "yes": rng.random() < 0.4})
        elif q.type == st.LONG_TEXT:
            out.append({"question_id": q.id, "text": rng.choice(SUGGESTIONS)})
    return out


def _publish_once(creator: Any, data: dict[str, Any]) -> Survey:
    survey = db.session.scalars(select(Survey).where(Survey.title == data["title"])).first()
    if survey is None:
        times = {k: v.isoformat() for k, v in _window().items()}
        loaded = SurveyCreateSchema().load({**data, **times})  # as a request would give it
        survey = builder.create(user=creator, data=loaded)
        builder.transition(user=creator, survey_id=survey.id, action="publish")
    return survey


@demo_seeder
def seed_demo_surveys() -> None:
    """The province survey (by a province-wide admin principal) and the RW 05 poll (by the demo RW head)."""
    province_admin = SimpleNamespace(id=None, role=Role.ADMIN, scope="32", home=None)
    survey = _publish_once(
        province_admin,
        {"kind": st.SURVEY, "title": PROVINCE_TITLE, "description": "Bantu kami memperbaiki layanan publik.",
         "area_code": "32", "rw": None, "anonymous": True, "results_visibility": st.RESULTS_AFTER_CLOSE,
         "items": PROVINCE_ITEMS},
    )  # fmt: skip
    rw_head = db.session.scalars(select(User).where(User.phone == RW_HEAD_PHONE)).one_or_none()
    poll = None
    if rw_head is not None:
        poll = _publish_once(
            rw_head,
            {"kind": st.POLL, "title": POLL_TITLE, "description": None, "area_code": "32.73.01.1001", "rw": 5,
             "anonymous": False, "results_visibility": st.RESULTS_RESPONDENTS,
             "items": [{"type": "single_choice", "title": "Hari apa yang paling cocok?", "required": True,
                        "options": ["Sabtu pagi", "Minggu pagi", "Minggu sore"]}]},
        )  # fmt: skip
    rng = random.Random(13)
    for phone, desa, rw in RESPONDENTS:
        person = _resident(phone, desa, rw)
        for target in (survey, poll):
            if target is None or not _eligible(person, target):
                continue
            if db.session.get(Participation, (target.id, person.id)) is None:
                responding.submit(user=person, survey_id=target.id, answers=_answers(rng, target))
    db.session.flush()


def _eligible(person: User, survey: Survey) -> bool:
    return perm.can_answer(person, survey)
