"""The shipped serving setup, against real gunicorn: slow clients do not starve it, every answer is JSON.

Each server runs ``gunicorn.conf.py`` on a free loopback port against the test database, in its own process group
(killed at the end), without gunicorn's control socket (shared by every gunicorn of the user otherwise).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from app.config import ROOT
from app.core.pagination import PageArgs

GUNICORN = Path(ROOT) / ".venv" / "bin" / "gunicorn"
ERROR_KEYS = {"code", "status", "message", "errors", "error", "error_codes"}
HALF_BODY = (
    b"POST /api/v1/auth/login HTTP/1.1\r\nHost: balai\r\nContent-Type: application/json\r\n"
    b'Content-Length: 100\r\n\r\n{"'
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _exchange(port: int, data: bytes, *, timeout: float = 5.0) -> tuple[bytes, dict[str, str], bytes]:
    """Send raw bytes, read until the server closes; (status line, headers, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        return _read_response(s)


def _read_response(s: socket.socket) -> tuple[bytes, dict[str, str], bytes]:
    raw = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        raw += chunk
        if b"\r\n\r\n" in raw:
            head, _, body = raw.partition(b"\r\n\r\n")
            headers = _headers(head)
            if len(body) >= int(headers.get("content-length", "-1")) >= 0:
                break
    head, _, body = raw.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0], _headers(head), body


def _headers(head: bytes) -> dict[str, str]:
    lines = head.decode("latin-1").split("\r\n")[1:]
    return {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}


def _get(port: int, target: str, *, timeout: float = 5.0) -> tuple[int, dict[str, str], bytes]:
    status, headers, body = _exchange(
        port, f"GET {target} HTTP/1.1\r\nHost: balai\r\nConnection: close\r\n\r\n".encode(), timeout=timeout
    )
    return int(status.split()[1]), headers, body


def _assert_json_error(status_line: bytes, headers: dict[str, str], body: bytes, code: int) -> dict:
    assert int(status_line.split()[1]) == code, (status_line, body)
    assert headers["content-type"].startswith("application/json"), headers
    data = json.loads(body)
    assert set(data) == ERROR_KEYS and data["code"] == code and data["message"], data
    return data


@pytest.fixture(scope="module")
def serve(config) -> Iterator:
    """Start gunicorn with the shipped config (plus ``env``); yields a function that returns the port."""
    procs: list[subprocess.Popen] = []

    def start(**env: str) -> int:
        port = _free_port()
        proc = subprocess.Popen(
            [
                *(str(GUNICORN), "-c", str(Path(ROOT) / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}"),
                *("--no-control-socket", "--log-level", "critical", "wsgi:app"),
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": config.DATABASE_URL,
                "RATELIMIT_ENABLED": "false",
                "BALAI_ENV": "development",
                **env,
            },
            start_new_session=True,
            stdout=subprocess.DEVNULL,
        )
        procs.append(proc)
        deadline = time.monotonic() + 30
        while True:
            try:
                if _get(port, "/healthz", timeout=1)[0] == 200:
                    return port
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.1)

    yield start
    for proc in procs:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


#: Short enough for the tests to see stalled clients time out, long enough to see them hold their threads first.
CLIENT_TIMEOUT = 1.0


@pytest.fixture(scope="module")
def port(serve) -> int:
    return serve(GUNICORN_CLIENT_TIMEOUT=str(CLIENT_TIMEOUT))  # starting gunicorn costs seconds: one for all


def _stall(port: int, n: int) -> list[socket.socket]:
    """``n`` connections that each send half a body and then nothing."""
    conns = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.sendall(HALF_BODY)
        conns.append(s)
    return conns


def test_healthz_answers_at_once_while_clients_stall_half_way_through_a_body(port):
    # Sync workers: 2 such clients took both workers and /healthz waited ~30 s (until gunicorn killed them).
    slow = _stall(port, 6)
    try:
        time.sleep(0.3)  # the workers have taken them and are waiting for the rest of the body
        for _ in range(5):
            started = time.monotonic()
            status, _, body = _get(port, "/healthz", timeout=5)
            assert status == 200 and body == b'{"status":"ok"}\n'
            assert time.monotonic() - started < 1.0
    finally:
        for s in slow:
            s.close()


def test_a_stalled_body_is_a_json_408_and_gives_its_thread_back(port):
    slow = _stall(port, 20)  # more than the 2 x 8 threads: the last ones wait for a thread to be given back
    try:
        started = time.monotonic()
        for s in slow:
            status_line, headers, body = _read_response(s)
            _assert_json_error(status_line, headers, body, 408)
            assert headers["connection"] == "close"
        # Two rounds of 2 x 8 threads (three if the second worker is still booting), and slack for a busy machine.
        assert time.monotonic() - started < 4 * CLIENT_TIMEOUT + 4
        assert _get(port, "/healthz", timeout=2)[0] == 200
    finally:
        for s in slow:
            s.close()


def test_clients_that_keep_their_socket_open_after_the_answer_do_not_stall_the_workers(port):
    # Stock gthread (and sync) wait up to 2 s per such client on the worker's main thread: /healthz took 2.0 s.
    lingering = []
    try:
        for _ in range(10):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: balai\r\nConnection: close\r\n\r\n")
            assert _read_response(s)[0].endswith(b"200 OK")
            lingering.append(s)  # read, not closed
        started = time.monotonic()
        assert _get(port, "/healthz", timeout=5)[0] == 200
        assert time.monotonic() - started < 1.0
    finally:
        for s in lingering:
            s.close()


