"""Announcement test data: valid bodies, posting through the API, and the people of two desas (no tests here)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from app.accounts.roles import Role
from app.core.db import utcnow
from app.extensions import db
from news.announcements.models import Announcement
from notifications.models import Notification
from tests.factories import login, resident, staff

DESA = "32.73.01.1001"  # Sukarasa, Sukasari, Kota Bandung
OTHER_DESA = "32.73.01.1002"  # Gegerkalong, same kecamatan
KOTA = "32.73"
OTHER_KAB = "32.04"  # Kabupaten Bandung
URL = "/api/v1/announcements"


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Kerja bakti Minggu pagi",
        "body": "Warga diundang **kerja bakti** membersihkan saluran air.\n\nBawa cangkul.",
        "category": "kerja_bakti",
        "area_code": DESA,
        "rw": 5,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not ...}


def iso(delta: dt.timedelta) -> str:
    return (utcnow() + delta).isoformat()


def lurah(area: str = DESA):
    return staff(Role.VILLAGE_OFFICIAL.value, area)


def rw_head(rw: int = 5, area: str = DESA):
    return staff(Role.RW_OFFICIAL.value, area, rw=rw)


def editor(area: str = KOTA):
    return staff(Role.EDITOR.value, area)


def post(client, user, headers: dict[str, str] | None = None, **overrides: Any):
    return client.post(URL, json=body(**overrides), headers=headers or login(user))


def posted(client, user, **overrides: Any) -> dict[str, Any]:
    resp = post(client, user, **overrides)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def stored_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Announcement))


def broadcasts_of(announcement_id: int) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(
                Notification.link_type == "announcement", Notification.link_id == announcement_id
            )
        )
    )


def feed_ids(client, user, **params: Any) -> list[int]:
    resp = client.get(URL, query_string=params, headers=login(user))
    assert resp.status_code == 200, resp.get_json()
    return [i["id"] for i in resp.get_json()["items"]]


__all__ = ["resident"]
