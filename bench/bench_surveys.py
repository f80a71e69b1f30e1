"""Issue 13 figures on PostgreSQL: a 10-question province survey with 1M responses (``bench/surveys_data.py``).

- ``GET /api/v1/surveys/{id}/results`` as a province admin: median and p95 of 10 sequential requests after a
  warm-up (target < 1 s), for the whole province, with the kab/kota breakdown, and for Kota Bandung only;
- ``POST /api/v1/surveys/{id}/responses`` (a full 10-question answer, a different resident per request) and
  ``GET /api/v1/surveys`` (a Kota Bandung resident: 21 surveys and polls) as % of ``GET /healthz``: gunicorn with 2
  sync workers, wrk -t1 -c16, best of 3 rounds of 8 s, measured alternately in the same run (targets 30 % / 50 %),
  with ``GET /api/v1/me`` (one authenticated round trip) as a reference, and the submit's CPU per request in the API
  workers and in PostgreSQL against what 30 % of ``/healthz`` allows (``harness.print_cpu_budget``);
- the export job (what ``POST /api/v1/surveys/{id}/exports`` enqueues), run in a process of its own as a worker
  runs it: time, file size and the process's peak memory (``VmHWM``) before and after, for a second survey with a
  tenth of the responses and for the 1M one (flat: about the same peak); ``BENCH_SURVEY_XLSX=1`` adds the XLSX
  file of the small one.

``BENCH_SURVEYS_DATABASE_URL`` (default ``…/balai_bench_surveys``) is created and filled once (a few minutes) and
kept; ``BENCH_SURVEY_RESPONSES`` changes the count.
"""

from __future__ import annotations

import functools
import json
import os
import statistics
import tempfile

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.core.db import ensure_database
from bench.bench_complaints import post_json
from bench.bench_handling import latencies, p95
from bench.harness import (
    cpu_per_request,
    flask,
    gunicorn,
    migrate,
    print_cpu_budget,
    print_table,
    record,
    record_ms,
    record_ratio,
    wrk,
)
from bench.surveys_data import MEDIUM_TITLE, build_medium_survey, build_surveys, generate_responses, is_complete

DATABASE_URL = os.environ.get(
    "BENCH_SURVEYS_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/balai_bench_surveys"
)
COUNT = int(os.environ.get("BENCH_SURVEY_RESPONSES", "1000000"))
PASSWORD = "bench-password-13"
ADMIN_PHONE = "+6281300130001"
RESIDENTS = 60_000
RESULTS_TARGET_S = 1.0
SUBMIT_TARGET, LIST_TARGET = 0.30, 0.50
#: The second survey, for the export job's memory at a tenth of the responses.
MEDIUM = COUNT // 10

#: One export job in a process of its own: (VmHWM before, VmHWM after) shows the job's peak memory.
EXPORT_JOB = r"""
import json, sys, time
from app import create_app
from app.config import Config
app = create_app(Config.from_env())
from app.accounts.privacy import export
from app.accounts.privacy.models import DataExport
from app.core.db import utcnow
from app.extensions import db
def hwm():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM"))
with app.app_context():
    e = DataExport(user_id=int(sys.argv[1]), kind=sys.argv[3], subject_id=int(sys.argv[2]), status="pending",
                   requested_at=utcnow())
    db.session.add(e)
    db.session.commit()
    export_id = e.id
before = hwm()
started = time.perf_counter()
outcome = export.build_data_export.call_local(export_id)
seconds = time.perf_counter() - started
with app.app_context():
    e = db.session.get(DataExport, export_id)
    print(json.dumps({"outcome": outcome, "seconds": seconds, "before": before, "peak": hwm(), "size": e.size_bytes}))
"""

SUBMIT_SCRIPT = """
local tokens = {%(tokens)s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("POST", "%(path)s", {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[i]}, '%(body)s')
end
"""
LIST_SCRIPT = """
local tokens = {%(tokens)s}
local i = 0
request = function()
  i = i %% #tokens + 1
  return wrk.format("GET", "/api/v1/surveys", {["Authorization"] = "Bearer " .. tokens[i]})
end
"""
LIST_RESIDENTS = 1000


def _app():
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ["ACCESS_TOKEN_MINUTES"] = "120"
    from app import create_app
    from app.config import Config

    return create_app(Config.from_env())


