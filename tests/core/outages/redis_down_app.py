"""Run by ``test_redis.py`` in a process of its own: the app with its rate-limit storage and job queue on a closed
port (Redis down), on the suite's database, inside one transaction that is rolled back at the end. Prints what it
saw as JSON. (Flask-Limiter and the job queue are process-wide, so an outage cannot be staged inside the suite.)"""

from __future__ import annotations

import json
import sys

from sqlalchemy import select

from app import create_app
from app.config import TestConfig
from app.extensions import db


def main(redis_url: str) -> dict:
    config = TestConfig.from_env()
    config.RATELIMIT_STORAGE_URI = redis_url
    config.REDIS_URL = redis_url
    config.JOBS_IMMEDIATE = False
    config.RATELIMIT_LOGIN_ACCOUNT = "3 per minute"
    app = create_app(config)
    out: dict = {}
    with app.app_context():
        assert db.engine is not None
        conn = db.engine.connect().execution_options(sqlite_deferred=True)
        outer = conn.begin()
        db.factory.configure(bind=conn, join_transaction_mode="create_savepoint")
        db.read_engine = None
        try:
            from notifications.models import Device
            from tests.factories import PASSWORD, resident

            user = resident()
            db.session.commit()
            client = app.test_client()

            answers = []

            def log_in(password: str) -> int:
                answers.append(client.post("/api/v1/auth/login", json={"login": user.phone, "password": password}))
                return answers[-1].status_code

            out["good"] = [log_in(PASSWORD) for _ in range(20)]
            out["bad"] = [log_in("wrong-password") for _ in range(5)]
            token = answers[0].get_json().get("access_token", "")
            headers = {"Authorization": "Bearer " + token}
            out["me"] = client.get("/api/v1/me", headers=headers).status_code
            out["areas"] = client.get("/api/v1/areas/32.73").status_code
            body = {"token": "fGx1Yk3sQ0e7m2Pz9aQW1c:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx", "platform": "android"}
            out["device"] = client.post("/api/v1/devices", json=body, headers=headers).status_code
            db.session.remove()
            device = db.session.scalars(select(Device).where(Device.user_id == user.id)).one_or_none()
            out["device_awaits_sync"] = device is not None and device.topics_due_at is not None
            ready = client.get("/readyz")
            out["ready"] = {"status": ready.status_code, "body": ready.get_json()}
        finally:
            db.session.remove()
            outer.rollback()
            conn.close()
    return out


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