def _owners(server_port: int, client_ports: set[int]) -> list[int]:
    """The pid of the process that holds the server end of each connection from ``client_ports`` (Linux /proc)."""
    inodes = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, inode = int(fields[1].split(":")[1], 16), int(fields[2].split(":")[1], 16), fields[9]
        if local == server_port and remote in client_ports:
            inodes[f"socket:[{inode}]"] = remote
    owners = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            links = [os.readlink(fd) for fd in (proc / "fd").iterdir()]
        except OSError:  # gone, or not ours
            continue
        owners += [int(proc.name) for link in links if link in inodes]
    return owners


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's /proc")
def test_keep_alive_connections_are_spread_over_the_workers(port):
    # Without reuse_port the workers race to accept: wrk's 16 keep-alive connections often all landed on one
    # worker (measured [16], [1, 15], [2, 14]), which then served alone and /healthz fell from ~6.5k to ~2k req/s.
    conns = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(32)]
    try:
        for s in conns:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: balai\r\n\r\n")  # keep-alive: the connection stays
        for s in conns:
            assert _read_response(s)[0].endswith(b"200 OK")
        owners = _owners(port, {s.getsockname()[1] for s in conns})
        per_worker = sorted(owners.count(pid) for pid in set(owners))
        assert len(owners) == 32 and len(per_worker) == 2, per_worker
        assert per_worker[0] >= 4, per_worker  # the kernel hashes each connection: 4 or fewer of 32 is ~1e-6
    finally:
        for s in conns:
            s.close()


def test_headers_that_stop_arriving_are_closed_after_the_client_timeout(port):
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: balai\r\n")  # no blank line: the headers never end
        assert s.recv(100) == b""
    assert time.monotonic() - started < CLIENT_TIMEOUT + 2


@pytest.mark.parametrize(
    "request_bytes, code",
    [
        (b"GET /api/v1/areas?q=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: balai\r\n\r\n", 414),
        (b"GET /api/v1/areas HTTP/1.1\r\nHost: balai\r\nX-Long: " + b"a" * 9000 + b"\r\n\r\n", 431),
        (b"GET /api/v1/areas HTTP/1.1\r\nHost: balai\r\n" + b"X-A: 1\r\n" * 120 + b"\r\n", 431),
        (b"NOT HTTP AT ALL\r\n\r\n", 400),
    ],
    ids=["request-line", "header-size", "header-count", "garbage"],
)
def test_requests_gunicorn_refuses_are_answered_in_the_json_error_format(port, request_bytes, code):
    _assert_json_error(*_exchange(port, request_bytes), code)


def test_gunicorns_refusals_speak_indonesian_by_default_and_english_when_asked(port):
    line_too_long = b"GET /api/v1/areas?q=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: balai\r\n\r\n"
    _, _, body = _exchange(port, line_too_long)
    assert json.loads(body)["message"] == "Baris permintaan (alamat dan kueri) terlalu panjang."
    bad_header = b"GET /api/v1/areas HTTP/1.1\r\nHost: balai\r\nAccept-Language: en-US\r\nContent-Length: x\r\n\r\n"
    status, _, body = _exchange(port, bad_header)
    assert b"400" in status and json.loads(body)["message"] == "The request is malformed."
    _, _, body = _exchange(port, bad_header.replace(b"en-US", b"id"))
    assert json.loads(body)["message"] == "Format permintaan tidak valid."


def _cursor_limit() -> int:
    (length,) = [v for v in PageArgs().fields["cursor"].validators if hasattr(v, "max")]
    return length.max


def test_a_cursor_of_the_documented_maximum_fits_the_request_line_even_in_four_byte_characters(port):
    longest = quote("\U0001f600" * _cursor_limit())  # 12 bytes per character once percent-encoded
    status, _, body = _get(port, f"/api/v1/areas/32/children?limit=100&cursor={longest}")
    assert status == 422, body  # the app read it (an invalid cursor), gunicorn did not refuse it with 414
    assert set(json.loads(body)) == ERROR_KEYS
    ascii_cursor = "A" * _cursor_limit()
    status, _, body = _get(port, f"/api/v1/areas/32/children?limit=100&cursor={ascii_cursor}")
    assert status == 422, body


def test_the_shipped_config_tells_the_production_check_how_many_workers_serve(config):
    """gunicorn.conf.py starts 2 workers by default: a promise of one process (memory:// limits) must not pass."""
    env = {k: v for k, v in os.environ.items() if k not in ("WEB_CONCURRENCY", "GUNICORN_CMD_ARGS")}
    run = subprocess.run(
        [
            *(str(GUNICORN), "-c", str(Path(ROOT) / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{_free_port()}"),
            *("--no-control-socket", "wsgi:app"),
        ],
        cwd=ROOT,
        env={
            **env,
            "DATABASE_URL": config.DATABASE_URL,
            "BALAI_ENV": "production",
            "SECRET_KEY": "s" * 40,
            "JWT_SECRET_KEY": "j" * 40,
            "RATELIMIT_STORAGE_URI": "memory://",
            "RATELIMIT_SINGLE_PROCESS": "true",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode != 0
    assert "RATELIMIT_STORAGE_URI" in run.stderr + run.stdout
