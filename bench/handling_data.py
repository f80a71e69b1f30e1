"""Bulk-generated handling data for the issue 6 benchmarks: 1M complaints in Jawa Barat with offices, lead stages,
deadlines, response and resolution times, and ratings.

On top of ``bench.complaints_data.generate`` (reporters, texts, places, COPY): 70 % of the complaints are in Kota
Bandung, the rest spread over every desa of Jawa Barat. The status depends on the complaint's age (recent ones are
still in moderation or being handled, old ones mostly closed), so open stages pile up in the last weeks and the old
open ones are overdue. 20 offices: twelve city departments of Kota Bandung (routed by category), seven of other
kab/kota and a provincial one for the rest. Each office has five handlers; lead ``handling_stages`` rows
(with assignees, deadlines, overdue ones) and ratings for a third of the closed complaints are written server-side
with ``INSERT … SELECT`` from the complaints. Two accounts can log in: a province admin (statistics) and a member
of the busiest office (its inbox).
"""

from __future__ import annotations

import datetime as dt
import os
import random
from dataclasses import dataclass, field

from sqlalchemy import create_engine, text

from bench.complaints_data import CHUNK, generate

PROVINCE = "32"
BANDUNG = "32.73"
FOCUS = {BANDUNG: 0.70}
PASSWORD = "bench-password-6"
ADMIN_PHONE = "+6281200060001"
HANDLER_PHONE = "+6281200060002"
#: Staff accounts get ids from here (the generated reporters are 1..200,000).
STAFF_ID_BASE = 900_000
MEMBERS_PER_OFFICE = 5

#: (code, name, area, categories routed to it in Kota Bandung). Office 1 (roads and drainage) is the busiest.
OFFICES = [
    ("DSDABM-3273", "Dinas Sumber Daya Air dan Bina Marga Kota Bandung", BANDUNG, (1, 3)),
    ("DLH-3273", "Dinas Lingkungan Hidup Kota Bandung", BANDUNG, (2,)),
    ("DISHUB-3273", "Dinas Perhubungan Kota Bandung", BANDUNG, (8,)),
    ("DINKES-3273", "Dinas Kesehatan Kota Bandung", BANDUNG, (5,)),
    ("DISDIK-3273", "Dinas Pendidikan Kota Bandung", BANDUNG, (6,)),
    ("DISDUKCAPIL-3273", "Dinas Kependudukan dan Pencatatan Sipil Kota Bandung", BANDUNG, (7,)),
    ("DINSOS-3273", "Dinas Sosial Kota Bandung", BANDUNG, (9,)),
    ("DPKP-3273", "Dinas Perumahan dan Kawasan Permukiman Kota Bandung", BANDUNG, (4,)),
    ("DISKAR-3273", "Dinas Kebakaran dan Penanggulangan Bencana Kota Bandung", BANDUNG, (10,)),
    ("SATPOLPP-3273", "Satuan Polisi Pamong Praja Kota Bandung", BANDUNG, ()),
    ("DISKOMINFO-3273", "Dinas Komunikasi dan Informatika Kota Bandung", BANDUNG, ()),
    ("BPBD-3273", "Badan Penanggulangan Bencana Daerah Kota Bandung", BANDUNG, ()),
    ("PUPR-3204", "Dinas PUPR Kabupaten Bandung", "32.04", ()),
    ("PUPR-3217", "Dinas PUPR Kabupaten Bandung Barat", "32.17", ()),
    ("PUPR-3201", "Dinas PUPR Kabupaten Bogor", "32.01", ()),
    ("PUPR-3271", "Dinas PUPR Kota Bogor", "32.71", ()),
    ("PUPR-3275", "Dinas PUPR Kota Bekasi", "32.75", ()),
    ("PUPR-3276", "Dinas PUPR Kota Depok", "32.76", ()),
    ("PUPR-3277", "Dinas PUPR Kota Cimahi", "32.77", ()),
    ("DBMTR-32", "Dinas Bina Marga dan Tata Ruang Provinsi Jawa Barat", PROVINCE, ()),
]
ROUTED = ("verified", "accepted", "in_progress", "resolved", "closed")
ACTIVE = ("verified", "accepted", "in_progress")
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
#: Statuses by age: a few days, a few weeks, older.
_RECENT = {"submitted": 55, "needs_info": 5, "verified": 20, "accepted": 12, "in_progress": 3, "rejected": 5}
_WEEKS = {
    "submitted": 3, "needs_info": 1, "verified": 8, "accepted": 10, "in_progress": 35, "resolved": 15, "closed": 20,
    "rejected": 5, "duplicate": 2, "withdrawn": 1,
}  # fmt: skip
_OLD = {
    "verified": 0.5, "accepted": 1, "in_progress": 4, "resolved": 3, "closed": 80, "rejected": 7, "duplicate": 3,
    "withdrawn": 1.5,
}  # fmt: skip