def prepare() -> tuple[dict[str, str], int]:
    env = {"DATABASE_URL": DATABASE_URL}
    ensure_database(DATABASE_URL)
    survey_id = is_complete(DATABASE_URL, count=COUNT)
    if survey_id is not None:
        migrate(env)
        print(f"using the generated data in {make_url(DATABASE_URL).database}")
        _people(_app())
        return env, survey_id
    print(f"generating a 10-question survey with {COUNT:,} responses ...", flush=True)
    ensure_database(DATABASE_URL, drop=True)
    migrate(env)
    flask(["areas", "load"], env)
    app = _app()
    survey_id = build_surveys(app)
    seconds = generate_responses(DATABASE_URL, survey_id, count=COUNT)
    _fill_tally()
    print(f"  done in {seconds:.0f} s", flush=True)
    _people(app)
    return env, survey_id


def prepare_medium(app) -> int:
    """The ``MEDIUM``-response survey (same questions), generated once next to the big one and kept."""
    survey_id = is_complete(DATABASE_URL, count=MEDIUM, title=MEDIUM_TITLE)
    if survey_id is not None:
        return survey_id
    from surveys.tally import backfill

    print(f"generating a second survey with {MEDIUM:,} responses ...", flush=True)
    engine = create_engine(DATABASE_URL)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM surveys WHERE title = :t"), {"t": MEDIUM_TITLE})
    survey_id = build_medium_survey(app)
    generate_responses(DATABASE_URL, survey_id, count=MEDIUM, rebuild=False)
    with engine.begin() as conn:
        for statement in backfill(survey_id):
            conn.execute(text(statement))
    engine.dispose()
    return survey_id


def _fill_tally() -> None:
    """The generated answers go around ``surveys.tally``: build their tally set-based, as the migration does."""
    from surveys.tally import BACKFILL

    engine = create_engine(DATABASE_URL)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM survey_tallies"))
        for statement in BACKFILL:
            conn.execute(text(statement))
        conn.execute(text("ANALYZE survey_tallies"))
    engine.dispose()


def _people(app) -> None:
    """The province admin and ``RESIDENTS`` residents of Kota Bandung (SQL; no password hashing for them)."""
    from app.accounts.passwords import hash_password

    engine = create_engine(DATABASE_URL)
    with engine.connect() as conn:
        if conn.execute(text("SELECT 1 FROM users WHERE phone = :p"), {"p": ADMIN_PHONE}).scalar():
            return
    with app.app_context():
        password_hash = hash_password(PASSWORD)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (name, phone, password_hash, role, scope_area_code, is_active, created_at, "
                "updated_at, password_changed_at) VALUES ('Admin Provinsi', :p, :h, 'admin', '32', true, now(), "
                "now(), now())"
            ),
            {"p": ADMIN_PHONE, "h": password_hash},
        )
        conn.execute(
            text(
                "INSERT INTO users (name, phone, password_hash, role, home_area_code, home_rw, is_active, created_at, "
                "updated_at, password_changed_at) SELECT 'Warga ' || g, '+628139' || lpad(g::text, 8, '0'), 'x', "
                "'resident', '32.73.01.1001', 1 + g % 9, true, now(), now(), now() FROM generate_series(1, :n) g"
            ),
            {"n": RESIDENTS},
        )
    engine.dispose()


def _tokens(app, *, survey_id: int, count: int) -> list[str]:
    """Access tokens (and their sessions) of ``count`` residents who have not answered the survey yet."""
    import secrets

    from flask_jwt_extended import create_access_token

    engine = create_engine(DATABASE_URL)
    with engine.begin() as conn:
        ids = (
            conn.execute(
                text(
                    "SELECT u.id FROM users u WHERE u.role = 'resident' AND NOT EXISTS (SELECT 1 FROM "
                    "survey_participations p WHERE p.survey_id = :s AND p.user_id = u.id) ORDER BY u.id LIMIT :n"
                ),
                {"s": survey_id, "n": count},
            )
            .scalars()
            .all()
        )
        rows = [{"id": secrets.token_hex(16), "user_id": uid} for uid in ids]
        conn.execute(
            text(
                "INSERT INTO auth_sessions (id, user_id, refresh_jti, created_at, last_used_at, expires_at) "
                "VALUES (:id, :user_id, 'x', now(), now(), now() + interval '1 day')"
            ),
            rows,
        )
    engine.dispose()
    with app.app_context():
        return [
            create_access_token(identity=str(r["user_id"]), additional_claims={"sid": r["id"], "role": "resident"})
            for r in rows
        ]


