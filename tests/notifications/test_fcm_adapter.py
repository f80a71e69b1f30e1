"""``notifications/fcm_adapter.py`` reaches into firebase-admin; these fail loudly when an upgrade moves it."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import firebase_admin
import requests
from firebase_admin import credentials, messaging

from notifications import fcm_adapter
from tests.fake_fcm import service_account

ROOT = Path(__file__).resolve().parents[2]


def test_the_adapter_is_checked_against_the_installed_and_pinned_firebase_admin():
    pinned = re.search(r"^firebase-admin==(\S+)$", (ROOT / "requirements.txt").read_text(), re.M)
    assert version("firebase-admin") == fcm_adapter.FIREBASE_ADMIN_VERSION, "re-check notifications/fcm_adapter.py"
    assert pinned and pinned.group(1) == fcm_adapter.FIREBASE_ADMIN_VERSION


def test_the_private_attributes_exist_with_the_expected_shape():
    cred = credentials.Certificate(service_account("http://127.0.0.1:9", project_id="p"))  # never used to send
    app = firebase_admin.initialize_app(cred, name="adapter-check")
    try:
        svc = fcm_adapter.messaging_service(app)
        assert svc is fcm_adapter.messaging_service(app)  # cached per app: what messaging.send(app=app) uses
        assert type(svc).__name__ == "_MessagingService" and svc is messaging._get_messaging_service(app)
        assert svc._fcm_url == "https://fcm.googleapis.com/v1/projects/p/messages:send"
        assert svc._fcm_topic_url == "https://fcm.googleapis.com/v1/projects/p/registrations"
        assert isinstance(fcm_adapter.http_session(svc), requests.Session)
        fcm_adapter.redirect(svc, "http://127.0.0.1:9", "p")
        assert svc._fcm_url == "http://127.0.0.1:9/v1/projects/p/messages:send"
        assert svc._fcm_topic_url == "http://127.0.0.1:9/v1/projects/p/registrations"
        client = fcm_adapter.new_async_client(svc)
        assert svc._async_client is client and hasattr(client, "aclose")
    finally:
        firebase_admin.delete_app(app)


def test_a_redirected_sender_reaches_the_fake(fake_fcm, _fcm_sender):
    msg = messaging.Message(notification=messaging.Notification(title="t", body="b"), fid="adapter-1")
    assert _fcm_sender.send(msg).ok
    assert [m.get("fid") for m in fake_fcm.messages()] == ["adapter-1"]
