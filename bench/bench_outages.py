"""Issue 16 figures: requests failed while PostgreSQL connections are terminated under load; log-ins while Redis is
unreachable.

(a) gunicorn (2 sync workers) on PostgreSQL under a read/write mix from a Python thread pool (reads: authenticated
``GET /api/v1/me``, ``GET /api/v1/me/notifications``, ``GET /api/v1/areas/<desa>`` with the area cache off;
writes: ``PATCH /api/v1/me``), first ``BENCH_OUTAGE_CALM`` seconds undisturbed, then ``BENCH_OUTAGE_SECONDS``
(30) seconds while another connection runs ``pg_terminate_backend`` on every API connection once a second. Prints
answers by kind and status (target: 0 failed reads; writes fail only with 503) and the throughput of each phase as
a ratio of ``GET /healthz`` measured by the same client in the same run.

(b) gunicorn whose ``RATELIMIT_STORAGE_URI`` and ``REDIS_URL`` point at a closed port: ``BENCH_OUTAGE_LOGINS``
(100) log-ins from the thread pool (target: every one answered 200, none 500) and what ``/readyz`` says.

The database ``balai_bench_outages`` is kept between runs; ``BENCH_OUTAGE_THREADS=N`` runs (a) on the production
worker (BalaiWorker, N threads) instead. Run: ``.venv/bin/python -m bench.bench_outages [a] [b]``.
"""

from __future__ import annotations

import http.client
import json
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from sqlalchemy import create_engine, text

from bench.harness import create_database, flask, free_port, gunicorn, migrate

DATABASE = "balai_bench_outages"
DESA = "32.73.01.1001"
PASSWORD = "bench-password-1"
USERS = 16
CLIENTS = int(os.environ.get("BENCH_OUTAGE_CLIENTS", "8"))
CALM = int(os.environ.get("BENCH_OUTAGE_CALM", "10"))
OUTAGE = int(os.environ.get("BENCH_OUTAGE_SECONDS", "30"))
LOGINS = int(os.environ.get("BENCH_OUTAGE_LOGINS", "100"))
#: ``BENCH_OUTAGE_THREADS=N``: the production worker (gunicorn.conf.py's BalaiWorker, N threads, a read connection
#: per thread) instead of the harness's sync workers.
THREADS = int(os.environ.get("BENCH_OUTAGE_THREADS", "0"))
WORKER = ["-k", "app.serving.BalaiWorker", "--threads", str(THREADS)] if THREADS else []
#: The limits stay on, high enough that one benchmark client address is not what the figures measure.
GENEROUS = {
    name: "100000 per minute"
    for name in (
        "RATELIMIT_LOGIN_IP",
        "RATELIMIT_LOGIN_ACCOUNT",
        "RATELIMIT_REGISTER_IP",
        "RATELIMIT_REGISTER_ACCOUNT",
        "RATELIMIT_REGISTER_CONFLICT_IP",
        "RATELIMIT_PROFILE_IP",
        "RATELIMIT_PROFILE_ACCOUNT",
    )
}


class Client:
    """One HTTP/1.1 connection per thread (reopened whenever the server closes it)."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.conn: http.client.HTTPConnection | None = None

    def call(self, method: str, path: str, body: dict | None = None, headers: dict | None = None) -> tuple[int, bytes]:
        """Status and body; status 0 when the connection failed (no answer at all)."""
        hdrs = {"Content-Type": "application/json", **(headers or {})} if body is not None else dict(headers or {})
        data = json.dumps(body).encode() if body is not None else None
        reused = self.conn is not None
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            self.conn.request(method, path, body=data, headers=hdrs)
            resp = self.conn.getresponse()
            payload = resp.read()
        except OSError:  # includes RemoteDisconnected: no answer
            self.conn.close()
            self.conn = None
            if reused:  # a kept-alive socket the server had closed: the request never reached it, send it again
                return self.call(method, path, body, headers)
            return 0, b""
        if resp.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return resp.status, payload


_local = threading.local()


def client_for(base: str) -> Client:
    if getattr(_local, "client", None) is None:
        _local.client = Client(base)
    return _local.client


def load(base: str, seconds: float, step: Callable[[Client, int], tuple[str, int]]) -> tuple[Counter, float]:
    """Run ``step`` from ``CLIENTS`` threads for ``seconds``; answers counted by (kind, status); requests/s."""
    counts: Counter = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(n: int) -> None:
        client = Client(base)
        i = n
        local: Counter = Counter()
        while time.monotonic() < deadline:
            local[step(client, i)] += 1
            i += CLIENTS
        with lock:
            counts.update(local)

    started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(worker, range(CLIENTS)))
    return counts, sum(counts.values()) / (time.monotonic() - started)


def prepare(env: dict[str, str]) -> None:
    migrate(env)
    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as conn:
        has_areas = conn.execute(text("SELECT EXISTS (SELECT 1 FROM areas)")).scalar()
    engine.dispose()
    if not has_areas:
        flask(["areas", "load"], env)


def sign_in(base: str) -> list[dict[str, str]]:
    client, headers = Client(base), []
    for n in range(USERS):
        phone = f"08129999{n:04d}"
        user = {"name": f"Bench {n}", "phone": phone, "password": PASSWORD, "home_area_code": DESA, "home_rw": 1}
        client.call("POST", "/api/v1/auth/register", user)  # 201, or 409 on a re-run
        status, body = client.call("POST", "/api/v1/auth/login", {"login": phone, "password": PASSWORD})
        assert status == 200, (status, body)
        headers.append({"Authorization": "Bearer " + json.loads(body)["access_token"]})
    return headers


def terminator(url: str, stop: threading.Event, killed: list[int]) -> None:
    """Once a second, end every client connection to the benchmark database but its own."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
    sql = text(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
    )
    with engine.connect() as conn:
        while not stop.wait(1.0):
            killed.append(conn.execute(sql).scalar_one())
    engine.dispose()