def _answer_body(survey_id: int) -> str:
    engine = create_engine(DATABASE_URL)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT q.id, q.type, array_agg(o.id ORDER BY o.position) FILTER (WHERE NOT o.is_row), "
                "array_agg(o.id ORDER BY o.position) FILTER (WHERE o.is_row) FROM survey_questions q "
                "LEFT JOIN survey_options o ON o.question_id = q.id WHERE q.survey_id = :s GROUP BY q.id, q.type, "
                "q.position ORDER BY q.position"
            ),
            {"s": survey_id},
        ).all()
    engine.dispose()
    answers = []
    for qid, kind, opts, rows_ in rows:
        answers.append(
            {
                "single_choice": {"option_id": (opts or [0])[0]},
                "multiple_choice": {"option_ids": (opts or [])[:2]},
                "ranking": {"ranking": list(reversed(opts or []))},
                "matrix": {"rows": [{"row_id": r, "option_id": (opts or [0])[1]} for r in rows_ or []]},
                "rating": {"value": 4},
                "scale": {"value": 9},
                "number": {"value": 42.5},
                "yes_no": {"yes": True},
                "short_text": {"text": "Pelayanan cepat"},
            }[kind]
            | {"question_id": qid}
        )
    return json.dumps({"answers": answers})


def measure_results(base: str, admin: dict[str, str], survey_id: int) -> float:
    url = f"/api/v1/surveys/{survey_id}/results"
    cases = {
        "whole province": url,
        "whole province, by kab/kota": url + "?breakdown=kabkota",
        "Kota Bandung (area=32.73)": url + "?area=32.73",
        "Kota Bandung, by kecamatan": url + "?area=32.73&breakdown=kecamatan",
    }
    print(f"GET {url} as a province admin ({COUNT:,} responses), 10 sequential requests after 2 warm-up:")
    first = 0.0
    for name, path in cases.items():
        times = latencies(base + path, admin, warmup=2, requests=10)
        median = statistics.median(times)
        first = first or median
        print(f"  {name:<32} median {median * 1000:7.0f} ms   p95 {p95(times) * 1000:7.0f} ms")
        record_ms(f"survey results, {name} (median)", median, RESULTS_TARGET_S * 1000)
    print(f"  target < {RESULTS_TARGET_S:.0f} s (whole province): {'met' if first < RESULTS_TARGET_S else 'NOT met'}")
    return first


def measure_throughput(base: str, app, survey_id: int, resident_headers: dict[str, str], master: int) -> None:
    path = f"/api/v1/surveys/{survey_id}/responses"
    body = _answer_body(survey_id).replace("'", "\\'")
    best = {"healthz": 0.0, "submit": 0.0, "list": 0.0, "list_many": 0.0, "me": 0.0}
    many = _tokens(app, survey_id=-1, count=LIST_RESIDENTS)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LIST_SCRIPT % {"tokens": ",".join(f'"{t}"' for t in many)})
    list_many = script.name

    def submit_run(seconds: int, measure=wrk) -> dict[str, float]:
        tokens = _tokens(app, survey_id=survey_id, count=2500 * seconds)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(SUBMIT_SCRIPT % {"tokens": ",".join(f'"{t}"' for t in tokens), "path": path, "body": body})
        try:
            return measure(base + path, script=script.name, seconds=seconds)
        finally:
            os.unlink(script.name)

    wrk(base + "/healthz", seconds=2)
    submit_run(2)
    wrk(base + "/api/v1/surveys", headers=resident_headers, seconds=2)
    for _ in range(3):
        best["healthz"] = max(best["healthz"], wrk(base + "/healthz", seconds=8)["rps"])
        best["submit"] = max(best["submit"], submit_run(8)["rps"])
        best["list"] = max(best["list"], wrk(base + "/api/v1/surveys", headers=resident_headers, seconds=8)["rps"])
        best["list_many"] = max(best["list_many"], wrk(base + "/api/v1/surveys", script=list_many, seconds=8)["rps"])
        best["me"] = max(best["me"], wrk(base + "/api/v1/me", headers=resident_headers, seconds=8)["rps"])
    print("gunicorn -w 2 (sync), PostgreSQL, wrk -t1 -c16, best of 3 x 8 s:")
    print(f"  {'GET /healthz':<44} {best['healthz']:>8.0f} req/s   (baseline)")
    for name, label, target in (
        ("submit", f"POST {path}", SUBMIT_TARGET),
        ("list", "GET /api/v1/surveys", LIST_TARGET),
        ("list_many", f"GET /api/v1/surveys ({LIST_RESIDENTS:,} residents in turn)", LIST_TARGET),
    ):
        ratio = best[name] / best["healthz"]
        verdict = "met" if ratio >= target else "NOT met"
        print(f"  {label:<44} {best[name]:>8.0f} req/s   {ratio * 100:5.1f} %  (target {target:.0%}: {verdict})")
        record_ratio(f"survey {name}", ratio, target)
    os.unlink(list_many)
    healthz = cpu_per_request(base + "/healthz", master)
    print_cpu_budget(f"POST {path}", healthz, submit_run(8, functools.partial(cpu_per_request, master=master)),
                     SUBMIT_TARGET)  # fmt: skip
    me = best["me"] / best["healthz"]
    print(f"  {'GET /api/v1/me (reference: one round trip)':<44} {best['me']:>8.0f} req/s   {me * 100:5.1f} %")
    record("GET /api/v1/me (reference for the survey figures)", target="-", measured=f"{me:.1%} of /healthz", met=None)


