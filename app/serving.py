"""The gunicorn worker Balai runs under (``gunicorn.conf.py`` names it): gthread, plus two things gunicorn lacks.

1. **Every answer is JSON.** Gunicorn answers requests it cannot parse (a request line over
   ``limit_request_line``: 414; headers over ``limit_request_fields`` / ``limit_request_field_size``: 431; a
   malformed request: 400) with an HTML page before the app sees them. ``handle_error`` writes the app's error body
   ``{code, status, message, errors}`` instead, in Indonesian (the default) or in the language of
   ``Accept-Language`` when gunicorn got as far as reading the headers. The limits stay in gunicorn (it refuses
   before buffering a huge header), only the answer changes.
2. **A stalled client gives its thread back.** A gthread thread reads a request's headers and body with blocking
   ``recv`` and no timeout: a client that sends half a body and goes silent keeps the thread until it disconnects.
   Here every read waits at most ``GUNICORN_CLIENT_TIMEOUT`` seconds (default 15, like a proxy's
   ``client_body_timeout``); a body that stops arriving becomes a JSON 408 and the connection is closed, a request
   whose headers stop arriving is closed without an answer. Sending the response may take ``SEND_TIMEOUT``.
3. **A client that keeps its socket open after the answer stalls nobody.** gunicorn's gthread worker closes a
   connection on its main thread and waits there up to 2 s for the client to close too (``util.close_graceful``):
   measured, ``/healthz`` waited 2.0 s behind 10 such clients (0.0 s here). Connections close without waiting.

A bounded number of slow clients (fewer than ``workers x threads``) thus cannot starve the API even without a
proxy; in production a buffering proxy (``deploy/nginx.conf``) keeps them away from gunicorn altogether.
"""

from __future__ import annotations

import errno
import json
import os
import socket
from http import HTTPStatus
from ssl import SSLError
from typing import Any

from gunicorn import util
from gunicorn.http import errors as http_errors
from gunicorn.workers.gthread import TConn, ThreadWorker
from werkzeug.exceptions import RequestTimeout

from app.core.errors import status_code_name
from app.core.i18n import _, header_locale, translate_text

CLIENT_TIMEOUT = float(os.environ.get("GUNICORN_CLIENT_TIMEOUT", "15"))
SEND_TIMEOUT = 60.0

#: gunicorn's parse errors → the status to answer (everything else a client sends wrong is a 400).
_STATUS: tuple[tuple[type[BaseException], int, str], ...] = (
    (http_errors.LimitRequestLine, 414, _("The request line (address and query) is too long.")),
    (http_errors.LimitRequestHeaders, 431, _("The request headers are too many or too large.")),
    (http_errors.UnsupportedTransferCoding, 501, _("Unsupported transfer coding.")),
    (http_errors.ExpectationFailed, 417, _("Unsupported expectation.")),
    (http_errors.ForbiddenProxyRequest, 403, _("Request forbidden.")),
    (SSLError, 403, _("TLS error.")),
)
_CLIENT_ERRORS = tuple(
    getattr(http_errors, name)
    for name in (
        "InvalidRequestLine",
        "InvalidRequestMethod",
        "InvalidHTTPVersion",
        "InvalidHeader",
        "InvalidHeaderName",
        "InvalidProxyLine",
        "InvalidSchemeHeaders",
        "ObsoleteFolding",
        "InvalidH2CPreface",
        "InvalidChunkSize",
        "ChunkMissingTerminator",
        "InvalidChunkExtension",
    )
    if hasattr(http_errors, name)
)


def error_status(exc: BaseException) -> tuple[int, str]:
    """The status and message for an error gunicorn hit before or outside the app."""
    for cls, status, message in _STATUS:
        if isinstance(exc, cls):
            return status, message
    if isinstance(exc, _CLIENT_ERRORS):
        return 400, _("The request is malformed.")
    return 500, _("Internal server error.")


