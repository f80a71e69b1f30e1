"""Issue 12 figure for announcements: ``GET /api/v1/announcements`` for a resident as % of ``GET /healthz``
(target >= 50 %), on PostgreSQL with 50k announcements and 1M residents in Kota Bandung.

The announcements (COPY) are spread like a city's: 60 % aimed at one RW, 35 % at a whole desa/kelurahan, 4 % at
a kecamatan, 1 % at the city; 10 % expired, 5 % scheduled, 2 % deleted, 5 % pinned. The reader is a resident of
RW 5 of Sukarasa (``32.73.01.1001``). Also measured in the same run: one announcement (``GET …/{id}``), the
resident's second page, and ``GET /api/v1/me`` (the token check alone, for reference).

gunicorn with 2 sync workers, wrk -t1 -c16, best of 3 rounds of 8 s, healthz measured alternately in the same run.
The database ``balai_bench_announce`` is kept between runs. Run: ``.venv/bin/python -m bench.bench_announcements``.
"""

from __future__ import annotations

import json
import os
import random
import time
import urllib.request

import psycopg

from bench.bench_notifications import HASH, copy_rows, pg_dsn, scalar
from bench.harness import compare, create_database, flask, gunicorn, migrate

DB_NAME = "balai_bench_announce"
DESA, RW = "32.73.01.1001", 5
RESIDENTS = int(os.environ.get("BENCH_RESIDENTS", "1000000"))
ANNOUNCEMENTS = int(os.environ.get("BENCH_ANNOUNCEMENTS", "50000"))
BODY = "Warga diundang kerja bakti membersihkan saluran air. Bawa cangkul dan karung; konsumsi disediakan."


def _codes(dsn: str, like: str, length: int) -> list[str]:
    with psycopg.connect(dsn) as conn:
        return [
            r[0]
            for r in conn.execute(
                "SELECT code FROM areas WHERE code LIKE %s AND length(code) = %s ORDER BY code", (like, length)
            )
        ]


def prepare(env: dict[str, str]) -> str:
    """Schema, areas, 1M residents of Kota Bandung and 50k announcements there (generated once)."""
    migrate(env)
    dsn = pg_dsn(env["DATABASE_URL"])
    if not scalar(dsn, "SELECT count(*) FROM areas"):
        flask(["areas", "load"], env)
    desas = _codes(dsn, "32.73.%", 13)
    kecs = _codes(dsn, "32.73.%", 8)
    if scalar(dsn, "SELECT count(*) FROM users WHERE role = 'resident'") < RESIDENTS:
        t0 = time.perf_counter()
        now = "2026-01-01 00:00:00+00"
        rows = (
            (f"Warga {i}", f"+6288{i:09d}", HASH, "resident", desas[i % len(desas)], 1 + i % 20, now, now, now)
            for i in range(RESIDENTS)
        )
        cols = ["name", "phone", "password_hash", "role", "home_area_code", "home_rw"]
        copy_rows(dsn, "users", [*cols, "created_at", "updated_at", "password_changed_at"], rows)
        print(f"  generated {RESIDENTS:,} residents in {time.perf_counter() - t0:.1f} s", flush=True)
    if scalar(dsn, "SELECT count(*) FROM announcements") < ANNOUNCEMENTS:
        t0 = time.perf_counter()
        rng = random.Random(12)
        start = time.time() - 90 * 86400

        def stamp(seconds: float) -> str:
            return time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime(seconds))

        def row(i: int) -> tuple:
            p = rng.random()
            if p < 0.60:
                area, rw = rng.choice(desas), rng.randint(1, 20)
            elif p < 0.95:
                area, rw = rng.choice(desas), None
            elif p < 0.99:
                area, rw = rng.choice(kecs), None
            else:
                area, rw = "32.73", None
            key = f"{area}.{rw:03d}" if rw else area
            created = start + i * (90 * 86400 / ANNOUNCEMENTS)
            fate = rng.random()
            published = stamp(created) if fate >= 0.05 else None
            feed_at = stamp(created) if published else stamp(time.time() + 86400)
            valid = stamp(created + 3600) if 0.05 <= fate < 0.15 else stamp(time.time() + 30 * 86400)
            deleted = stamp(created + 60) if 0.15 <= fate < 0.17 else None
            excerpt = BODY[:200]
            return (
                f"Pengumuman {i}", BODY, f"<p>{BODY}</p>", excerpt, rng.choice(["kegiatan", "kerja_bakti", "posyandu"]),
                area, rw, key, rng.random() < 0.05, valid, published, feed_at, "village_official",
                stamp(created), stamp(created), deleted, False, 0,
            )  # fmt: skip

        cols = [
            "title", "body", "body_html", "excerpt", "category", "area_code", "rw", "target_key", "pinned",
            "valid_until", "published_at", "feed_at", "author_role", "created_at", "updated_at", "deleted_at",
            "notify", "image_count",
        ]  # fmt: skip
        copy_rows(dsn, "announcements", cols, (row(i) for i in range(ANNOUNCEMENTS)))
        with psycopg.connect(dsn) as conn:
            conn.execute("ANALYZE announcements")
            conn.execute("ANALYZE users")
        print(f"  generated {ANNOUNCEMENTS:,} announcements in {time.perf_counter() - t0:.1f} s", flush=True)
    return dsn


