"""Demo announcements in Kota Bandung for ``flask seed-demo`` (idempotent: one per author and title).

Posted with the real service by the demo staff of ``app.demo``: the RW 05 head of Sukarasa, the lurah of Sukarasa
and the city editor; one is scheduled for tomorrow (the worker, or ``flask announcements publish-due``, publishes
it), one urgent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.core.db import utcnow
from app.demo import demo_seeder
from app.extensions import db
from news.announcements import service
from news.announcements.models import Announcement


def _demo(now: dt.datetime) -> list[tuple[str, dict[str, Any]]]:
    """(author e-mail, the data of ``service.create``)."""
    day = dt.timedelta(days=1)
    sunday = (now + dt.timedelta(days=(6 - now.weekday()) or 7)).replace(hour=0, minute=0, second=0, microsecond=0)
    return [
        (
            "rw05@demo.balai.id",
            {
                "title": "Kerja bakti membersihkan saluran air RW 05",
                "body": "Warga RW 05 diundang **kerja bakti** membersihkan saluran air di sepanjang Gang Sukarasa.\n\n"
                "- Bawa cangkul, sapu lidi dan karung\n- Konsumsi disediakan pengurus RW\n\n"
                "Terima kasih atas partisipasinya.",
                "category": "kerja_bakti",
                "area_code": "32.73.01.1001",
                "rw": 5,
                "event_starts_at": sunday + dt.timedelta(hours=7),
                "event_ends_at": sunday + dt.timedelta(hours=10),
                "place_name": "Pos ronda RW 05",
                "place_lat": -6.8699,
                "place_lon": 107.5912,
                "valid_until": sunday + dt.timedelta(hours=12),
            },
        ),
        (
            "lurah@demo.balai.id",
            {
                "title": "Posyandu balita bulan ini",
                "body": "Posyandu untuk balita dan ibu hamil di **Kelurahan Sukarasa**: penimbangan, imunisasi dan "
                "pemberian vitamin A. Bawa buku KIA.",
                "category": "posyandu",
                "area_code": "32.73.01.1001",
                "pinned": True,
                "event_starts_at": now + 3 * day,
                "place_name": "Kantor Kelurahan Sukarasa",
                "valid_until": now + 4 * day,
            },
        ),
        (
            "lurah@demo.balai.id",
            {
                "title": "Pelayanan KTP keliling",
                "body": "Pelayanan perekaman KTP-el keliling akan hadir di kelurahan. Jadwal lengkap menyusul.",
                "category": "layanan",
                "area_code": "32.73.01.1001",
                "publish_at": now + day,
                "valid_until": now + 14 * day,
                "notify": True,
            },
        ),
        (
            "editor@demo.balai.id",
            {
                "title": "Waspada genangan dan banjir saat hujan deras",
                "body": "BMKG memperkirakan hujan lebat di Kota Bandung tiga hari ke depan. Hindari bantaran "
                "sungai dan laporkan genangan lewat menu **Aduan**. Darurat: hubungi 112.",
                "category": "bencana",
                "area_code": "32.73",
                "valid_until": now + 3 * day,
            },
        ),
    ]


@demo_seeder
def seed_announcements() -> None:
    now = utcnow()
    for email, data in _demo(now):
        author = db.session.scalars(select(User).where(User.email == email)).one_or_none()
        if author is None:
            continue
        exists = db.session.scalar(
            select(Announcement.id).where(Announcement.author_id == author.id, Announcement.title == data["title"])
        )
        if exists is None:
            service.create(principal=author, data=data)
