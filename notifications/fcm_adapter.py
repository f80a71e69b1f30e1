"""The only place Balai touches firebase-admin's private attributes.

firebase-admin has no public way to send to another FCM endpoint (the fake FCM server of the tests and benchmarks,
``FCM_ENDPOINT``) or to size the HTTP connection pool of its messaging client: both are set on the per-app
messaging service, whose URLs are built in its ``__init__``. Everything here is pinned to ``FIREBASE_ADMIN_VERSION``;
``tests/notifications/test_fcm_adapter.py`` fails when an upgrade moves or reshapes any of it, so re-check this file
before changing the pin.
"""

from __future__ import annotations

from typing import Any

import requests
from firebase_admin import App, messaging

#: The firebase-admin release these attributes were checked against (requirements.txt pins the same).
FIREBASE_ADMIN_VERSION = "7.7.0"


def messaging_service(app: App) -> Any:
    """The messaging service firebase-admin caches for ``app`` (the one ``messaging.send(..., app=app)`` uses)."""
    return messaging._get_messaging_service(app)


def redirect(service: Any, base: str, project_id: str) -> None:
    """Send messages and topic calls of ``service`` to ``base`` instead of https://fcm.googleapis.com."""
    service._fcm_url = f"{base}/v1/projects/{project_id}/messages:send"
    service._fcm_topic_url = f"{base}/v1/projects/{project_id}/registrations"


def http_session(service: Any) -> requests.Session:
    """The requests session of the synchronous client (``send``, ``send_each``, topic management)."""
    return service._client.session


def new_async_client(service: Any) -> Any:
    """A fresh httpx client for ``send_each_async`` of ``service`` (firebase-admin keeps one per service, and an
    httpx client belongs to the event loop that first used it): for a benchmark that runs several loops. Close it
    with ``await client.aclose()`` on the loop that used it."""
    from firebase_admin import _http_client

    service._async_client = _http_client.HttpxAsyncClient(credential=service._credential)
    return service._async_client