def _weights(table: dict[str, float]) -> tuple[list[str], list[float]]:
    return list(table), list(table.values())


@dataclass
class Handling:
    """The ``extra`` of ``generate``: status by age, lead office, handling times and deadlines."""

    now: dt.datetime
    office_ids: dict[str, int]
    columns: str = (
        "office_id, verified_at, first_response_at, resolved_at, closed_at, response_due_at, resolution_due_at"
    )
    _by_age: list[tuple[int, tuple[list[str], list[float]]]] = field(default_factory=list)
    _city: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_age = [(3, _weights(_RECENT)), (45, _weights(_WEEKS)), (10**6, _weights(_OLD))]
        self._city = {cat: i + 1 for i, (_, _, _, cats) in enumerate(OFFICES) for cat in cats}
        self._city_ids = {cat: self.office_ids[OFFICES[i - 1][0]] for cat, i in self._city.items()}
        self._kabkota = {area: self.office_ids[code] for code, _, area, _ in OFFICES if area not in (BANDUNG,)}
        self._extra_city = [self.office_ids[code] for code, _, area, cats in OFFICES if area == BANDUNG and not cats]

    def status(self, rnd: random.Random, created: dt.datetime) -> str:
        age = (self.now - created).days
        for limit, (names, weights) in self._by_age:
            if age < limit:
                return rnd.choices(names, weights)[0]
        raise AssertionError

    def office(self, rnd: random.Random, category_id: int, desa: str) -> int:
        if desa.startswith(BANDUNG + "."):
            if rnd.random() < 0.1:  # a moderator's override to a cross-cutting office
                return rnd.choice(self._extra_city)
            return self._city_ids[category_id]
        return self._kabkota.get(desa[:5], self._kabkota[PROVINCE])

    def values(self, rnd: random.Random, *, status: str, created: dt.datetime, category_id: int, desa: str) -> tuple:
        if status not in ROUTED:
            return (None,) * 7
        latest = self.now - dt.timedelta(minutes=5)
        verified = min(created + HOUR * rnd.uniform(0.5, 36), latest)
        response_due = verified + DAY * rnd.choice((3, 4, 5))  # 3 working days
        resolution_due = verified + DAY * rnd.choice((18, 19, 20))  # 14 working days
        responded = resolved = closed = None
        if status != "verified":
            responded = min(verified + HOUR * rnd.lognormvariate(3.3, 1.0), latest)  # median ~27 h
        if status in ("resolved", "closed"):
            resolved = min(responded + DAY * rnd.lognormvariate(2.1, 0.8), latest)  # median ~8 days
        if status == "closed":
            closed = min(resolved + HOUR * rnd.uniform(1, 72), latest)
        office = self.office(rnd, category_id, desa)
        return (office, verified, responded, resolved, closed, response_due, resolution_due)


def _insert_staff(conn, password_hash: str, office_ids: list[int]) -> None:
    """Five handlers per office (the first of the busiest office can log in) and a province admin."""
    users = text(
        "INSERT INTO users (id, name, phone, password_hash, role, scope_area_code, is_active, created_at, "
        "updated_at, password_changed_at) VALUES (:id, :name, :phone, :hash, :role, :scope, true, now(), now(), now())"
    )
    conn.execute(
        users,
        {"id": STAFF_ID_BASE, "name": "Admin Provinsi", "phone": ADMIN_PHONE, "hash": password_hash,
         "role": "admin", "scope": PROVINCE},
    )  # fmt: skip
    rows, members = [], []
    areas = {code: area for code, _, area, _ in OFFICES}
    codes = {oid: code for code, oid in zip([o[0] for o in OFFICES], office_ids, strict=True)}
    for n, oid in enumerate(office_ids):
        for j in range(MEMBERS_PER_OFFICE):
            uid = STAFF_ID_BASE + 1 + n * MEMBERS_PER_OFFICE + j
            login = n == 0 and j == 0
            rows.append(
                {"id": uid, "name": f"Petugas {codes[oid]} {j + 1}", "role": "office_handler",
                 "phone": HANDLER_PHONE if login else f"+62812009{uid:06d}", "hash": password_hash if login else "x",
                 "scope": areas[codes[oid]][:5]},
            )  # fmt: skip
            members.append({"office_id": oid, "user_id": uid, "is_head": j == 0})
    conn.execute(users, rows)
    conn.execute(
        text(
            "INSERT INTO office_members (office_id, user_id, is_head, created_at) "
            "VALUES (:office_id, :user_id, :is_head, now())"
        ),
        members,
    )
    conn.execute(text("SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users))"))


