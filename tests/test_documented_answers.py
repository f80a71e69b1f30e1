"""Real answers match the committed OpenAPI document (docs/openapi.json), whichever way a view built them.

Presenters build the response dicts by hand and ``json_response`` writes them without a marshmallow pass, so a
presenter that drifts from its ``@blp.response`` schema would go unnoticed by the schema. Here every GET route is
called, as each kind of user, on a small world with data in every part (a complaint in handling with a co-handling
office, messages, a rating, a redaction, a rule, a holiday, a notification), plus the main actions, and every 2xx
JSON answer is validated against the documented response schema of its operation (OpenAPI 3.0 ``nullable``
included). The schemathesis contract test covers random inputs; this one covers answers full of real data.

Responses are built one way (docs/DEVELOPING.md, "A request"): a presenter and ``json_response``. So while these
requests run, no marshmallow schema may dump anything; a view that hands an object to its ``@blp.response`` schema
to dump fails here, named.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import marshmallow
import pytest
from flask import has_request_context, request
from openapi_schema_validator import OAS30Validator

from app.extensions import db
from complaints.follow_up import Rating
from complaints.moderation import service as moderation
from notifications.api import COMPLAINT_UPDATE, notify_users
from tests.complaints.handling_helpers import co, handled, handler
from tests.complaints.helpers import body, make_complaint
from tests.complaints.office_factories import office, rule
from tests.factories import login, resident, staff

DOC = json.loads((Path(__file__).parent.parent / "docs" / "openapi.json").read_text())


def _operations() -> list[tuple[str, re.Pattern[str], dict[str, Any]]]:
    out = []
    for template, item in DOC["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\{\w+\\}", r"[^/]+", re.escape(template)) + "$")
        for method, op in item.items():
            if isinstance(op, dict) and "responses" in op:
                out.append((method.upper(), pattern, op))
    return out


OPERATIONS = _operations()
#: The document itself and the Swagger UI.
UNDOCUMENTED = ("/api/v1/openapi.json", "/api/v1/docs")


@pytest.fixture(autouse=True)
def dumped(monkeypatch) -> list[str]:
    """Every schema dump during a request (there must be none), as ``METHOD path: Schema``."""
    seen: list[str] = []
    original = marshmallow.Schema.dump

    def dump(self: marshmallow.Schema, *args: Any, **kwargs: Any) -> Any:
        if has_request_context():
            seen.append(f"{request.method} {request.path}: {type(self).__name__}")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(marshmallow.Schema, "dump", dump)
    yield seen
    assert seen == [], "views that let a schema dump their answer instead of a presenter"


def _schema_of(method: str, path: str, status: int) -> dict[str, Any] | None:
    for m, pattern, op in OPERATIONS:
        if m == method and pattern.match(path):
            content = op["responses"].get(str(status), {}).get("content", {})
            if "application/json" not in content:
                pytest.fail(f"{method} {path} answered {status}, which the document does not describe as JSON")
            return content["application/json"]["schema"]
    return None


def check(resp: Any, method: str, path: str, checked: list[str], problems: list[str]) -> None:
    """Validate a 2xx JSON answer against its documented schema (refs resolved inside the whole document)."""
    if not 200 <= resp.status_code < 300 or resp.mimetype != "application/json":
        return
    if path.startswith(UNDOCUMENTED):
        return
    schema = _schema_of(method, path.split("?")[0], resp.status_code)
    assert schema is not None, f"{method} {path} is not in docs/openapi.json"
    errors = list(OAS30Validator({**schema, "components": DOC["components"]}).iter_errors(resp.get_json()))
    checked.append(f"{method} {path.split('?')[0]}")
    problems.extend(f"{method} {path} ({resp.status_code}): {e.message} at {list(e.absolute_path)}" for e in errors)


@pytest.fixture
def world(client) -> dict[str, Any]:
    reporter = resident()
    lead, partner = office(area="32.73"), office(area="32.73")
    worker = handler(lead, head=True)
    handler(partner)
    moderator, admin = staff("moderator", "32.73"), staff("admin", "32.73")
    complaint = handled(lead, status="closed", reporter=reporter)
    co(complaint, partner)
    db.session.add(Rating(complaint_id=complaint.id, user_id=reporter.id, score=4, comment="Cepat", office_id=lead.id))
    working = handled(lead, status="in_progress", reporter=reporter)
    queued = make_complaint(reporter, is_anonymous=True)
    moderation.redact(complaint_id=queued.id, actor=admin, texts={"title": "Judul disunting"}, reason="Uji")
    rule(lead, "32.73")
    notify_users(user_ids=[reporter.id], kind=COMPLAINT_UPDATE, title="Halo", body="Isi", link=None, data=None)
    db.session.flush()
    people = {
        "anonymous": None,
        "resident": reporter,
        "moderator": moderator,
        "admin": admin,
        "office_handler": worker,
        "village_official": staff("village_official", "32.73.01.1001"),
    }
    return {
        "ids": {"complaint": complaint.id, "office": lead.id, "user": reporter.id, "working": working.id},
        "queued": queued,
        "headers": {role: login(u) if u is not None else {} for role, u in people.items()},
    }


def _fill(rule_text: str, ids: dict[str, Any]) -> str:
    def value(m: re.Match[str]) -> str:
        name = m.group(2)
        for key in ("complaint", "office", "user"):
            if name.startswith(key):
                return str(ids[key])
        if "code" in name or name == "area":
            return "32.73"
        return "1"

    return re.sub(r"<(?:(\w+):)?(\w+)>", value, rule_text)


QUERIES = {
    "/api/v1/areas/search": "?q=sukasari",
    "/api/v1/complaints/similar": "?lat=-6.8868&lon=107.6045&category=1",
    "/api/v1/sla/calendar": "?area_code=32.73",
}


def test_every_get_answer_matches_the_document(app, client, world):
    checked: list[str] = []
    problems: list[str] = []
    rules = sorted({r.rule for r in app.url_map.iter_rules() if "GET" in r.methods and r.rule.startswith("/api/v1")})
    for rule_text in rules:
        path = _fill(rule_text, world["ids"]) + QUERIES.get(rule_text, "")
        for headers in world["headers"].values():
            check(client.get(path, headers=headers), "GET", path, checked, problems)
    # the paged and filtered shapes too
    for path in (
        "/api/v1/complaints?near=-6.8868,107.6045",
        "/api/v1/me/complaints?updated_since=2020-01-01T00:00:00%2B00:00",
        "/api/v1/me/notifications?updated_since=2020-01-01T00:00:00%2B00:00",
        f"/api/v1/offices/{world['ids']['office']}/inbox?overdue=false",
    ):
        for headers in world["headers"].values():
            check(client.get(path, headers=headers), "GET", path, checked, problems)
    assert sorted(set(problems)) == []
    assert len(set(checked)) >= 30, sorted(set(checked))


def test_action_answers_match_the_document(client, world):
    checked: list[str] = []
    problems: list[str] = []
    h, ids = world["headers"], world["ids"]

    def call(method: str, path: str, who: str, **kw: Any) -> Any:
        resp = client.open(path, method=method, headers=h[who], **kw)
        assert resp.status_code < 300, (method, path, resp.status_code, resp.get_json())
        check(resp, method, path, checked, problems)
        return resp

    new = call("POST", "/api/v1/complaints", "resident", json=body()).get_json()["id"]
    other = resident()
    h["other"] = login(other)
    call("PUT", f"/api/v1/complaints/{ids['working']}/support", "other")
    call("DELETE", f"/api/v1/complaints/{ids['working']}/support", "other")
    call("POST", f"/api/v1/complaints/{ids['working']}/messages", "resident", json={"body": "Masih rusak, Pak."})
    call("POST", f"/api/v1/complaints/{new}/verify", "moderator", json={"office_id": ids["office"], "note": None})
    call("POST", f"/api/v1/complaints/{new}/accept", "office_handler", json={"note": "Kami tinjau."})
    call("POST", f"/api/v1/complaints/{new}/start", "office_handler", json={"note": None})
    call("POST", f"/api/v1/complaints/{new}/resolve", "office_handler", json={"note": "Sudah ditambal."})
    call("POST", f"/api/v1/complaints/{new}/validate", "moderator", json={"approved": True, "note": None})
    call("POST", f"/api/v1/complaints/{new}/rating", "resident", json={"score": 5, "comment": "Terima kasih"})
    queued = world["queued"].id
    call("POST", f"/api/v1/complaints/{queued}/reject", "moderator", json={"reason": "spam", "note": "Bukan aduan."})
    call("PATCH", "/api/v1/me", "resident", json={"name": "Warga Baru"})
    created = call(
        "POST", "/api/v1/offices", "admin", json={"code": "UPT-9", "name": "UPT Sembilan", "area_code": "32.73"}
    )
    call("PATCH", f"/api/v1/offices/{created.get_json()['id']}", "admin", json={"name": "UPT Sembilan Baru"})
    assert sorted(set(problems)) == []
    assert len(set(checked)) >= 14, sorted(set(checked))
