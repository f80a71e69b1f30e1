"""Push senders: the real firebase-admin client (FCM HTTP v1), or a log-only sender when none is configured.

``get_sender()`` picks, once per app: ``FIREBASE_CREDENTIALS`` (a service-account JSON file) or
``GOOGLE_APPLICATION_CREDENTIALS`` (Application Default Credentials) → ``FcmSender``; neither → ``LogSender``
(the default for ``make run``: pushes are written to the log). Each send answers one ``Outcome`` per message or
token, classified by FCM error class into what the outbox does next: done, prune the target, retry, or give up.

Retries are the outbox's job (``notifications.delivery``): the SDK's own urllib3 retries, which sleep inside the
call (a ``Retry-After: 60`` answer would block a worker for minutes), are turned off.

A sender call never raises (``get_sender()`` wraps every sender in ``Guarded``): whatever the client throws is the
outcome of the messages it carried. An OAuth outage (google-auth's ``TransportError`` / ``RefreshError``, which are
not ``FirebaseError``), a connection error or anything unexpected is retried later; a message the client refuses
before sending (``ValueError``: a malformed topic, an empty token) fails alone, without its batch.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from typing import Any, Protocol

from firebase_admin import exceptions as fb_exc
from firebase_admin import messaging
from flask import Flask, current_app

from notifications import fcm_adapter

log = logging.getLogger(__name__)

SENT, PRUNE, RETRY, FAIL = "sent", "prune", "retry", "fail"
#: FCM accepts at most 500 messages per ``send_each`` call.
SEND_BATCH = 500
FCM_BASE = "https://fcm.googleapis.com"
#: After a failed access-token fetch, calls within this many seconds fail with the same error without asking again.
TOKEN_RETRY_SECONDS = 10


@dataclass(frozen=True, slots=True)
class Outcome:
    action: str
    error: str | None = None
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        return self.action == SENT


OK = Outcome(SENT)


def _retry_after(exc: fb_exc.FirebaseError) -> float | None:
    response = getattr(exc, "http_response", None)
    value = response.headers.get("Retry-After") if response is not None else None
    try:
        return float(value) if value else None
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


def _describe(exc: BaseException) -> str:
    """A short text for ``push_error``: the class, the cause's class for a wrapped one, the first words."""
    name = type(exc).__name__
    cause = getattr(exc, "cause", None) or exc.__cause__
    if isinstance(exc, fb_exc.UnknownError) and cause is not None:
        exc, name = cause, f"{name}/{type(cause).__name__}"
    text = " ".join(str(exc).split())[:120]
    return f"{name}: {text}" if text else name


def classify(exc: BaseException) -> Outcome:
    """What to do about a failed message, by FCM error class; any other exception is retried."""
    name = type(exc).__name__
    if not isinstance(exc, fb_exc.FirebaseError):
        if isinstance(exc, ValueError):
            return Outcome(FAIL, _describe(exc))  # refused by the client before sending: it will not get better
        # An OAuth outage (google.auth.exceptions.TransportError, RefreshError), a connection error, a bug.
        return Outcome(RETRY, _describe(exc))
    if isinstance(exc, messaging.UnregisteredError | messaging.SenderIdMismatchError):
        return Outcome(PRUNE, name)
    if isinstance(exc, fb_exc.InvalidArgumentError):
        # 400 is also a bad payload: only a token FCM calls invalid is removed.
        text = str(exc).lower()
        if "registration token" in text or "installation id" in text or "not a valid fcm" in text:
            return Outcome(PRUNE, "InvalidToken")
        return Outcome(FAIL, name)
    if isinstance(exc, messaging.ThirdPartyAuthError):
        return Outcome(FAIL, name)  # the APNs/web-push key is wrong: retrying cannot help until it is fixed
    if isinstance(
        exc,
        messaging.QuotaExceededError
        | fb_exc.UnavailableError
        | fb_exc.InternalError
        | fb_exc.ResourceExhaustedError
        | fb_exc.DeadlineExceededError
        | fb_exc.UnknownError
        | fb_exc.UnauthenticatedError,
    ):
        if isinstance(exc, fb_exc.UnknownError) and getattr(exc, "cause", None) is not None:
            name = _describe(exc)  # e.g. a token refresh that failed inside send_each's threads
        return Outcome(RETRY, name, _retry_after(exc))
    return Outcome(FAIL, name)  # third-party auth (APNs key), permission denied, plain not-found…


