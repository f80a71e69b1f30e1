"""Bulk-generated complaints for benchmarks: a realistic spread over Indonesia's desa, with dense cities.

45 % of the complaints fall in 14 big cities (the five Jakarta kota, Surabaya, Bandung, Medan, Semarang, Makassar,
Palembang, Tangerang, Depok, Bekasi), each desa of a city a cluster around its own point inside the city's box; the
rest spread over every desa of the country, placed around their province's centre. Statuses, privacy, supports
and dates (two years) follow plausible proportions. Rows go in with PostgreSQL ``COPY`` (about a minute per million
on a small machine); ``ensure_complaints`` keeps a database that already has enough of them.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
import zlib
from collections.abc import Callable
from typing import Protocol

from sqlalchemy import create_engine, text

from complaints.geo import cell_of, in_indonesia
from complaints.intake.tracking import ALPHABET, PREFIX
from complaints.states import is_listed

PROVINCE_CENTRES = {
    "11": (4.7, 96.7), "12": (2.1, 99.5), "13": (-0.7, 100.8), "14": (0.3, 101.7), "15": (-1.6, 103.0),
    "16": (-3.3, 104.0), "17": (-3.6, 102.3), "18": (-4.9, 105.0), "19": (-2.7, 106.4), "21": (1.0, 104.5),
    "31": (-6.2, 106.85), "32": (-6.9, 107.6), "33": (-7.15, 110.1), "34": (-7.85, 110.4), "35": (-7.5, 112.5),
    "36": (-6.4, 106.1), "51": (-8.4, 115.2), "52": (-8.6, 117.4), "53": (-9.5, 121.0), "61": (0.0, 111.5),
    "62": (-1.7, 113.4), "63": (-3.1, 115.3), "64": (0.5, 116.4), "65": (3.0, 116.0), "71": (1.0, 124.5),
    "72": (-1.4, 121.4), "73": (-3.7, 120.0), "74": (-4.1, 122.2), "75": (0.7, 122.4), "76": (-2.8, 119.2),
    "81": (-3.2, 130.1), "82": (1.6, 127.8), "91": (-2.5, 140.5), "92": (-1.3, 133.2), "93": (-7.0, 139.5),
    "94": (-3.5, 136.5), "95": (-4.0, 139.0), "96": (-1.0, 131.5),
}  # fmt: skip
#: kab/kota → centre of the city (dense clusters).
CITIES = {
    "31.71": (-6.18, 106.83), "31.72": (-6.13, 106.88), "31.73": (-6.17, 106.76), "31.74": (-6.26, 106.81),
    "31.75": (-6.23, 106.90), "35.78": (-7.26, 112.75), "32.73": (-6.91, 107.61), "12.71": (3.59, 98.67),
    "33.74": (-6.99, 110.42), "73.71": (-5.14, 119.42), "16.71": (-2.98, 104.76), "36.71": (-6.18, 106.63),
    "32.76": (-6.40, 106.82), "32.75": (-6.24, 106.99),
}  # fmt: skip
CITY_SHARE = 0.45
CITY_HALF_SIZE = 0.06  # degrees (~6.5 km): a city is a 13 km box
STATUS_WEIGHTS = {
    "submitted": 8, "needs_info": 2, "verified": 10, "accepted": 8, "in_progress": 17,
    "resolved": 20, "closed": 25, "rejected": 5, "duplicate": 3, "withdrawn": 2,
}  # fmt: skip
TITLES = [
    "Jalan berlubang di depan sekolah", "Sampah menumpuk tidak diangkut", "Saluran air tersumbat, sering banjir",
    "Lampu jalan mati sejak seminggu", "Pelayanan puskesmas lambat", "Fasilitas sekolah rusak",
    "KTP-el belum selesai dicetak", "Parkir liar menutup trotoar", "Bantuan sosial tidak tepat sasaran",
    "Pohon tumbang menghalangi jalan",
]  # fmt: skip
DESCRIPTION = (
    "Sudah {n} hari kondisi ini dibiarkan di RT {rt:02d} RW {rw:02d}. Warga sudah melapor ke kelurahan tetapi "
    "belum ada tindakan. Mohon segera ditindaklanjuti oleh dinas terkait karena membahayakan pengguna jalan."
)
USERS = 200_000
#: Complaints per COPY and commit. The statistics triggers update a few hundred summary rows once per complaint; in
#: one transaction each update walks the row's whole chain of versions (a million rows took more than 30 minutes).
CHUNK = 50_000
_COLUMNS = (
    "id, tracking_number, reporter_id, category_id, status, version, title, description, address, latitude, "
    "longitude, location_accuracy_m, geo_cell, desa_code, rw, kabkota_code, is_anonymous, is_public, is_listed, "
    "reporter_label, support_count, screening, is_flagged, created_at, updated_at, status_changed_at"
)


def _tracking(i: int) -> str:
    chars = []
    for _ in range(8):
        i, r = divmod(i, len(ALPHABET))
        chars.append(ALPHABET[r])
    s = "".join(reversed(chars))
    return f"{PREFIX}-{s[:4]}-{s[4:]}"


def _unit(code: str, salt: int) -> float:
    """A stable number in [-1, 1) for an area code: a desa always sits at the same place."""
    return (zlib.crc32(f"{code}:{salt}".encode()) / 2**32) * 2 - 1


def _desa_point(desa: str) -> tuple[float, float]:
    kabkota = desa[:5]
    if kabkota in CITIES:
        lat, lon = CITIES[kabkota]
        return lat + _unit(desa, 1) * CITY_HALF_SIZE, lon + _unit(desa, 2) * CITY_HALF_SIZE
    lat, lon = PROVINCE_CENTRES[desa[:2]]
    return lat + _unit(desa, 1) * 1.0, lon + _unit(desa, 2) * 1.5


def _point(rnd: random.Random, desa: str) -> tuple[float, float]:
    lat, lon = _desa_point(desa)
    spread = 0.012 if desa[:5] in CITIES else 0.02  # city clusters overlap: a continuous dense area
    lat, lon = lat + rnd.uniform(-spread, spread), lon + rnd.uniform(-spread, spread)
    if not in_indonesia(lat, lon):
        lat, lon = min(max(lat, -11.4), 6.4), min(max(lon, 94.6), 141.4)
    return lat, lon


class Extra(Protocol):
    """More columns per complaint (``bench.handling_data``): a status that may depend on the complaint's age, and
    values for ``columns`` (a comma-separated list, written after the base columns)."""

    columns: str

    def status(self, rnd: random.Random, created: dt.datetime) -> str: ...

    def values(
        self, rnd: random.Random, *, status: str, created: dt.datetime, category_id: int, desa: str
    ) -> tuple: ...


def desa_chooser(desas: list[str], focus: dict[str, float] | None) -> Callable[[random.Random], str]:
    """Picks a desa: with ``focus`` (kab/kota -> share), that share of picks in each kab/kota and the rest uniform
    over ``desas``; without it, ``CITY_SHARE`` over the big cities' desas."""
    if focus is None:
        city_desas = [d for d in desas if d[:5] in CITIES]
        return lambda rnd: rnd.choice(city_desas) if rnd.random() < CITY_SHARE else rnd.choice(desas)
    groups = [([d for d in desas if d[:5] == kabkota], share) for kabkota, share in focus.items()]

    def choose(rnd: random.Random) -> str:
        r = rnd.random()
        for group, share in groups:
            if r < share:
                return rnd.choice(group)
            r -= share
        return rnd.choice(desas)

    return choose


