"""Issue 3 figures: area lookup and authenticated /me as a ratio of /healthz; `flask areas load` timings.

gunicorn with 2 sync workers on PostgreSQL, wrk with 16 connections, best of 3 rounds of 8 s each.
"""

from __future__ import annotations

import json
import tempfile
import time
import urllib.request

from bench.harness import compare, create_database, flask, gunicorn, migrate, record, record_ratio

DESA = "32.73.01.1001"
USER = {"name": "Bench User", "phone": "081299990001", "password": "bench-password-1", "home_area_code": DESA}


def timed_load(env: dict[str, str]) -> tuple[float, float]:
    """Seconds for a first load into an empty schema and for a second (idempotent) load."""
    migrate(env)
    t0 = time.perf_counter()
    flask(["areas", "load"], env)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    flask(["areas", "load"], env)
    return first, time.perf_counter() - t0


def post(url: str, body: dict) -> dict:
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    try:
        return json.load(urllib.request.urlopen(req))
    except urllib.error.HTTPError as exc:
        if exc.code != 409:
            raise
        return {}


def main() -> None:
    print("flask areas load (91,599 areas), whole command incl. interpreter start:")
    with tempfile.TemporaryDirectory() as tmp:
        first, again = timed_load({"DATABASE_URL": f"sqlite:///{tmp}/areas.sqlite3"})
        print(f"  SQLite      first load {first:5.1f} s   re-run {again:5.1f} s")
        record(
            "flask areas load, SQLite (first / re-run)", target="-", measured=f"{first:.1f} s / {again:.1f} s", met=None
        )
    pg = {"DATABASE_URL": create_database("balai_bench_areas", drop=True)}
    first, again = timed_load(pg)
    print(f"  PostgreSQL  first load {first:5.1f} s   re-run {again:5.1f} s")
    record(
        "flask areas load, PostgreSQL (first / re-run)", target="-", measured=f"{first:.1f} s / {again:.1f} s", met=None
    )

    env = {"DATABASE_URL": create_database("balai_bench")}
    migrate(env)
    flask(["areas", "load"], env)
    with gunicorn(env) as base:
        post(base + "/api/v1/auth/register", USER)
        tokens = post(base + "/api/v1/auth/login", {"login": USER["phone"], "password": USER["password"]})
        auth = {"Authorization": f"Bearer {tokens['access_token']}"}
        print("gunicorn -w 2 (sync), PostgreSQL, wrk -t1 -c16, best of 3 x 8 s:")
        ratios = compare(
            base,
            {
                f"GET /api/v1/areas/{DESA}": (f"/api/v1/areas/{DESA}", None),
                "GET /api/v1/me (JWT)": ("/api/v1/me", auth),
            },
        )
    for name, ratio in ratios.items():
        print(f"  target >= 50 %: {name}: {'met' if ratio >= 0.5 else 'NOT met'}")
        record_ratio(name, ratio, 0.5)


if __name__ == "__main__":
    main()