def _export_job(survey_id: int, kind: str, storage_dir: str) -> dict:
    import subprocess
    import sys

    engine = create_engine(DATABASE_URL)
    with engine.connect() as conn:
        admin_id = conn.execute(text("SELECT id FROM users WHERE phone = :p"), {"p": ADMIN_PHONE}).scalar_one()
    engine.dispose()
    env = {**os.environ, "DATABASE_URL": DATABASE_URL, "STORAGE_LOCAL_DIR": storage_dir, "PYTHONPATH": "."}
    out = subprocess.run(
        [sys.executable, "-c", EXPORT_JOB, str(admin_id), str(survey_id), kind],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def measure_export(app, survey_id: int, *, xlsx: bool = False) -> None:
    """The export job (``POST /surveys/{id}/exports`` enqueues it) run in a process of its own, as a worker runs it:
    time, file size and the process's peak memory above what it had before the job, at ``MEDIUM`` and ``COUNT``
    responses (flat: the two peaks are about the same)."""
    medium = prepare_medium(app)
    cases = [("survey_csv", medium, MEDIUM), ("survey_csv", survey_id, COUNT)]
    if xlsx:
        cases.insert(1, ("survey_xlsx", medium, MEDIUM))
    print("export job (CSV/XLSX streamed to storage), one process each:")
    with tempfile.TemporaryDirectory() as storage_dir:
        for kind, sid, count in cases:
            r = _export_job(sid, kind, storage_dir)
            assert r["outcome"] == "ready", r
            growth = (r["peak"] - r["before"]) / 1024
            print(
                f"  {kind} of {count:>9,} responses: {r['seconds']:6.1f} s, {r['size'] / 1e6:6.0f} MB, "
                f"peak memory {r['before'] / 1024:.0f} -> {r['peak'] / 1024:.0f} MiB (+{growth:.0f} MiB)"
            )
            record_ms(f"survey export job, {kind} of {count:,} responses", r["seconds"], None)
            record(
                f"survey export job, {kind} of {count:,} responses, peak memory",
                target="flat",
                measured=f"+{growth:.0f} MiB (peak {r['peak'] / 1024:.0f} MiB)",
                met=None,
            )


def main() -> None:
    env, survey_id = prepare()
    app = _app()
    server_env = {**env, "ACCESS_TOKEN_MINUTES": "120"}
    master: list[int] = []
    with gunicorn(server_env, pid=master) as base:
        admin = log_in_admin(base)
        measure_results(base, admin, survey_id)
        [lister] = _tokens(app, survey_id=-1, count=1)
        measure_throughput(base, app, survey_id, {"Authorization": f"Bearer {lister}"}, master[0])
    measure_export(app, survey_id, xlsx=os.environ.get("BENCH_SURVEY_XLSX") == "1")
    if __name__ == "__main__":
        print_table()


def log_in_admin(base: str) -> dict[str, str]:
    status, tokens = post_json(base + "/api/v1/auth/login", {"login": ADMIN_PHONE, "password": PASSWORD})
    assert status == 200, tokens
    return {"Authorization": f"Bearer {tokens['access_token']}"}


if __name__ == "__main__":
    main()