# Lead stages for every routed complaint: active while being handled (due_at is the next open deadline), still
# active without a deadline once resolved, ended when closed. Assignees: one of the office's five handlers from
# acceptance on (members have consecutive ids, see _insert_staff).
_STAGES = """
INSERT INTO handling_stages (complaint_id, office_id, role, is_active, assignee_id, started_at,
    response_due_at, resolution_due_at, due_provisional, due_at, responded_at, is_override, ended_at)
SELECT c.id, c.office_id, 'lead', c.status <> 'closed',
    CASE WHEN c.status <> 'verified' THEN :base + 1 + o.n * :per + (c.id % :per) END,
    c.verified_at, c.response_due_at, c.resolution_due_at, false,
    CASE WHEN c.status IN ('verified', 'accepted', 'in_progress')
         THEN CASE WHEN c.first_response_at IS NULL THEN c.response_due_at ELSE c.resolution_due_at END END,
    c.first_response_at, false, c.closed_at
FROM complaints c JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM offices) o ON o.id = c.office_id
ORDER BY c.id
"""
# A third of the closed complaints are rated, mostly 4 and 5.
_RATINGS = """
INSERT INTO complaint_ratings (complaint_id, user_id, score, comment, office_id, created_at)
SELECT id, reporter_id,
    CASE WHEN id % 10 < 4 THEN 5 WHEN id % 10 < 7 THEN 4 WHEN id % 10 < 8 THEN 3 WHEN id % 10 < 9 THEN 2 ELSE 1 END,
    CASE WHEN id % 4 = 0 THEN 'Terima kasih, sudah ditangani.' END, office_id, closed_at + interval '1 day'
FROM complaints WHERE status = 'closed' AND id % 3 = 0
"""
#: The copy the rating service keeps on the complaint (statistics read it there), a range of ids at a time
#: (``complaints_data.CHUNK``: the statistics triggers fire for each row).
_RATING_COPIES = (
    "UPDATE complaints c SET rating = r.score FROM complaint_ratings r "
    "WHERE r.complaint_id = c.id AND c.id >= :first AND c.id < :first + :chunk"
)


def generate_handling(url: str, *, count: int, seed: int = 6) -> float:
    """Offices, staff, ``count`` complaints in Jawa Barat with their handling, stages and ratings (empty database)."""
    from app import create_app
    from app.accounts.passwords import hash_password

    os.environ["DATABASE_URL"] = url
    with create_app().app_context():  # the configured argon2 parameters
        password_hash = hash_password(PASSWORD)
    engine = create_engine(url)
    with engine.begin() as conn:
        office_ids = []
        for code, name, area, _ in OFFICES:
            office_ids.append(
                conn.execute(
                    text(
                        "INSERT INTO offices (code, name, area_code, is_active, created_at, updated_at) "
                        "VALUES (:code, :name, :area, true, now(), now()) RETURNING id"
                    ),
                    {"code": code, "name": name, "area": area},
                ).scalar_one()
            )
        _insert_staff(conn, password_hash, office_ids)
    now = dt.datetime.now(dt.UTC)
    extra = Handling(now=now, office_ids={o[0]: oid for o, oid in zip(OFFICES, office_ids, strict=True)})
    seconds = generate(url, count=count, seed=seed, within=PROVINCE, focus=FOCUS, extra=extra)
    with engine.begin() as conn:
        conn.execute(text(_STAGES), {"base": STAFF_ID_BASE, "per": MEMBERS_PER_OFFICE})
        conn.execute(text(_RATINGS))
    for first in range(1, count + 1, CHUNK):
        with engine.begin() as conn:
            conn.execute(text(_RATING_COPIES), {"first": first, "chunk": CHUNK})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("complaints", "handling_stages", "complaint_ratings", "users", "office_members"):
            conn.execute(text(f"VACUUM ANALYZE {table}"))
    engine.dispose()
    return seconds


def is_complete(url: str, *, count: int) -> bool:
    """Whether the database already holds the generated data (complaints, stages, ratings and the two logins)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM complaints), (SELECT count(*) > 0 FROM handling_stages), "
                    "(SELECT count(*) > 0 FROM complaint_ratings), "
                    "(SELECT count(*) FROM users WHERE phone IN (:a, :h))"
                ),
                {"a": ADMIN_PHONE, "h": HANDLER_PHONE},
            ).one()
    except Exception:  # a database without the schema is simply not complete
        return False
    finally:
        engine.dispose()
    return row[0] >= count and row[1] and row[2] and row[3] == 2
