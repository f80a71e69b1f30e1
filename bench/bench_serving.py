"""Issue 15, points 1 and 7: which gunicorn serving model, and how throughput grows with more API processes.

(1) **Serving models** on the 1M-complaint database of ``bench_complaints`` (``balai_bench_intake``): gunicorn
``-w 2`` with sync workers, stock gthread (4 threads), ``app.serving.BalaiWorker`` (gthread, 8 threads: what
``gunicorn.conf.py`` runs) and gevent (100 connections per worker). For each: ``GET /healthz``, the public feed
(area + status), a signed-in ``GET /api/v1/me`` and ``POST /api/v1/complaints``; wrk -t1 -c16, best of
``BENCH_SERVING_ROUNDS`` (2) rounds of 6 s, alternating; req/s, the ratio to that model's own ``/healthz``, and p99.

(2) **Scale-out, simulated**: 1, 2 and 4 separate API servers (each its own gunicorn master, ``gunicorn.conf.py``'s
worker with one process, as if on separate machines) on loopback against one PostgreSQL; a wrk per server at
once on the public feed; total req/s, and the CPU seconds that the API processes and PostgreSQL used per 1,000
requests (from ``/proc``), which shows what saturates first.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import subprocess
import sys
import tempfile
import time
import uuid

from bench.bench_complaints import FEED, POST_SCRIPT, prepare, sign_in
from bench.harness import cpu_seconds, gunicorn, postgres_pids, process_tree, record, record_ratio, wrk

ROUNDS = int(os.environ.get("BENCH_SERVING_ROUNDS", "2"))
SECONDS = 6
MODELS: dict[str, dict] = {
    "sync -w 2": {"worker_class": "sync", "threads": 1},
    "gthread -w 2 x 4 threads": {"worker_class": "gthread", "threads": 4},
    "BalaiWorker -w 2 x 8 threads (default)": {"worker_class": "app.serving.BalaiWorker", "threads": 8},
    "BalaiWorker -w 2 x 2 threads": {"worker_class": "app.serving.BalaiWorker", "threads": 2},
    "gevent -w 2 x 100 connections": {"worker_class": "gevent", "threads": 1, "extra": ["--worker-connections", "100"]},
}


def _server_env(env: dict[str, str], uploads: str, pool: int) -> dict[str, str]:
    return {
        **env,
        "RATELIMIT_COMPLAINT_SUBMIT": "1000000 per hour",
        "ACCESS_TOKEN_MINUTES": "120",
        "STORAGE_LOCAL_DIR": uploads,
        "DB_POOL_SIZE": str(pool),
    }


def _targets(base: str) -> dict[str, dict]:
    auth = sign_in(base)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(POST_SCRIPT % {"run": uuid.uuid4().hex[:12], "token": auth["Authorization"][7:]})
    return {
        "feed": {"path": FEED},
        "me": {"path": "/api/v1/me", "headers": auth},
        "post": {"path": "/api/v1/complaints", "script": script.name},
    }


def _measure(base: str, targets: dict[str, dict]) -> dict[str, dict[str, float]]:
    """Best req/s (with that round's p99) of /healthz and each target, measured alternately."""
    for t in [{"path": "/healthz"}, *targets.values()]:
        wrk(base + t["path"], headers=t.get("headers"), script=t.get("script"), seconds=2)  # warm-up
    best: dict[str, dict[str, float]] = {}
    for _ in range(ROUNDS):
        for name, t in [("healthz", {"path": "/healthz"}), *targets.items()]:
            got = wrk(base + t["path"], headers=t.get("headers"), script=t.get("script"), seconds=SECONDS)
            if got["rps"] > best.get(name, {"rps": 0.0})["rps"]:
                best[name] = got
    return best


def serving_models(env: dict[str, str]) -> None:
    print(f"serving models, PostgreSQL, wrk -t1 -c16, best of {ROUNDS} x {SECONDS} s, load {os.getloadavg()[0]:.1f}:")
    print(f"  {'model':<40} {'healthz':>8} {'feed':>14} {'me':>14} {'POST':>14}   p99 feed / POST")
    rows = {}
    with tempfile.TemporaryDirectory() as uploads:
        only = os.environ.get("BENCH_SERVING_ONLY", "")  # e.g. "gevent": the models whose name contains it
        for model, opts in MODELS.items():
            if only not in model:
                continue
            threads = opts["threads"]
            pool = 16 if opts["worker_class"] == "gevent" else threads
            try:
                with gunicorn(_server_env(env, uploads, pool), **opts) as base:
                    targets = _targets(base)
                    try:
                        best = _measure(base, targets)
                    finally:
                        os.unlink(targets["post"]["script"])
            except (RuntimeError, subprocess.SubprocessError) as exc:  # error answers, or a worker that hung
                first = str(exc).splitlines()[0]
                print(f"  {model:<40} failed: {first}", flush=True)
                record(f"serving {model}", target="-", measured=f"failed ({first[:60]})", met=None)
                continue
            h = best["healthz"]["rps"]
            rows[model] = {k: v["rps"] / h for k, v in best.items()}

            def cell(name: str, best: dict = best, h: float = h) -> str:
                return f"{best[name]['rps']:6.0f} ({best[name]['rps'] / h:4.0%})"

            print(
                f"  {model:<40} {h:8.0f} {cell('feed'):>14} {cell('me'):>14} {cell('post'):>14}"
                f"   {best['feed']['p99_ms']:.0f} / {best['post']['p99_ms']:.0f} ms",
                flush=True,
            )
            for name in ("feed", "me", "post"):
                record(
                    f"serving {model}: {name} req/s (% of its /healthz)",
                    target="-",
                    measured=f"{best[name]['rps']:.0f} ({best[name]['rps'] / h:.0%})",
                    met=None,
                )
    default = rows.get("BalaiWorker -w 2 x 8 threads (default)")
    if default:
        record_ratio("default serving model: POST /complaints", default["post"], 0.30)


def scale_out(env: dict[str, str]) -> None:
    cores = os.cpu_count() or 1
    print(f"scale-out on loopback ({cores} cores), one PostgreSQL, N API servers x 1 worker, a wrk -c8 on each:")
    print(f"  {'servers':<8} {'req/s':>8} {'per server':>11} {'API CPU s / 1k req':>20} {'PostgreSQL CPU s / 1k':>22}")
    first = None
    with tempfile.TemporaryDirectory() as uploads:
        for n in (1, 2, 4):
            masters: list[int] = []
            with contextlib.ExitStack() as stack:
                bases = [
                    stack.enter_context(
                        gunicorn(_server_env(env, uploads, 8), workers=1, worker_class="app.serving.BalaiWorker",
                                 threads=8, pid=masters)
                    )
                    for _ in range(n)
                ]  # fmt: skip
                for base in bases:
                    wrk(base + FEED, seconds=2, connections=8)
                api = [p for m in masters for p in process_tree(m)]
                pg = postgres_pids()
                api0, pg0 = cpu_seconds(api), cpu_seconds(pg)
                with concurrent.futures.ThreadPoolExecutor(n) as pool:
                    got = list(pool.map(lambda b: wrk(b + FEED, seconds=SECONDS * 2, connections=8), bases))
                api_cpu, pg_cpu = cpu_seconds(api) - api0, cpu_seconds(pg) - pg0
            rps = sum(g["rps"] for g in got)
            first = first or rps
            requests = rps * SECONDS * 2 / 1000
            print(
                f"  {n:<8} {rps:8.0f} {rps / n:11.0f} {api_cpu / requests:20.2f} {pg_cpu / requests:22.2f}",
                flush=True,
            )
            record(
                f"scale-out: {n} API server(s), public feed",
                target="grows until the database saturates",
                measured=f"{rps:.0f} req/s ({rps / first:.2f}x)",
                met=None,
            )


def main(parts: list[str] | None = None) -> None:
    """``parts``: ``models`` and/or ``scale`` (both by default)."""
    parts = parts or ["models", "scale"]
    env = prepare()
    t0 = time.perf_counter()
    if "models" in parts:
        serving_models(env)
    if "scale" in parts:
        scale_out(env)
    print(f"({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main(sys.argv[1:])
