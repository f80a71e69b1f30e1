"""Issue 14 figures: a data export's time and peak memory, retention over 1M residents, the access log's cost.

(a) ``export``: one resident with 500 complaints (each with two messages and a history entry), 100 photos of ~150 KB
    and 2,000 notifications: ``export.build`` in process, wall time and peak Python memory (tracemalloc), plus the
    archive's size.
(b) ``retention``: 1M residents (``INSERT … SELECT generate_series``, ~1 min once; the database
    ``balai_bench_privacy`` is kept), 3 % in the warning window, 1 % warned 31 days ago and past the limit, 200k
    notifications older than the limit: ``retention.run(apply=True)`` in process (a nightly run): time, statements,
    batches and the largest batch per step; then a second run (idempotent: nothing to do).
(c) ``audit``: a moderator's ``GET /api/v1/complaints/{id}`` (the reporter's name is shown, so one access-log row is
    written per request) with ``ACCESS_AUDIT_ENABLED`` true and false, each as % of ``/healthz`` and their ratio
    (gunicorn -w 2 sync, wrk -c16, best of 3 x 8 s).

``.venv/bin/python -m bench.bench_privacy [export] [retention] [audit]`` (all three by default).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import tracemalloc
import urllib.request

from sqlalchemy import event, text

from bench.harness import compare, create_database, flask, gunicorn, migrate

DB = "balai_bench_privacy"
DESA = "32.73.01.1001"
RESIDENTS = int(os.environ.get("BENCH_PRIVACY_RESIDENTS", "1000000"))


def _app(url: str, storage_dir: str):
    os.environ.update(DATABASE_URL=url, STORAGE_LOCAL_DIR=storage_dir, JOBS_IMMEDIATE="true", LOG_LEVEL="WARNING")
    from app import create_app

    return create_app()


def _ensure_areas(env: dict[str, str]) -> None:
    migrate(env)
    from sqlalchemy import create_engine

    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as conn:
        has = conn.execute(text("SELECT count(*) FROM areas")).scalar()
    engine.dispose()
    if not has:
        flask(["areas", "load"], env)


# --- (a) export ----------------------------------------------------------------------------------------------------


def bench_export(url: str) -> None:
    from app.accounts.privacy import export
    from app.accounts.privacy.models import DataExport
    from app.core.db import utcnow
    from app.core.storage import get_storage
    from app.extensions import db
    from tests.complaints.helpers import jpeg_bytes, picture

    with tempfile.TemporaryDirectory() as tmp:
        app = _app(url, tmp)
        with app.app_context():
            s = db.session
            now = utcnow()
            uid = s.execute(
                text(
                    "INSERT INTO users (name, phone, password_hash, role, home_area_code, home_rw, is_active, "
                    "created_at, updated_at, password_changed_at, last_active_at) VALUES ('Bench Export', "
                    ":phone, 'x', 'resident', :desa, 5, true, :now, :now, :now, :now) RETURNING id"
                ),
                {"phone": f"+62819{int(time.time()) % 10**8:08d}", "desa": DESA, "now": now},
            ).scalar_one()
            cids = (
                s.execute(
                    text(
                        "INSERT INTO complaints (tracking_number, reporter_id, category_id, status, version, title, "
                        "description, address, latitude, longitude, geo_cell, desa_code, rw, kabkota_code, "
                        "is_anonymous, is_public, is_listed, reporter_label, support_count, photo_count, "
                        "screening, is_flagged, created_at, updated_at, status_changed_at, awaiting_route) "
                        "SELECT 'BX' || :u || '-' || g, :u, 1, 'verified', 1, 'Jalan rusak ' || g, "
                        "repeat('Lubang besar di depan sekolah, sudah dua minggu. ', 8), 'Jl. Bench ' || g, -6.87, "
                        "107.59, 0, :desa, 5, '32.73', false, true, true, 'B*** E***', 0, 0, '{}', false, :now, :now, "
                        ":now, false FROM generate_series(1, 500) g RETURNING id"
                    ),
                    {"u": uid, "desa": DESA, "now": now},
                )
                .scalars()
                .all()
            )
            s.execute(
                text(
                    "INSERT INTO complaint_messages (complaint_id, author_id, from_reporter, author_role, visibility,"
                    " body, created_at) SELECT c, :u, true, 'resident', 'shared', 'Mohon ditindaklanjuti ya.', :now"
                    " FROM unnest(CAST(:ids AS bigint[])) c UNION ALL SELECT c, NULL, false, 'moderator', 'shared', "
                    "'Terima kasih, kami teruskan ke dinas.', :now FROM unnest(CAST(:ids AS bigint[])) c"
                ),
                {"u": uid, "ids": cids, "now": now},
            )
            s.execute(
                text(
                    "INSERT INTO complaint_history (complaint_id, from_status, to_status, actor_id, note, "
                    "created_at, event, is_internal) SELECT c, 'submitted', 'verified', NULL, 'Diverifikasi', :now, "
                    "'status', false FROM unnest(CAST(:ids AS bigint[])) c"
                ),
                {"ids": cids, "now": now},
            )
            photo = jpeg_bytes(picture(1280, 960))
            storage = get_storage()
            for i, cid in enumerate(cids[:100]):
                key = f"bench/{uid}/{i}.jpg"
                storage.put(key, photo, content_type="image/jpeg")
                s.execute(
                    text(
                        "INSERT INTO complaint_photos (complaint_id, kind, position, storage_key, thumbnail_key, "
                        "width, height, size_bytes, uploaded_by_id, created_at) VALUES (:c, 'intake', 1, :k, :k, "
                        "1280, 960, :n, :u, :now)"
                    ),
                    {"c": cid, "k": key, "n": len(photo), "u": uid, "now": now},
                )
            s.execute(
                text(
                    "INSERT INTO notifications (kind, title, body, user_id, created_at, push_status, push_attempts, "
                    "sent_count, failed_count, pruned_count) SELECT 'complaint_update', 'Aduan Anda diperbarui', "
                    "'Aduan BX-' || g || ' sekarang diproses oleh Dinas PU.', :u, :now, 'sent', 1, 1, 0, 0 "
                    "FROM generate_series(1, 2000) g"
                ),
                {"u": uid, "now": now},
            )
            e = DataExport(user_id=uid, status="pending", requested_at=now)
            s.add(e)
            s.commit()
            tracemalloc.start()
            t0 = time.perf_counter()
            assert export.build(e.id) == "ready"
            elapsed = time.perf_counter() - t0
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            s.commit()
            print(
                "(a) export of 1 resident: 500 complaints, 1,000 messages, 500 history entries, 100 photos, "
                "2,000 notifications"
            )
            print(
                f"  build {elapsed:.2f} s, peak Python memory {peak / 2**20:.1f} MiB, "
                f"archive {e.size_bytes / 2**20:.1f} MiB"
                f" ({e.file_count} files; photos {len(photo) // 1024} KB each)"
            )


# --- (b) retention -------------------------------------------------------------------------------------------------


def _ensure_residents(url: str) -> None:
    """1M residents: 3 % in the warning window, 1 % past the limit and warned 31 days ago; 200k old broadcasts."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        t0 = time.perf_counter()
        have = conn.execute(text("SELECT count(*) FROM users WHERE phone LIKE '+62818%'")).scalar()
        if have < RESIDENTS:
            conn.execute(
                text(
                    "INSERT INTO users (name, phone, password_hash, role, home_area_code, home_rw, is_active, "
                    "created_at, updated_at, password_changed_at, last_active_at) SELECT 'Warga ' || g, '+62818' || "
                    "lpad(g::text, 8, '0'), 'x', 'resident', :desa, 1 + g % 20, true, now() - interval '3 years', "
                    "now(), now(), now() - make_interval(days => CASE WHEN g % 100 < 3 THEN 710 WHEN g % 100 = 3 "
                    "THEN 800 ELSE g % 600 END) FROM generate_series(:start, :n) g"
                ),
                {"desa": DESA, "n": RESIDENTS, "start": have + 1},
            )
        conn.execute(
            text(
                "UPDATE users SET retention_warned_at = now() - interval '31 days' WHERE phone LIKE '+62818%' "
                "AND last_active_at < now() - interval '799 days' AND retention_warned_at IS NULL"
            )
        )
        old = conn.execute(text("SELECT count(*) FROM notifications WHERE title = 'Lama'")).scalar()
        conn.execute(
            text(
                "INSERT INTO notifications (kind, title, body, area_key, created_at, push_status, push_attempts, "
                "sent_count, failed_count, pruned_count) SELECT 'announcement', 'Lama', 'Pengumuman lama', :desa, "
                "now() - interval '400 days', 'sent', 1, 0, 0, 0 FROM generate_series(1, :n) g"
            ),
            {"desa": DESA, "n": max(200_000 - old, 0)},
        )
        conn.execute(text("ANALYZE users"))
        conn.execute(text("ANALYZE notifications"))
        print(f"  data ready ({RESIDENTS:,} residents, 200,000 old broadcasts) in {time.perf_counter() - t0:.0f} s")
    engine.dispose()


