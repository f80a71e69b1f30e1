"""The floor of a write on this machine, for ``bench_complaints``: a bare WSGI app (no framework, no checks) that
reads the JSON body and stores one complaint with one prepared ``INSERT … ON CONFLICT DO NOTHING RETURNING id`` into
``complaints`` (same columns, indexes and trigger as the API's) and a ``COMMIT``, on one psycopg connection per
worker. ``FLOOR_DATABASE_URL`` (a libpq URL) names the database; the other columns are copied from its newest
submitted complaint. ``/healthz`` answers a fixed body. Never part of the API: it shows what any request that
stores a complaint costs at least.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

_state: dict[str, Any] = {}


def _connection() -> tuple[psycopg.Connection, dict[str, Any], str]:
    if "conn" not in _state:
        conn = psycopg.connect(os.environ["FLOOR_DATABASE_URL"])
        cur = conn.execute("SELECT * FROM complaints WHERE status = 'submitted' ORDER BY id DESC LIMIT 1")
        names = [d.name for d in cur.description or []]
        template = dict(zip(names, cur.fetchone() or (), strict=True))
        del template["id"]
        template["screening"] = Jsonb(template["screening"])
        columns = ", ".join(template)
        values = ", ".join(f"%({c})s" for c in template)
        sql = f"INSERT INTO complaints ({columns}) VALUES ({values}) ON CONFLICT DO NOTHING RETURNING id"
        conn.commit()
        _state.update(conn=conn, template=template, sql=sql)
    return _state["conn"], _state["template"], _state["sql"]


def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    status = "200 OK"
    if environ["PATH_INFO"] == "/healthz":
        body = b'{"status":"ok"}'
    else:
        conn, template, sql = _connection()
        data = json.loads(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
        values = {
            **template,
            **{k: data[k] for k in ("title", "description", "latitude", "longitude", "category_id")},
            "tracking_number": "F" + uuid.uuid4().hex[:14].upper(),
            "idempotency_key": environ.get("HTTP_IDEMPOTENCY_KEY"),
            "created_at": dt.datetime.now(dt.UTC),
        }
        row = conn.execute(sql, values, prepare=True).fetchone()
        conn.commit()
        body = json.dumps({"id": row[0] if row else None, "tracking_number": values["tracking_number"]}).encode()
        status = "201 Created"
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
