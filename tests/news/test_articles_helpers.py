"""Shared data for the article tests (no tests here): channels, tags, editors, articles in any state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from app.core.db import utcnow
from app.extensions import db
from news.articles import publishing, service, views
from news.articles.models import Article, Channel, Tag
from tests.factories import staff

BANDUNG = "32.73"  # Kota Bandung
SUKASARI = "32.73.01"  # a kecamatan of it
SUKARASA = "32.73.01.1001"  # a desa of that kecamatan (home of the factory residents, RW 5)
OTHER_DESA = "32.73.02.1001"
KAB_BANDUNG = "32.04"
JABAR = "32"
JAKARTA = "31"


@pytest.fixture(autouse=True)
def clean_view_buffer(app) -> Iterator[None]:
    """The view buffer lives in the process: every test starts and ends with it empty."""
    views.get_buffer(app).take()
    yield
    views.get_buffer(app).take()


def channel(name: str = "Diskominfo", **kw: Any) -> Channel:
    c = Channel(name=f"{name} {Channel.__name__}-{utcnow().timestamp()}", **kw)
    db.session.add(c)
    db.session.flush()
    return c


def tag(slug: str, name: str | None = None) -> Tag:
    t = Tag(slug=slug, name=name or slug.title())
    db.session.add(t)
    db.session.flush()
    return t


def editor(area: str = BANDUNG, role: str = "editor") -> Any:
    return staff(role, area)


def body(channel_id: int, **overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Posyandu keliling hadir di Sukasari",
        "summary": "Jadwal posyandu keliling bulan Desember.",
        "body": "Mulai **5 Desember**, posyandu keliling hadir di setiap RW.",
        "channel_id": channel_id,
        "area_code": BANDUNG,
    }
    data.update(overrides)
    return data


def article(
    *, author: Any = None, status: str = "published", area: str = BANDUNG, channel_id: int | None = None, **kw: Any
) -> Article:
    """An article made with the real service, moved to ``status``."""
    author = author or editor(area[:2])
    if channel_id is None:
        channel_id = channel().id
    data = body(channel_id, area_code=area, **kw)
    a = service.create(user=author, data=data)
    if status == "published":
        publishing.publish_now(a, actor_id=author.id)
    elif status == "scheduled":
        publishing.schedule(a, actor_id=author.id, publish_at=utcnow() + dt.timedelta(hours=1))
    elif status == "archived":
        publishing.publish_now(a, actor_id=author.id)
        publishing.archive(a, actor_id=author.id)
    db.session.flush()
    return a
