"""Shared benchmark plumbing: a scratch PostgreSQL database, gunicorn, and wrk.

Every figure is a ratio against ``GET /healthz`` measured in the same run on the same server, so the numbers mean
something on any machine. Run from the repository root: ``.venv/bin/python -m bench.<name>``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

from app.core.db import ensure_database

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


#: Every figure recorded in this process, for the one table that ``make bench`` prints at the end.
RESULTS: list[dict[str, str]] = []


def record(figure: str, *, target: str, measured: str, met: bool | None) -> None:
    """Note one figure for the summary table (``met`` None: a figure without a target, reported only)."""
    RESULTS.append(
        {
            "figure": figure,
            "target": target,
            "measured": measured,
            "met": "-" if met is None else "yes" if met else "NO",
        }
    )


def record_ratio(figure: str, ratio: float, minimum: float) -> None:
    """A throughput figure as a share of ``/healthz``, against its minimum share."""
    record(figure, target=f">= {minimum:.0%} of /healthz", measured=f"{ratio:.1%}", met=ratio >= minimum)


def record_ms(figure: str, seconds: float, maximum_ms: float | None) -> None:
    """A latency figure in milliseconds, against its maximum."""
    met = None if maximum_ms is None else seconds * 1000 < maximum_ms
    record(
        figure,
        target="-" if maximum_ms is None else f"< {maximum_ms:g} ms",
        measured=f"{seconds * 1000:.1f} ms",
        met=met,
    )


def print_table() -> None:
    """The recorded figures as one Markdown table: figure, target, measured, met."""
    if not RESULTS:
        return
    widths = {k: max(len(k), *(len(r[k]) for r in RESULTS)) for k in ("figure", "target", "measured", "met")}
    row = "| " + " | ".join(f"{{{k}:<{w}}}" for k, w in widths.items()) + " |"
    print(row.format(figure="figure", target="target", measured="measured", met="met"))
    print("| " + " | ".join("-" * w for w in widths.values()) + " |")
    for r in RESULTS:
        print(row.format(**r))


def pg_url(name: str) -> str:
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def create_database(name: str, *, drop: bool = False) -> str:
    """A PostgreSQL database for benchmarks (kept between runs unless ``drop``)."""
    ensure_database(pg_url(name), via=PG_ADMIN_URL, drop=drop)
    return pg_url(name)


def run(cmd: list[str], env: dict[str, str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, env={**os.environ, **env}, check=True, text=True, capture_output=True, **kw)


def flask(args: list[str], env: dict[str, str]) -> str:
    return run([str(BIN / "flask"), *args], {"FLASK_APP": "wsgi.py", **env}).stdout


def migrate(env: dict[str, str]) -> None:
    run([str(BIN / "alembic"), "upgrade", "head"], env)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str],
    *,
    workers: int = 2,
    worker_class: str = "sync",
    threads: int = 1,
    extra: list[str] | None = None,
    pid: list[int] | None = None,
    app_module: str = "wsgi:app",
) -> Iterator[str]:
    """A gunicorn server of ``app_module`` (the API unless said otherwise) on a free port (sync workers unless
    ``worker_class`` says otherwise, whatever gunicorn.conf.py says); yields its base URL. ``pid``, when given,
    receives the master's process id."""
    port = free_port()
    cmd = [
        str(BIN / "gunicorn"),
        "-w",
        str(workers),
        "-k",
        worker_class,
        "--threads",
        str(threads),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(
        [*cmd, *(extra or []), app_module], cwd=ROOT, env={**os.environ, **env}, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    if pid is not None:
        pid.append(proc.pid)
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a worker stuck in a request: stop it hard
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        sys.exit("wrk is needed for load benchmarks: `make bench-tools` (apt-get install wrk) or your package manager")
    return path


_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
_LAT = re.compile(r"Latency\s+([\d.]+)(us|ms|s)")
_NON2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")
_P99 = re.compile(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)


def wrk(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    seconds: int = 8,
    connections: int = 16,
    script: str | None = None,
) -> dict[str, float]:
    """Requests per second, mean and p99 latency (ms) for one URL; fails if any answer was not 2xx/3xx."""
    cmd = [require_wrk(), "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for k, v in (headers or {}).items():
        cmd += ["-H", f"{k}: {v}"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run([*cmd, url], check=True, text=True, capture_output=True).stdout
    bad = _NON2XX.search(out)
    if bad:
        raise RuntimeError(f"{url}: {bad.group(1)} non-2xx answers\n{out}")
    lat, p99 = _LAT.search(out), _P99.search(out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    return {
        "rps": float(_RPS.search(out).group(1)),  # type: ignore[union-attr]
        "latency_ms": float(lat.group(1)) * scale[lat.group(2)] if lat else float("nan"),
        "p99_ms": float(p99.group(1)) * scale[p99.group(2)] if p99 else float("nan"),
    }


_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds used so far by ``pids`` (Linux ``/proc``; a process that ended counts 0)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / _TICKS


def process_tree(root: int) -> list[int]:
    """``root`` and its children (a gunicorn master and its workers)."""
    kids = []
    for task in Path(f"/proc/{root}/task").iterdir():
        kids += [int(c) for c in (task / "children").read_text().split()]
    return [root, *kids]


def postgres_pids() -> list[int]:
    """Every PostgreSQL server process on this machine (backends, WAL writer, checkpointer ...)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def cpu_per_request(
    url: str, master: int, *, headers: dict[str, str] | None = None, script: str | None = None, seconds: int = 8
) -> dict[str, float]:
    """One wrk run with the CPU it cost: milliseconds of CPU per request in the API processes (gunicorn
    ``master`` and its workers) and in PostgreSQL, besides ``rps``."""
    api, pg = process_tree(master), postgres_pids()
    api0, pg0 = cpu_seconds(api), cpu_seconds(pg)
    got = wrk(url, headers=headers, script=script, seconds=seconds)
    requests = got["rps"] * seconds
    return {
        "rps": got["rps"],
        "api_ms": (cpu_seconds(api) - api0) / requests * 1000,
        "pg_ms": (cpu_seconds(pg) - pg0) / requests * 1000,
    }


def print_cpu_budget(name: str, healthz: dict[str, float], target: dict[str, float], ratio: float) -> None:
    """Where a write's time goes, against what ``ratio`` of ``/healthz`` would allow: both are CPU-bound on this
    machine's cores (the API workers, PostgreSQL and wrk share them), so a request may cost at most
    ``1 / ratio`` times what one ``/healthz`` costs the whole machine."""
    cores = os.cpu_count() or 1
    per_healthz = cores * 1000 / healthz["rps"]
    per_target = cores * 1000 / target["rps"]
    print(
        f"  CPU per request ({cores} cores): /healthz {per_healthz:.2f} ms of the machine "
        f"(API {healthz['api_ms']:.2f}); "
        f"{name} {per_target:.2f} ms (API {target['api_ms']:.2f}, PostgreSQL {target['pg_ms']:.2f}); "
        f"{ratio * 100:.0f} % of /healthz allows {per_healthz / ratio:.2f} ms",
        flush=True,
    )
    record(
        f"{name}: CPU per request, API + PostgreSQL",
        target=f"<= {per_healthz / ratio:.2f} ms ({ratio:.0%} of /healthz)",
        measured=f"{target['api_ms']:.2f} + {target['pg_ms']:.2f} ms",
        met=target["api_ms"] + target["pg_ms"] <= per_healthz / ratio,
    )


#: The best requests per second that ``compare`` measured, by target name (for a latency run at a fraction of it).
BEST_RPS: dict[str, float] = {}

_PACED = """
local interval_ms = %(interval).3f
function delay()
  return interval_ms
end
"""


def p99_at_rate(url: str, rate: float, *, headers: dict[str, str] | None = None, seconds: int = 10) -> dict[str, float]:
    """p99 latency with the load held near ``rate`` requests per second: 8 connections, each waiting between its
    requests (wrk's ``delay()``), so that latency is measured below saturation, not in a queue."""
    connections = 8
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_PACED % {"interval": connections * 1000.0 / rate})
    try:
        return wrk(url, headers=headers, seconds=seconds, connections=connections, script=script.name)
    finally:
        os.unlink(script.name)


def record_p99_at_half(figure: str, url: str, max_rps: float, *, headers: dict[str, str] | None = None) -> float:
    """Issue 15's latency figure: p99 at half of the measured maximum throughput, against < 50 ms."""
    got = p99_at_rate(url, max_rps / 2, headers=headers)
    print(f"  {figure}: p99 {got['p99_ms']:.1f} ms at {got['rps']:.0f} req/s (half of {max_rps:.0f})", flush=True)
    record(
        f"{figure}: p99 at half of max throughput",
        target="< 50 ms",
        measured=f"{got['p99_ms']:.1f} ms at {got['rps']:.0f} req/s",
        met=got["p99_ms"] < 50,
    )
    return got["p99_ms"]


def compare(base: str, targets: dict[str, tuple[str, dict[str, str] | None]], *, rounds: int = 3, seconds: int = 8):
    """Measure ``/healthz`` and each target alternately, ``rounds`` times; print and return ratios (best of each)."""
    wrk(base + "/healthz", seconds=2)  # warm-up
    for path, hdrs in targets.values():
        wrk(base + path, headers=hdrs, seconds=2)
    best: dict[str, float] = {"healthz": 0.0}
    for _ in range(rounds):
        best["healthz"] = max(best["healthz"], wrk(base + "/healthz", seconds=seconds)["rps"])
        for name, (path, hdrs) in targets.items():
            best[name] = max(best.get(name, 0.0), wrk(base + path, headers=hdrs, seconds=seconds)["rps"])
    BEST_RPS.update(best)
    print(f"  {'GET /healthz':<44} {best['healthz']:>9.0f} req/s   (baseline)")
    ratios = {}
    for name in targets:
        ratios[name] = best[name] / best["healthz"]
        print(f"  {name:<44} {best[name]:>9.0f} req/s   {ratios[name] * 100:5.1f} % of /healthz")
    return ratios
