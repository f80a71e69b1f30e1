"""A fake FCM HTTP v1 server on 127.0.0.1 for the real firebase-admin client (tests and load benchmarks).

It answers the OAuth token endpoint, ``messages:send`` and the topic subscription calls, records every request,
and lets a test script outcomes per target prefix (an FCM error body, a status, headers such as ``Retry-After``).
It is a small asyncio HTTP/1.1 server with keep-alive (fast enough for the 100k-push benchmark); ``start()`` runs
it in a background thread, ``python -m tests.fake_fcm --port N`` in a process of its own.

How the client is redirected here: ``notifications/fcm_adapter.py`` and docs/DEVELOPING.md, "Testing push offline".
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
_STATUS = {
    404: "NOT_FOUND",
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    401: "UNAUTHENTICATED",
}
_REASON = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def fcm_error(http: int, error_code: str | None = None, message: str = "error", status: str | None = None):
    """The JSON body FCM sends for an error (``error_code`` is the FcmError detail, e.g. UNREGISTERED)."""
    err: dict[str, Any] = {"code": http, "message": message, "status": status or _STATUS.get(http, "UNKNOWN")}
    if error_code:
        err["details"] = [{"@type": FCM_ERROR_TYPE, "errorCode": error_code}]
    return {"error": err}


@dataclass
class Outcome:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    times: int | None = None  # answer this way this many times, then fall through (None: always)


#: Ready-made outcomes for the FCM error classes.
UNREGISTERED = (404, fcm_error(404, "UNREGISTERED", "Requested entity was not found."))
SENDER_ID_MISMATCH = (403, fcm_error(403, "SENDER_ID_MISMATCH", "SenderId mismatch"))
INVALID_TOKEN = (
    400,
    fcm_error(400, "INVALID_ARGUMENT", "The registration token is not a valid FCM registration token"),
)
INVALID_PAYLOAD = (400, fcm_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unknown name"))
QUOTA_EXCEEDED = (429, fcm_error(429, "QUOTA_EXCEEDED", "Quota exceeded"))
UNAVAILABLE = (503, fcm_error(503, "UNAVAILABLE", "The service is currently unavailable."))
INTERNAL = (500, fcm_error(500, "INTERNAL", "Internal error"))
#: OAuth token endpoint answers (RFC 6749 error bodies): google-auth retries the first (3 tries, ~3 s), not the second.
TOKEN_UNAVAILABLE = (503, {"error": "temporarily_unavailable", "error_description": "try again later"})
TOKEN_INVALID_GRANT = (400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."})


class FakeFCM:
    """State of the fake: recorded requests and scripted outcomes."""

    def __init__(self, *, record: bool = True) -> None:
        self.record = record
        self.requests: list[dict[str, Any]] = []
        self.scripts: list[tuple[str, Outcome]] = []
        self.down = False  # answer every FCM call 503 (an outage)
        #: Answer the OAuth token endpoint this way instead of with a token (an OAuth outage), e.g. ``TOKEN_DOWN``.
        self.token_outcome: tuple[int, dict[str, Any]] | None = None
        self.token_requests = 0
        self.sent = 0
        self.topic_calls = 0
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.server: asyncio.AbstractServer | None = None
        self.port = 0
        self._thread: threading.Thread | None = None

    # scripting -----------------------------------------------------------------------------------------------
    def script(self, prefix: str, outcome: tuple[int, dict[str, Any]], *, headers=None, times=None) -> None:
        """Answer messages whose target (fid, token, topic or topic-call token) starts with ``prefix``."""
        status, body = outcome
        with self._lock:
            self.scripts.append((prefix, Outcome(status, body, dict(headers or {}), times)))

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.scripts.clear()
            self.down = False
            self.token_outcome = None
            self.token_requests = 0
            self.sent = 0
            self.topic_calls = 0

    def messages(self) -> list[dict[str, Any]]:
        """The ``message`` objects of every ``messages:send`` request, in arrival order."""
        return [r["json"]["message"] for r in self.requests if r["path"].endswith("/messages:send")]

    def topic_requests(self) -> list[tuple[str, str, str]]:
        """``(method, token, topic)`` of every topic subscription call."""
        out = []
        for r in self.requests:
            if "/topicSubscriptions" not in r["path"]:
                continue
            path, _, query = r["path"].partition("?")
            token = urllib.parse.unquote(path.split("/registrations/")[1].split("/")[0])
            if r["method"] == "POST":
                topic = urllib.parse.parse_qs(query)["topic_name"][0]
            else:
                topic = urllib.parse.unquote(path.rsplit("/", 1)[1])
            out.append((r["method"], token, topic))
        return out

    def _scripted(self, target: str) -> Outcome | None:
        with self._lock:
            for i, (prefix, outcome) in enumerate(self.scripts):
                if target.startswith(prefix):
                    if outcome.times is not None:
                        outcome.times -= 1
                        if outcome.times <= 0:
                            del self.scripts[i]
                    return outcome
        return None

    # HTTP ---------------------------------------------------------------------------------------------------
    def handle(self, method: str, path: str, body: bytes) -> tuple[int, dict[str, Any], dict[str, str]]:
        if path.startswith("/token"):
            with self._lock:
                self.token_requests += 1
            if self.token_outcome is not None:
                return self.token_outcome[0], self.token_outcome[1], {}
            return 200, {"access_token": "fake-access-token", "expires_in": 3600, "token_type": "Bearer"}, {}
        data = json.loads(body) if body else None
        if self.record:
            with self._lock:
                self.requests.append({"method": method, "path": path, "json": data, "t": time.time()})
        if self.down:
            return 503, fcm_error(503, None, "The service is currently unavailable."), {}
        if path.endswith("/messages:send"):
            msg = (data or {}).get("message", {})
            target = msg.get("fid") or msg.get("token") or msg.get("topic") or msg.get("condition") or ""
            outcome = self._scripted(target)
            if outcome is not None:
                return outcome.status, outcome.body, outcome.headers
            self.sent += 1
            return 200, {"name": f"projects/p/messages/{next(self._ids)}"}, {}
        if "/topicSubscriptions" in path:
            self.topic_calls += 1
            token = urllib.parse.unquote(path.split("/registrations/")[1].split("/")[0])
            outcome = self._scripted(token)
            if outcome is not None:
                return outcome.status, outcome.body, outcome.headers
            return 200, {}, {}
        return 404, fcm_error(404, None, "no such path"), {}

    async def _serve_conn(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        headers[k.strip().lower()] = v.strip()
                length = int(headers.get("content-length", "0") or 0)
                body = await reader.readexactly(length) if length else b""
                status, payload, extra = self.handle(method, path, body)
                out = json.dumps(payload).encode()
                hdr = f"HTTP/1.1 {status} {_REASON.get(status, 'Error')}\r\nContent-Type: application/json\r\n"
                hdr += "".join(f"{k}: {v}\r\n" for k, v in extra.items())
                hdr += f"Content-Length: {len(out)}\r\n\r\n"
                writer.write(hdr.encode() + out)
                if headers.get("connection", "").lower() == "close":
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _start_server(self, port: int) -> None:
        self.server = await asyncio.start_server(self._serve_conn, "127.0.0.1", port, backlog=2048)
        self.port = self.server.sockets[0].getsockname()[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, port: int = 0) -> FakeFCM:
        """Serve in a background thread; returns once the socket listens."""
        ready = threading.Event()

        def run() -> None:
            self.loop = asyncio.new_event_loop()
            self.loop.run_until_complete(self._start_server(port))
            ready.set()
            self.loop.run_forever()
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.close()

        self._thread = threading.Thread(target=run, name="fake-fcm", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self.loop is None:
            return

        async def shutdown() -> None:
            assert self.server is not None
            self.server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        assert self._thread is not None
        self._thread.join(10)
        self.loop = None


def service_account(base_url: str, project_id: str = "balai-test") -> dict[str, Any]:
    """A service-account key (a fresh RSA key) whose token endpoint is the fake."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return {
        "type": "service_account",
        "project_id": project_id,
        "private_key_id": "fake-key-id",
        "private_key": pem,
        "client_email": f"fcm@{project_id}.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": base_url + "/token",
    }


def main() -> None:
    """Serve in this process until killed (benchmarks); prints the port on stdout, then counts on SIGTERM."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    fake = FakeFCM(record=False)

    async def serve() -> None:
        await fake._start_server(args.port)
        print(fake.port, flush=True)
        assert fake.server is not None
        await fake.server.serve_forever()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())


if __name__ == "__main__":
    main()