def json_error_bytes(status: int, message: str, *, accept_language: str | None = None) -> bytes:
    """A complete HTTP/1.1 response carrying the app's error body (same shape as ``app.core.errors.error_body``),
    in the language ``Accept-Language`` asks for when gunicorn got as far as the headers, else Indonesian."""
    phrase = HTTPStatus(status).phrase
    text = translate_text(message, header_locale(accept_language))
    error = {"code": status, "status": phrase, "message": text, "errors": {}}
    error.update({"error": status_code_name(status), "error_codes": {}})
    body = json.dumps(error).encode()
    head = (
        f"HTTP/1.1 {status} {phrase}\r\nConnection: close\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def _accept_language(req: Any) -> str | None:
    """The ``Accept-Language`` of a request gunicorn parsed (its headers are ``(NAME, value)`` pairs), if any."""
    for name, value in getattr(req, "headers", None) or ():
        if name == "ACCEPT-LANGUAGE":
            return str(value)
    return None


class _TimedConn(TConn):
    """A connection whose reads wait at most ``CLIENT_TIMEOUT``; a stalled body read raises a 408 into the app."""

    reading_body = False
    timed_out = False

    def init(self) -> None:
        super().init()
        self.sock.settimeout(CLIENT_TIMEOUT)  # also after keep-alive: handle() made the socket blocking again
        unreader = getattr(self.parser, "unreader", None)
        if unreader is not None and not getattr(unreader, "_balai_timed", False):
            read = unreader.chunk

            def chunk(size_hint: int | None = None) -> bytes:
                try:
                    return read(size_hint)
                except TimeoutError:
                    self.timed_out = True
                    if self.reading_body:  # inside the app: the error handlers answer 408 in the JSON format
                        raise RequestTimeout(_("The request body did not arrive in time.")) from None
                    raise http_errors.NoMoreData() from None  # headers never completed: close quietly

            unreader.chunk = chunk
            unreader._balai_timed = True

    def close(self, graceful: bool = False) -> None:
        """Close without waiting for the client. gunicorn's graceful close lingers up to 2 s for the client's FIN,
        on the worker's main thread: every client that reads its answer and keeps the socket open would stop the
        worker from accepting anyone for 2 s. Here the data that has already arrived is drained, without waiting."""
        if not graceful:
            super().close()
            return
        try:
            self.sock.shutdown(socket.SHUT_WR)
            self.sock.setblocking(False)
            for _ in range(16):  # at most 64 KiB, like gunicorn's drain
                if not self.sock.recv(4096):
                    break
        except OSError:
            pass
        finally:
            util.close(self.sock)


class BalaiWorker(ThreadWorker):
    """gthread with JSON error answers and read timeouts (see the module docstring)."""

    def accept(self, listener: Any) -> None:
        # As ThreadWorker.accept, with the connection class that times reads out.
        try:
            client_sock, client_addr = listener.accept()
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        client_sock.setblocking(True)
        self.enqueue_req(_TimedConn(self.cfg, client_sock, client_addr, listener.getsockname()))

    def handle_request(self, req: Any, conn: Any) -> bool:
        conn.reading_body = True
        try:
            keepalive = super().handle_request(req, conn)
        finally:
            conn.reading_body = False
        return bool(keepalive) and not getattr(conn, "timed_out", False)

    def load_wsgi(self) -> None:
        super().load_wsgi()
        app = self.wsgi

        def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
            def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
                gunicorn_response = getattr(start_response, "__self__", None)
                if status.startswith("408") and gunicorn_response is not None:
                    gunicorn_response.force_close()  # the rest of the body may still come: never reuse the connection
                return start_response(status, headers, exc_info)

            result = app(environ, start)  # Flask has read the body and built the response
            sock = environ.get("gunicorn.socket")
            if sock is not None:
                sock.settimeout(SEND_TIMEOUT)  # a slow reader gets longer to take the answer
            return result

        self.wsgi = wsgi

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        status, message = error_status(exc)
        addr = addr or ("", -1)
        if status == 500:
            self.log.exception("Error handling request %s", getattr(req, "uri", "(no URI read)"))
        else:
            self.log.warning("Invalid request from ip=%s: %s (%s)", addr[0], exc, status)
        try:
            util.write_nonblock(
                client,
                json_error_bytes(status, message, accept_language=_accept_language(req or getattr(exc, "req", None))),
            )
        except Exception:
            self.log.debug("Failed to send error message.")
