"""The authorization matrix of issue 6: every moderation and office-handling endpoint against the callers who must be
turned away — a moderator of another kab/kota, a handler of another office, a resident, and an anonymous caller.

Each endpoint is called with a body that would succeed for the right person, on a complaint in a status where the
action is allowed, so that a 403/404 can only come from the permission check. Nothing may change: the complaint's
status and version and its history stay as they were. A last test fails when an endpoint is added to these
blueprints without a row here.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from app.extensions import db
from complaints.intake.models import Complaint, HistoryEntry
from tests.complaints.handling_helpers import co, handled, handler
from tests.complaints.helpers import jpeg_bytes, make_complaint
from tests.complaints.office_factories import office
from tests.factories import login, resident, staff


@dataclass(frozen=True)
class Endpoint:
    method: str
    #: Path with ``{c}`` for the complaint, ``{o}`` for the lead office, ``{co}`` for a co-handling office,
    #: ``{other}`` for a second complaint and ``{target}`` for another office.
    path: str
    #: The status the complaint is put in (one where the action is allowed).
    status: str
    body: dict[str, Any] | None = None
    multipart: bool = False
    #: Flask endpoint name, for the completeness check.
    endpoint: str = ""


ENDPOINTS = [
    Endpoint("GET", "/moderation/complaints", "submitted", endpoint="moderation.Queue"),
    Endpoint("POST", "/complaints/{c}/verify", "submitted", {}, endpoint="complaint_moderation.Verify"),
    Endpoint(
        "POST", "/complaints/{c}/reject", "submitted", {"reason": "spam", "note": "Iklan."},
        endpoint="complaint_moderation.Reject",
    ),
    Endpoint(
        "POST", "/complaints/{c}/request-info", "submitted", {"note": "Di mana tepatnya?"},
        endpoint="complaint_moderation.RequestInfo",
    ),
    Endpoint(
        "POST", "/complaints/{c}/answer", "needs_info", {"body": "Depan SDN 5."},
        endpoint="complaint_moderation.Answer",
    ),
    Endpoint(
        "POST", "/complaints/{c}/mark-duplicate", "submitted", {"duplicate_of_id": "{other}"},
        endpoint="complaint_moderation.MarkDuplicate",
    ),
    Endpoint(
        "POST", "/complaints/{c}/redact", "submitted", {"title": "Jalan rusak", "reason": "Nama orang."},
        endpoint="complaint_moderation.Redact",
    ),
    Endpoint("GET", "/complaints/{c}/redactions", "submitted", endpoint="complaint_moderation.Redactions"),
    Endpoint(
        "POST", "/complaints/{c}/validate", "resolved", {"approved": True}, endpoint="complaint_moderation.Validate"
    ),
    Endpoint("GET", "/offices/{o}/inbox", "verified", endpoint="handling.OfficeInbox"),
    Endpoint("POST", "/complaints/{c}/accept", "verified", {}, endpoint="handling.Accept"),
    Endpoint("POST", "/complaints/{c}/assign", "accepted", {"user_id": None}, endpoint="handling.Assign"),
    Endpoint("POST", "/complaints/{c}/start", "accepted", {}, endpoint="handling.Start"),
    Endpoint(
        "POST", "/complaints/{c}/transfer", "accepted", {"office_id": "{target}", "reason": "Bukan wewenang."},
        endpoint="handling.Transfer",
    ),
    Endpoint(
        "POST", "/complaints/{c}/co-handlers", "accepted", {"office_id": "{target}"},
        endpoint="handling.CoHandlers",
    ),
    Endpoint("DELETE", "/complaints/{c}/co-handlers/{co}", "accepted", endpoint="handling.CoHandlerItem"),
    Endpoint(
        "POST", "/complaints/{c}/resolve", "in_progress", {"note": "Sudah ditambal."}, endpoint="handling.Resolve"
    ),
    Endpoint(
        "POST", "/complaints/{c}/resolution-photos", "in_progress", multipart=True,
        endpoint="handling.ResolutionPhotos",
    ),
]  # fmt: skip

CALLERS = ("moderator_of_another_kabkota", "handler_of_another_office", "resident", "anonymous")


def _fill(value: Any, ids: dict[str, int]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def _caller(kind: str) -> Any:
    if kind == "moderator_of_another_kabkota":
        return staff("moderator", "32.04")  # Kabupaten Bandung; the complaint is in Kota Bandung (32.73)
    if kind == "handler_of_another_office":
        return handler(office("32.73"))  # same city, another office
    if kind == "resident":
        return resident()
    return None


def _history_count(c: Complaint) -> int:
    return db.session.scalar(select(func.count()).where(HistoryEntry.complaint_id == c.id))


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda ep: f"{ep.method} {ep.path}")
def test_outsiders_are_turned_away_and_nothing_changes(client, ep, caller):
    lead, target, co_office = office("32.73"), office("32.73"), office("32.73")
    if ep.status in ("submitted", "needs_info"):
        c = make_complaint(status=ep.status)
    else:
        c = handled(lead, status=ep.status)
        co(c, co_office)
    other = make_complaint()
    ids = {"c": c.id, "o": lead.id, "co": co_office.id, "other": other.id, "target": target.id}
    url = "/api/v1" + ep.path.format(**ids)
    user = _caller(caller)
    headers = login(user) if user is not None else {}
    before = (c.status, c.version, _history_count(c), c.title)

    if ep.multipart:
        data = {"file": (io.BytesIO(jpeg_bytes()), "hasil.jpg")}
        resp = client.open(url, method=ep.method, data=data, content_type="multipart/form-data", headers=headers)
    else:
        resp = client.open(url, method=ep.method, json=_fill(ep.body, ids), headers=headers)

    body = resp.get_json()
    if user is None:
        assert resp.status_code == 401, body
    elif ep.path == "/moderation/complaints" and caller == "moderator_of_another_kabkota":
        # A moderator has a queue, of their own area: the complaint is not in it.
        assert resp.status_code == 200
        assert c.id not in [item["id"] for item in body["items"]]
    else:
        assert resp.status_code in (403, 404), body
    assert set(body) >= {"code", "status", "message"} if resp.status_code >= 400 else True
    db.session.expire_all()
    fresh = db.session.get(Complaint, c.id)
    assert (fresh.status, fresh.version, _history_count(fresh), fresh.title) == before


def test_every_moderation_and_handling_endpoint_is_in_the_matrix(app):
    covered = {(ep.endpoint, ep.method) for ep in ENDPOINTS}
    served = set()
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".")[0]
        if blueprint not in ("moderation", "complaint_moderation", "handling") or rule.rule.endswith("/me/offices"):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            served.add((rule.endpoint, method))
    assert served == covered