_TOPIC_PRUNE = {
    "UNREGISTERED",
    "SENDER_ID_MISMATCH",
    "NOT_FOUND",
    "INVALID_ARGUMENT",
    "registration-token-not-registered",
}
_TOPIC_RETRY = {
    "UNAVAILABLE",
    "INTERNAL",
    "RESOURCE_EXHAUSTED",
    "QUOTA_EXCEEDED",
    "DEADLINE_EXCEEDED",
    "UNAUTHENTICATED",
    "UNKNOWN_ERROR",
}


def classify_topic_reason(reason: str) -> Outcome:
    if reason in _TOPIC_PRUNE:
        return Outcome(PRUNE, reason)
    if reason in _TOPIC_RETRY:
        return Outcome(RETRY, reason)
    return Outcome(FAIL, reason)


class Sender(Protocol):
    def send_each(self, messages: list[messaging.Message]) -> list[Outcome]: ...
    def send(self, message: messaging.Message) -> Outcome: ...
    def subscribe(self, tokens: list[str], topic: str) -> list[Outcome]: ...
    def unsubscribe(self, tokens: list[str], topic: str) -> list[Outcome]: ...


def _target(message: messaging.Message) -> str:
    return message.fid or message.token or f"/topics/{message.topic}"


class LogSender:
    """Writes each push to the log instead of sending it (no Firebase project configured)."""

    def send_each(self, messages: list[messaging.Message]) -> list[Outcome]:
        for m in messages:
            log.info("push (log only) to %s: %s | %s", _target(m), m.notification.title, m.data)
        return [OK] * len(messages)

    def send(self, message: messaging.Message) -> Outcome:
        return self.send_each([message])[0]

    def subscribe(self, tokens: list[str], topic: str) -> list[Outcome]:
        log.info("subscribe (log only) %d targets to %s", len(tokens), topic)
        return [OK] * len(tokens)

    def unsubscribe(self, tokens: list[str], topic: str) -> list[Outcome]:
        log.info("unsubscribe (log only) %d targets from %s", len(tokens), topic)
        return [OK] * len(tokens)


class Guarded:
    """A sender whose calls answer one outcome per message or token and never raise an ``Exception``.

    firebase-admin encodes every message of a ``send_each`` (and checks every token of a topic call) before it sends
    any, so a ``ValueError`` means nothing went out and one item is malformed: the call is split in halves until
    the refused items stand alone, and only they fail. Any other exception is the outcome of every item of the call
    (``classify``: retried later). ``BaseException`` (the worker being stopped) passes through.
    """

    def __init__(self, inner: Sender) -> None:
        self.inner = inner

    @staticmethod
    def _split(call: Any, items: list[Any]) -> list[Outcome]:
        if not items:
            return []
        try:
            outcomes = call(items)
        except ValueError as exc:
            if len(items) == 1:
                log.warning("push refused by the client: %s", exc)
                return [classify(exc)]
            half = len(items) // 2
            return Guarded._split(call, items[:half]) + Guarded._split(call, items[half:])
        except Exception as exc:
            log.warning("push call of %d item(s) failed: %r", len(items), exc, exc_info=True)
            return [classify(exc)] * len(items)
        return list(outcomes)

    def send_each(self, messages: list[messaging.Message]) -> list[Outcome]:
        return self._split(self.inner.send_each, messages)

    def send(self, message: messaging.Message) -> Outcome:
        return self._split(lambda one: [self.inner.send(one[0])], [message])[0]

    def subscribe(self, tokens: list[str], topic: str) -> list[Outcome]:
        return self._split(lambda part: self.inner.subscribe(part, topic), tokens)

    def unsubscribe(self, tokens: list[str], topic: str) -> list[Outcome]:
        return self._split(lambda part: self.inner.unsubscribe(part, topic), tokens)