def _restore(url: str) -> None:
    """Undo the run so the next one finds the same work: un-anonymise, un-warn (old broadcasts are re-added)."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE users SET name = 'Warga ' || id, phone = '+62818' || lpad((id + 50000000)::text, 8, '0'), "
                "email = NULL, is_active = true, deleted_at = NULL, retention_warned_at = now() - interval '31 days',"
                " home_area_code = :desa WHERE email LIKE 'deleted-%@anonim.invalid'"
            ),
            {"desa": DESA},
        )
        conn.execute(
            text("UPDATE users SET retention_warned_at = NULL WHERE retention_warned_at > now() - interval '1 day'")
        )
        conn.execute(text("DELETE FROM notifications WHERE user_id IS NOT NULL AND title LIKE 'Akun Anda%'"))
    engine.dispose()


def bench_retention(url: str) -> None:
    from app.accounts.privacy import retention
    from app.extensions import db

    print(f"(b) retention over {RESIDENTS:,} residents (PostgreSQL)")
    _ensure_residents(url)
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(url, tmp)
        with app.app_context():
            counter = {"n": 0}

            def count(*_a) -> None:
                counter["n"] += 1

            event.listen(db.engine, "before_cursor_execute", count)
            for label in ("first run", "second run"):
                counter["n"] = 0
                t0 = time.perf_counter()
                report = retention.run(apply=True)
                elapsed = time.perf_counter() - t0
                print(
                    f"  {label}: {elapsed:.1f} s, {counter['n']:,} statements, "
                    f"batches of at most {app.config['PRIVACY_RETENTION_BATCH']} rows (a commit after each)"
                )
                for name, figures in report.items():
                    print(f"    {name:<20} {figures['rows']:>8,} rows in {figures['batches']:>4} batch(es)")
            event.remove(db.engine, "before_cursor_execute", count)
            db.session.remove()
    _restore(url)


# --- (c) audit -----------------------------------------------------------------------------------------------------


def _post(url: str, body: dict, headers: dict | None = None) -> dict:
    req = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json", **(headers or {})}
    )
    return json.load(urllib.request.urlopen(req))


def bench_audit(url: str) -> None:
    env = {"DATABASE_URL": url}
    flask(
        [
            "users",
            "create",
            "--role",
            "moderator",
            "--area",
            "32.73",
            "--name",
            "Bench Moderator",
            "--email",
            f"mod{int(time.time())}@bench.id",
            "--password",
            "bench-password-1",
        ],
        env,
    )
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        mod_email = conn.execute(
            text("SELECT email FROM users WHERE role = 'moderator' AND name = 'Bench Moderator' ORDER BY id DESC")
        ).scalar()
        cid = conn.execute(
            text(
                "SELECT id FROM complaints WHERE status IN ('verified', 'submitted') AND NOT is_anonymous"
                " ORDER BY id DESC LIMIT 1"
            )
        ).scalar()
    ratios: dict[str, float] = {}
    for enabled in ("true", "false"):
        with gunicorn({**env, "ACCESS_AUDIT_ENABLED": enabled}) as base:
            if cid is None:
                reporter = _post(
                    base + "/api/v1/auth/register",
                    {
                        "name": "Bench Reporter",
                        "phone": "081977770001",
                        "password": "bench-password-1",
                        "home_area_code": DESA,
                    },
                )
                created = _post(
                    base + "/api/v1/complaints",
                    {
                        "category_id": 1,
                        "title": "Jalan rusak",
                        "description": "Lubang besar di depan sekolah.",
                        "latitude": -6.8706,
                        "longitude": 107.5905,
                        "desa_code": DESA,
                        "rw": 5,
                        "is_anonymous": False,
                        "is_public": True,
                    },
                    {"Authorization": "Bearer " + reporter["access_token"], "Idempotency-Key": "bench-1"},
                )
                cid = created["id"]
            tokens = _post(base + "/api/v1/auth/login", {"login": mod_email, "password": "bench-password-1"})
            auth = {"Authorization": "Bearer " + tokens["access_token"]}
            label = f"staff GET /complaints/{{id}} audit {'on' if enabled == 'true' else 'off'}"
            print(f"(c) ACCESS_AUDIT_ENABLED={enabled}: gunicorn -w 2 (sync), wrk -t1 -c16, best of 3 x 8 s")
            ratios.update(compare(base, {label: (f"/api/v1/complaints/{cid}", auth)}))
    with engine.begin() as conn:
        rows = conn.execute(text("SELECT count(*) FROM access_log")).scalar()
    engine.dispose()
    on, off = ratios["staff GET /complaints/{id} audit on"], ratios["staff GET /complaints/{id} audit off"]
    print(f"  throughput with the access log / without: {on / off:.2f} ({rows:,} access-log rows in the database)")
    _in_process(url, cid, mod_email)


def _in_process(url: str, cid: int, login: str, n: int = 300) -> None:
    """The same read in process (no network, no load generator): median ms per request, best of 3 rounds each."""
    import statistics

    with tempfile.TemporaryDirectory() as tmp:
        app = _app(url, tmp)
        client = app.test_client()
        tokens = client.post("/api/v1/auth/login", json={"login": login, "password": "bench-password-1"}).get_json()
        auth = {"Authorization": "Bearer " + tokens["access_token"]}
        best: dict[bool, float] = {}
        for _ in range(3):
            for enabled in (True, False):
                app.config["ACCESS_AUDIT_ENABLED"] = enabled
                times = []
                for _ in range(n):
                    t0 = time.perf_counter()
                    assert client.get(f"/api/v1/complaints/{cid}", headers=auth).status_code == 200
                    times.append(time.perf_counter() - t0)
                best[enabled] = min(best.get(enabled, 1e9), statistics.median(times) * 1000)
    print(
        f"  in process, median of {n} (best of 3): {best[True]:.2f} ms with the access log, {best[False]:.2f} ms "
        f"without: +{best[True] - best[False]:.2f} ms ({best[True] / best[False]:.2f}x)"
    )


def main(parts: list[str] | None = None) -> None:
    parts = parts or ["export", "retention", "audit"]
    url = create_database(DB)
    _ensure_areas({"DATABASE_URL": url})
    if "export" in parts:
        bench_export(url)
    if "retention" in parts:
        bench_retention(url)
    if "audit" in parts:
        bench_audit(url)


if __name__ == "__main__":
    main(sys.argv[1:])
