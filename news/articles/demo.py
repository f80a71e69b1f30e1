"""Demo news in Kota Bandung for ``flask seed-demo``: two channels, tags, three published articles and one
scheduled for tomorrow, written by the demo editor with the real services (idempotent: looked up by title)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.accounts.models import User
from app.core.db import utcnow
from app.demo import demo_seeder
from app.extensions import db
from news.articles import publishing, service
from news.articles.models import Article, Channel, Tag

EDITOR_PHONE = "+6281100000002"  # "Editor Diskominfo", scope Kota Bandung (app.demo.DEMO_STAFF)
CHANNELS = [
    ("Diskominfo Kota Bandung", "https://diskominfo.bandung.go.id"),
    ("Humas Pemerintah Kota Bandung", "https://humas.bandung.go.id"),
]
TAGS = [("kesehatan", "Kesehatan"), ("infrastruktur", "Infrastruktur"), ("layanan-publik", "Layanan publik")]
#: (channel, title, summary, Markdown body, target area, tags, featured, state)
ARTICLES = [
    (
        0,
        "Posyandu keliling hadir di Sukasari",
        "Jadwal posyandu keliling bulan ini untuk setiap RW di Kecamatan Sukasari.",
        "Mulai **Senin**, posyandu keliling hadir di setiap RW di Kecamatan Sukasari.\n\n"
        "- Penimbangan dan imunisasi balita\n- Pemeriksaan ibu hamil\n- Penyuluhan gizi\n\n"
        "Bawa buku KIA dan datang sesuai jadwal RW masing-masing.",
        "32.73.01",
        ["kesehatan"],
        True,
        "published",
    ),
    (
        1,
        "Perbaikan Jalan Gegerkalong Hilir dimulai",
        "Perbaikan jalan berlangsung dua minggu; pengendara diminta memakai jalur alternatif.",
        "Dinas PU memperbaiki **Jalan Gegerkalong Hilir** sepanjang 1,2 km. Selama pekerjaan, lalu lintas "
        "dialihkan melalui Jalan Sukasari.\n\n| Tahap | Waktu |\n| --- | --- |\n| Pengupasan | Minggu 1 |\n"
        "| Pengaspalan | Minggu 2 |",
        "32.73",
        ["infrastruktur"],
        False,
        "published",
    ),
    (
        0,
        "Layanan KTP elektronik buka hari Sabtu",
        "Kantor kecamatan melayani perekaman KTP-el setiap Sabtu pukul 08.00-12.00.",
        "Warga yang belum merekam KTP elektronik dapat datang ke kantor kecamatan setiap **Sabtu**. "
        "Informasi lengkap di [situs Disdukcapil](https://disdukcapil.bandung.go.id).",
        "32.73",
        ["layanan-publik"],
        False,
        "published",
    ),
    (
        1,
        "Car free day Dago kembali digelar",
        "Car free day di Jalan Ir. H. Juanda kembali digelar setiap Minggu pagi.",
        "Mulai Minggu depan, **car free day** di Jalan Ir. H. Juanda (Dago) kembali digelar pukul 06.00-10.00.",
        "32.73",
        [],
        False,
        "scheduled",
    ),
]


@demo_seeder
def seed_news() -> None:
    editor = db.session.scalars(select(User).where(User.phone == EDITOR_PHONE)).one_or_none()
    if editor is None:
        return
    channels = []
    for name, website in CHANNELS:
        channel = db.session.scalars(select(Channel).where(Channel.name == name)).one_or_none()
        if channel is None:
            channel = Channel(name=name, website=website)
            db.session.add(channel)
            db.session.flush()
        channels.append(channel)
    tags = {}
    for slug, name in TAGS:
        tag = db.session.scalars(select(Tag).where(Tag.slug == slug)).one_or_none()
        if tag is None:
            tag = Tag(slug=slug, name=name)
            db.session.add(tag)
            db.session.flush()
        tags[slug] = tag
    for channel_index, title, summary, body, area, tag_slugs, featured, state in ARTICLES:
        if db.session.scalar(select(Article.id).where(Article.title == title)) is not None:
            continue
        data = {
            "title": title,
            "summary": summary,
            "body": body,
            "channel_id": channels[channel_index].id,
            "area_code": area,
            "tag_ids": [tags[s].id for s in tag_slugs],
            "is_featured": featured,
        }
        article = service.create(user=editor, data=data)
        if state == "published":
            publishing.publish_now(article, actor_id=editor.id)
        else:
            tomorrow = (utcnow() + dt.timedelta(days=1)).replace(hour=1, minute=0, second=0, microsecond=0)
            publishing.schedule(article, actor_id=editor.id, publish_at=tomorrow)