class FcmSender:
    """FCM HTTP v1 through firebase-admin. ``endpoint`` replaces https://fcm.googleapis.com (tests, benchmarks)."""

    _count = 0

    def __init__(self, *, credentials_path: str | None, project_id: str | None = None, endpoint: str = "") -> None:
        import firebase_admin
        from firebase_admin import credentials
        from requests.adapters import HTTPAdapter
        from requests.utils import get_environ_proxies

        cred = credentials.Certificate(credentials_path) if credentials_path else credentials.ApplicationDefault()
        FcmSender._count += 1
        options = {"projectId": project_id} if project_id else {}
        self.app = firebase_admin.initialize_app(cred, options, name=f"balai-push-{FcmSender._count}")
        svc = fcm_adapter.messaging_service(self.app)
        base = endpoint.rstrip("/") or FCM_BASE
        if endpoint:
            fcm_adapter.redirect(svc, base, self.app.project_id)
        session = fcm_adapter.http_session(svc)
        session.mount(base, HTTPAdapter(pool_connections=4, pool_maxsize=SEND_BATCH, max_retries=0))
        if not get_environ_proxies(base) and not any(
            os.environ.get(v) for v in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
        ):
            # No proxy or CA bundle in the environment: skip requests' per-call environment scan (~25 % of the
            # client's time per message), with the same behaviour.
            session.trust_env = False
        self._svc = svc
        self._credential = self.app.credential.get_credential()  # the google-auth object the client signs with
        self._token_failure: tuple[float, Exception] | None = None

    def _ensure_token(self) -> None:
        """Fetch the access token once before a call when it is missing or expired.

        Otherwise each of ``send_each``'s threads (up to 500) asks the token endpoint itself, and during an OAuth
        outage each sits through google-auth's own retries (~3 s). A failed fetch is remembered for
        ``TOKEN_RETRY_SECONDS``: the calls meanwhile (the rest of the round) fail at once with the same error.
        A failure raises; ``Guarded`` makes it the outcome of the whole call.
        """
        if self._credential.valid:
            return
        if self._token_failure and time.monotonic() - self._token_failure[0] < TOKEN_RETRY_SECONDS:
            raise self._token_failure[1].with_traceback(None)
        from google.auth.transport.requests import Request

        try:
            self._credential.refresh(Request())
        except Exception as exc:
            self._token_failure = (time.monotonic(), exc)
            raise
        self._token_failure = None

    def send_each(self, messages: list[messaging.Message]) -> list[Outcome]:
        if len(messages) > SEND_BATCH:
            raise ValueError(f"at most {SEND_BATCH} messages per call")
        self._ensure_token()
        try:
            batch = messaging.send_each(messages, app=self.app)
        except fb_exc.FirebaseError as exc:
            return [classify(exc)] * len(messages)
        return [OK if r.success else classify(r.exception) for r in batch.responses]

    def send(self, message: messaging.Message) -> Outcome:
        self._ensure_token()
        try:
            messaging.send(message, app=self.app)
        except fb_exc.FirebaseError as exc:
            return classify(exc)
        return OK

    def _topics(self, tokens: list[str], topic: str, *, subscribe: bool) -> list[Outcome]:
        call = messaging.subscribe_to_topic if subscribe else messaging.unsubscribe_from_topic
        self._ensure_token()
        try:
            resp = call(tokens, topic, app=self.app)
        except fb_exc.FirebaseError as exc:
            return [classify(exc)] * len(tokens)
        outcomes = [OK] * len(tokens)
        for err in resp.errors:
            outcomes[err.index] = classify_topic_reason(err.reason)
        return outcomes

    def subscribe(self, tokens: list[str], topic: str) -> list[Outcome]:
        return self._topics(tokens, topic, subscribe=True)

    def unsubscribe(self, tokens: list[str], topic: str) -> list[Outcome]:
        return self._topics(tokens, topic, subscribe=False)

    def close(self) -> None:
        import firebase_admin

        firebase_admin.delete_app(self.app)


_KEY = "balai_push_sender"


def sender_from_config(config: Any) -> Sender:
    path = config.get("FIREBASE_CREDENTIALS") or ""
    if path or config.get("GOOGLE_APPLICATION_CREDENTIALS"):
        return FcmSender(
            credentials_path=path or None,
            project_id=config.get("FIREBASE_PROJECT_ID") or None,
            endpoint=config.get("FCM_ENDPOINT") or "",
        )
    return LogSender()


def get_sender() -> Sender:
    """This app's sender (created on first use), guarded: its calls answer outcomes and never raise."""
    ext = current_app.extensions
    if _KEY not in ext:
        ext[_KEY] = sender_from_config(current_app.config)
    return Guarded(ext[_KEY])


def set_sender(app: Flask, sender: Sender | None) -> Sender | None:
    """Install a sender (tests, benchmarks); returns the previous one. None goes back to the configured one."""
    previous = app.extensions.get(_KEY)
    if sender is None:
        app.extensions.pop(_KEY, None)
    else:
        app.extensions[_KEY] = sender
    return previous