def _post(url: str, body: dict) -> dict:
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req) as resp:
            return json.load(resp)
    except urllib.error.HTTPError as exc:
        return json.load(exc)


def _get(url: str, auth: dict[str, str]) -> dict:
    with urllib.request.urlopen(urllib.request.Request(url, headers=auth)) as resp:
        return json.load(resp)


def main() -> None:
    env = {"DATABASE_URL": create_database(DB_NAME), "RATELIMIT_ENABLED": "false", "ACCESS_TOKEN_MINUTES": "120"}
    print(f"preparing {DB_NAME} ({RESIDENTS:,} residents, {ANNOUNCEMENTS:,} announcements; kept between runs)")
    dsn = prepare(env)
    user = {
        "name": "Bench Warga",
        "phone": "081299990012",
        "password": "bench-password-12",
        "home_area_code": DESA,
        "home_rw": RW,
    }
    with gunicorn(env) as base:
        _post(base + "/api/v1/auth/register", user)
        tokens = _post(base + "/api/v1/auth/login", {"login": user["phone"], "password": user["password"]})
        auth = {"Authorization": f"Bearer {tokens['access_token']}"}
        keys = ["32", "32.73", "32.73.01", DESA, f"{DESA}.{RW:03d}"]
        aimed = scalar(dsn, "SELECT count(*) FROM announcements WHERE target_key = ANY(%s)", keys)
        print(f"  resident of {DESA} RW {RW}: {aimed:,} of the {ANNOUNCEMENTS:,} announcements are aimed at its home")
        first = _get(base + "/api/v1/announcements", auth)
        assert len(first["items"]) == 20, first
        one = first["items"][0]["id"]
        second = "/api/v1/announcements?cursor=" + first["next_cursor"]
        print("gunicorn -w 2 (sync), PostgreSQL, wrk -t1 -c16, best of 3 x 8 s:")
        ratios = compare(
            base,
            {
                "GET /api/v1/announcements (resident, 20 items)": ("/api/v1/announcements", auth),
                "GET /api/v1/announcements?cursor= (page 2)": (second, auth),
                "GET /api/v1/announcements/{id}": (f"/api/v1/announcements/{one}", auth),
                "GET /api/v1/me (reference: the token check alone)": ("/api/v1/me", auth),
            },
        )
    feed = ratios["GET /api/v1/announcements (resident, 20 items)"]
    print(f"  target >= 50 %: GET /api/v1/announcements for a resident: {'met' if feed >= 0.50 else 'NOT met'}")


if __name__ == "__main__":
    main()
