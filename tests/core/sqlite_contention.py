"""The laptop default under contention: requests write while job workers commit, on one SQLite file.

Run by ``tests/core/test_sqlite_contention.py`` in a subprocess (it needs an app of its own on a fresh file, and the
real ``flask jobs worker`` beside it). Prints one JSON line: requests made, conflicts (409), server errors, and
crashes of the in-process job loop and of the worker process.

Usage: ``python -m tests.core.sqlite_contention DIR ROUNDS``
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path


def main(workdir: Path, rounds: int) -> dict[str, int]:
    env = {
        "BALAI_ENV": "development",
        "DATABASE_URL": f"sqlite:///{workdir / 'balai.sqlite3'}",
        "JOBS_SQLITE_PATH": str(workdir / "jobs.sqlite3"),
        "STORAGE_LOCAL_DIR": str(workdir / "uploads"),
        "REDIS_URL": "",
        "RATELIMIT_ENABLED": "false",
        "PASSWORD_TIME_COST": "1",
        "PASSWORD_MEMORY_KIB": "1024",
        "PASSWORD_PARALLELISM": "1",
        "LOG_LEVEL": "WARNING",
        "FLASK_APP": "wsgi.py",
    }
    os.environ.update(env)
    from alembic import command
    from PIL import Image

    from app import create_app
    from app.areas.loader import load_areas
    from app.config import Config
    from app.core.jobs import _run_in_app
    from app.extensions import db
    from notifications.delivery import deliver_due
    from tests.conftest import alembic_config

    command.upgrade(alembic_config(env["DATABASE_URL"]), "head")
    app = create_app(Config.from_env())
    with app.app_context():
        load_areas(db.session())
        db.session.commit()
        db.session.remove()

    # The real worker process, polling fast so that it commits while the requests below write.
    root = Path(__file__).resolve().parents[2]
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "jobs", "worker", "-w", "2", "--max-delay", "0.02"],
        cwd=root,
        env={**os.environ},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    # A job loop in this process too: the outbox sweep, each round a write transaction that reads first.
    stop = threading.Event()
    loop_crashes: list[str] = []
    loop_rounds = [0]

    def job_loop() -> None:
        while not stop.is_set():
            try:
                _run_in_app(deliver_due)
                loop_rounds[0] += 1
            except Exception as exc:
                loop_crashes.append(repr(exc))

    loop = threading.Thread(target=job_loop, daemon=True)
    loop.start()

    client = app.test_client()
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 30, 60)).save(buf, "JPEG")
    jpeg = buf.getvalue()
    statuses: list[int] = []
    reg = client.post(
        "/api/v1/auth/register",
        json={
            "name": "Warga Uji",
            "phone": "081299990001",
            "password": "password-123",
            "home_area_code": "32.73.01.1001",
            "home_rw": 5,
        },
    )
    statuses.append(reg.status_code)
    assert reg.status_code == 201, reg.get_json()
    auth = {"Authorization": f"Bearer {reg.get_json()['access_token']}"}
    for i in range(rounds):
        created = client.post(
            "/api/v1/complaints",
            headers=auth,
            json={
                "category_id": 1,
                "title": f"Jalan berlubang nomor {i}",
                "description": "Lubang besar di lajur kiri, sudah dua minggu tidak diperbaiki.",
                "latitude": -6.8706,
                "longitude": 107.5905,
                "desa_code": "32.73.01.1001",
                "rw": 5,
            },
        )
        statuses.append(created.status_code)
        if created.status_code != 201:
            continue
        photo = client.post(
            f"/api/v1/complaints/{created.get_json()['id']}/photos",
            headers=auth,
            data={"file": (io.BytesIO(jpeg), "a.jpg", "image/jpeg")},
            content_type="multipart/form-data",
        )
        statuses.append(photo.status_code)
        inbox = client.get("/api/v1/me/notifications", headers=auth)
        statuses.append(inbox.status_code)
        for item in inbox.get_json().get("items", [])[:1]:
            statuses.append(client.post(f"/api/v1/me/notifications/{item['id']}/read", headers=auth).status_code)
    time.sleep(0.5)  # let the worker finish what the last requests enqueued
    stop.set()
    loop.join(timeout=30)
    worker.terminate()
    try:
        out, _ = worker.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        out, _ = worker.communicate()
    worker_crashes = out.count("Traceback") + out.count("database is locked")
    result = {
        "requests": len(statuses),
        "conflicts": statuses.count(409),
        "server_errors": sum(1 for s in statuses if s >= 500),
        "other_failures": sum(1 for s in statuses if 400 <= s < 500 and s != 409),
        "loop_rounds": loop_rounds[0],
        "loop_crashes": len(loop_crashes),
        "worker_crashes": worker_crashes,
    }
    if loop_crashes or worker_crashes:
        print(loop_crashes[:3], out[-3000:], file=sys.stderr)
    return result


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), int(sys.argv[2]))))