def generate(
    url: str,
    *,
    count: int,
    seed: int = 5,
    within: str | None = None,
    focus: dict[str, float] | None = None,
    extra: Extra | None = None,
) -> float:
    """Insert ``count`` complaints (and their reporters) into an empty, migrated database with areas loaded.

    ``within`` keeps every desa (of complaints and of reporters' homes) inside one area; ``focus`` weights some
    kab/kota (see ``desa_chooser``); ``extra`` adds columns (handling: offices, dates, deadlines).
    """
    started = time.perf_counter()
    rnd = random.Random(seed)
    engine = create_engine(url)
    with engine.connect() as conn:
        desas = conn.execute(text("SELECT code FROM areas WHERE level = 4 ORDER BY code")).scalars().all()
    if within is not None:
        desas = [d for d in desas if d.startswith(within + ".")]
    pick_desa = desa_chooser(desas, focus)
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    now = dt.datetime.now(dt.UTC)
    start = now - dt.timedelta(days=730)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        with cur.copy(
            "COPY users (id, name, phone, password_hash, role, home_area_code, is_active, created_at, updated_at, "
            "password_changed_at) FROM STDIN"
        ) as copy:
            for uid in range(1, USERS + 1):
                desa = pick_desa(rnd)
                copy.write_row(
                    (uid, f"Warga {uid}", f"+62857{uid:08d}", "x", "resident", desa, True, start, start, start)
                )
        raw.commit()
        screening = json.dumps({"flags": [], "abusive_terms": [], "pii_types": []})
        step = dt.timedelta(days=730) / count
        columns = _COLUMNS + (", " + extra.columns if extra is not None else "")
        for first in range(1, count + 1, CHUNK):
            with cur.copy(f"COPY complaints ({columns}) FROM STDIN") as copy:
                for i in range(first, min(first + CHUNK, count + 1)):
                    desa = pick_desa(rnd)
                    lat, lon = _point(rnd, desa)
                    created = start + step * i
                    status = rnd.choices(statuses, weights)[0] if extra is None else extra.status(rnd, created)
                    public = rnd.random() < 0.85
                    supports = int(rnd.paretovariate(1.5)) - 1 if rnd.random() < 0.3 else 0
                    cat = rnd.randint(1, 10)
                    row = (
                        i, _tracking(i * 7919 + 17), rnd.randint(1, USERS), cat, status, 1, TITLES[cat - 1],
                        DESCRIPTION.format(n=rnd.randint(2, 60), rt=rnd.randint(1, 15), rw=rnd.randint(1, 12)),
                        "Jl. Raya No. " + str(rnd.randint(1, 200)), lat, lon, 10.0, cell_of(lat, lon), desa,
                        rnd.randint(1, 12), desa[:5], rnd.random() < 0.1, public,
                        is_listed(is_public=public, status=status), "W*** ***", min(supports, 5000), screening,
                        False, created, created, created,
                    )  # fmt: skip
                    if extra is not None:
                        row += extra.values(rnd, status=status, created=created, category_id=cat, desa=desa)
                    copy.write_row(row)
            raw.commit()  # the statistics triggers' summary rows: short update chains, not one per row
        cur.execute("SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users))")
        cur.execute("SELECT setval(pg_get_serial_sequence('complaints', 'id'), (SELECT max(id) FROM complaints))")
        raw.commit()
        pg = raw.driver_connection
        pg.autocommit = True
        pg.execute("VACUUM ANALYZE users")
        pg.execute("VACUUM ANALYZE complaints")
        pg.autocommit = False
    finally:
        raw.close()
        engine.dispose()
    return time.perf_counter() - started


def complaint_count(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM complaints")).scalar_one()
    finally:
        engine.dispose()