def report(title: str, counts: Counter, rps: float, healthz: float) -> None:
    print(f"  {title}: {rps:7.0f} req/s = {rps / healthz * 100:5.1f} % of /healthz")
    for kind in ("read", "write"):
        by_status = {status: n for (k, status), n in sorted(counts.items()) if k == kind}
        print(f"    {kind:<5} {sum(by_status.values()):>7} answers  by status {by_status}")


def bench_terminations(tmp: str) -> None:
    env = {
        "DATABASE_URL": create_database(DATABASE),
        "AREA_CACHE_SECONDS": "0",
        "LOG_LEVEL": "ERROR",
        "JOBS_SQLITE_PATH": f"{tmp}/jobs.sqlite3",
        "STORAGE_LOCAL_DIR": f"{tmp}/uploads",
        **GENEROUS,
    }
    prepare(env)
    with gunicorn(env, extra=WORKER) as base:
        auth = sign_in(base)

        def healthz(client: Client, _i: int) -> tuple[str, int]:
            return "read", client.call("GET", "/healthz")[0]

        def mix(client: Client, i: int) -> tuple[str, int]:
            headers = auth[i % USERS]
            if i % 5 == 4:
                return "write", client.call("PATCH", "/api/v1/me", {"name": f"Bench {i % 997}"}, headers)[0]
            path = ("/api/v1/me", "/api/v1/me/notifications", f"/api/v1/areas/{DESA}")[i % 3]
            return "read", client.call("GET", path, headers=headers)[0]

        kind = f"BalaiWorker x {THREADS} threads" if THREADS else "sync"
        print(f"(a) gunicorn -w 2 ({kind}), PostgreSQL, {CLIENTS} client threads, 4 reads : 1 write")
        _, healthz_rps = load(base, 5, healthz)
        print(f"  GET /healthz: {healthz_rps:7.0f} req/s (baseline, same client)")
        calm, calm_rps = load(base, CALM, mix)
        report(f"undisturbed, {CALM} s", calm, calm_rps, healthz_rps)
        stop, killed = threading.Event(), []
        killer = threading.Thread(target=terminator, args=(env["DATABASE_URL"], stop, killed))
        killer.start()
        try:
            hit, hit_rps = load(base, OUTAGE, mix)
        finally:
            stop.set()
            killer.join()
        title = f"pg_terminate_backend every 1 s for {OUTAGE} s ({sum(killed)} connections ended)"
        report(title, hit, hit_rps, healthz_rps)
        failed_reads = sum(n for (kind, status), n in hit.items() if kind == "read" and not 200 <= status < 400)
        bad_writes = sum(n for (kind, status), n in hit.items() if kind == "write" and status not in (200, 503))
        writes_503 = hit.get(("write", 503), 0)
        print(f"  failed reads: {failed_reads} (target 0): {'met' if failed_reads == 0 else 'NOT met'}")
        print(
            f"  writes refused with 503: {writes_503}; other write failures: {bad_writes} (target 0): "
            f"{'met' if bad_writes == 0 else 'NOT met'}"
        )


def bench_redis_down(tmp: str) -> None:
    closed = f"redis://127.0.0.1:{free_port()}/0"
    env = {
        "DATABASE_URL": create_database(DATABASE),
        "RATELIMIT_STORAGE_URI": closed,
        "REDIS_URL": closed,
        "LOG_LEVEL": "CRITICAL",  # every log-in logs the unreachable storage; the figures are the point here
        "STORAGE_LOCAL_DIR": f"{tmp}/uploads",
        **GENEROUS,
    }
    prepare(env)
    with gunicorn(env) as base:
        auth = sign_in(base)  # already with Redis unreachable
        phones = [f"08129999{n:04d}" for n in range(USERS)]

        def log_in(client: Client, i: int) -> tuple[str, int]:
            body = {"login": phones[i % USERS], "password": PASSWORD}
            return "write", client.call("POST", "/api/v1/auth/login", body)[0]

        started = time.monotonic()
        with ThreadPoolExecutor(CLIENTS) as pool:
            statuses = Counter(pool.map(lambda i: log_in(client_for(base), i)[1], range(LOGINS)))
        seconds = time.monotonic() - started
        me = Client(base).call("GET", "/api/v1/me", headers=auth[0])[0]
        ready_status, ready_body = Client(base).call("GET", "/readyz")
    print(f"(b) Redis unreachable (rate limits and job queue on a closed port), {CLIENTS} client threads:")
    print(f"  {LOGINS} log-ins in {seconds:.1f} s, by status {dict(sorted(statuses.items()))}")
    answered = statuses.get(200, 0)
    print(
        f"  answered 200: {answered}/{LOGINS}, 5xx: {sum(n for s, n in statuses.items() if s >= 500)} "
        f"(target all, none 500): {'met' if answered == LOGINS else 'NOT met'}"
    )
    print(f"  GET /api/v1/me: {me};  /readyz: {ready_status} {json.loads(ready_body).get('errors')}")


def main() -> None:
    parts = set(sys.argv[1:]) or {"a", "b"}
    with tempfile.TemporaryDirectory() as tmp:
        if "a" in parts:
            bench_terminations(tmp)
        if "b" in parts:
            bench_redis_down(tmp)


if __name__ == "__main__":
    main()
