"""Demo complaints in Kota Bandung for ``flask seed-demo`` (idempotent: each has a fixed Idempotency-Key).

They are filed as residents file them; ``complaints.demo.handling`` then moves them on through moderation and the
offices, with the real services, to the status given here.
"""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.demo import demo_seeder
from app.extensions import db
from complaints.categories.models import Category
from complaints.intake import service
from complaints.intake.models import Complaint
from complaints.states import Status
from complaints.supports.models import Support

#: (key, reporter phone, category slug, title, description, lat, lon, address, desa, rw, anonymous, public, status)
DEMO_COMPLAINTS = [
    (
        "demo-1",
        "+6281200000001",
        "jalan-rusak",
        "Jalan berlubang di depan SDN Sukarasa 2",
        "Lubang sedalam kira-kira 20 cm di lajur kiri, sudah dua minggu. Saat hujan tertutup genangan dan beberapa "
        "pengendara motor terjatuh.",
        -6.8706,
        107.5905,
        "Jl. Gegerkalong Hilir, depan SDN Sukarasa 2",
        "32.73.01.1001",
        5,
        False,
        True,
        Status.IN_PROGRESS,
    ),
    (
        "demo-2",
        "+6281200000002",
        "sampah",
        "Sampah menumpuk di TPS Gegerkalong",
        "Sampah tidak diangkut sejak Senin, baunya sampai ke rumah warga dan mulai banyak lalat.",
        -6.8728,
        107.5871,
        "TPS Gegerkalong Girang",
        "32.73.01.1002",
        2,
        True,
        True,
        Status.VERIFIED,
    ),
    (
        "demo-3",
        "+6281200000003",
        "penerangan-jalan",
        "Lampu PJU mati sepanjang Jl. Sukajadi",
        "Tiga tiang lampu berturut-turut mati sejak seminggu, jalan gelap dan rawan. Hubungi saya di 0812-3456-7890.",
        -6.8841,
        107.5963,
        "Jl. Sukajadi dekat Rumah Sakit",
        "32.73.02.1001",
        7,
        False,
        True,
        Status.VERIFIED,
    ),
    (
        "demo-4",
        "+6281200000001",
        "banjir-drainase",
        "Gorong-gorong tersumbat di RW 05",
        "Saluran air di gang tersumbat sampah plastik, tiap hujan air meluap ke jalan dan masuk ke rumah.",
        -6.8699,
        107.5912,
        "Gang Sukarasa RW 05",
        "32.73.01.1001",
        5,
        False,
        True,
        Status.SUBMITTED,
    ),
    (
        "demo-5",
        "+6281200000002",
        "adminduk",
        "KTP-el belum jadi setelah tiga bulan",
        "Sudah rekam KTP-el di kecamatan tiga bulan lalu, setiap ditanya jawabannya blangko habis.",
        -6.8745,
        107.5880,
        "Kantor Kecamatan Sukasari",
        "32.73.01.1002",
        2,
        False,
        False,
        Status.SUBMITTED,
    ),
    (
        "demo-6",
        "+6281200000003",
        "jalan-rusak",
        "Trotoar amblas di Jl. Setiabudi",
        "Trotoar amblas sekitar dua meter di depan minimarket, pejalan kaki terpaksa turun ke jalan.",
        -6.8669,
        107.5932,
        "Jl. Dr. Setiabudi, depan minimarket",
        "32.73.01.1001",
        3,
        False,
        True,
        Status.CLOSED,
    ),
]


@demo_seeder
def seed_demo_complaints() -> None:
    """A few complaints by the demo residents (moved on to their demo status by ``complaints.demo.handling``)."""
    slugs = dict(db.session.execute(select(Category.slug, Category.id)).all())
    for key, phone, slug, title, text, lat, lon, address, desa, rw, anonymous, public, _status in DEMO_COMPLAINTS:
        reporter = db.session.scalars(select(User).where(User.phone == phone)).one_or_none()
        if reporter is None or slug not in slugs:
            continue
        data = {
            "category_id": slugs[slug], "title": title, "description": text, "latitude": lat, "longitude": lon,
            "location_accuracy_m": 10.0, "address": address, "desa_code": desa, "rw": rw,
            "is_anonymous": anonymous, "is_public": public,
        }  # fmt: skip
        service.submit(reporter=reporter, data=data, idempotency_key=key)
    db.session.flush()
    first = db.session.scalars(select(Complaint).where(Complaint.idempotency_key == "demo-1")).first()
    supporter = db.session.scalars(select(User).where(User.phone == "+6281200000003")).one_or_none()
    if first is not None and supporter is not None and db.session.get(Support, (first.id, supporter.id)) is None:
        db.session.add(Support(complaint_id=first.id, user_id=supporter.id))
        first.support_count += 1
    db.session.flush()
