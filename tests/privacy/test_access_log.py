"""The access log: a row for every time staff see a reporter's identity or a redaction's original; admins read
their area's log; a resident sees roles and offices, never staff."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.privacy.models import AccessLog
from app.extensions import db
from complaints.moderation.models import Redaction
from tests.complaints.handling_helpers import handled, handler
from tests.complaints.helpers import make_complaint
from tests.complaints.office_factories import office
from tests.factories import login, resident, staff


def rows() -> list[AccessLog]:
    db.session.expire_all()
    return list(db.session.scalars(select(AccessLog).order_by(AccessLog.id)))


def test_staff_reading_a_reporter_is_logged_with_who_what_whose_when_where(client):
    reporter = resident()
    c = make_complaint(reporter, status="verified")
    moderator = staff("moderator", "32.73")
    db.session.commit()
    resp = client.get(f"/api/v1/complaints/{c.id}", headers=login(moderator))
    assert resp.get_json()["reporter"]["name"] == reporter.name
    (row,) = rows()
    assert (row.actor_id, row.actor_role, row.actor_scope) == (moderator.id, "moderator", "32.73")
    assert (row.kind, row.subject_id, row.object_type, row.object_id) == (
        "reporter_identity",
        reporter.id,
        "complaint",
        c.id,
    )
    assert row.area_key == "32.73.01.1001.005" and row.ip == "127.0.0.1"
    assert row.endpoint == f"GET /api/v1/complaints/{c.id}" and row.created_at is not None


def test_nothing_is_logged_when_no_identity_is_shown(client):
    reporter = resident()
    public = make_complaint(reporter, status="verified")
    anonymous = make_complaint(reporter, status="verified", is_anonymous=True)
    village = staff("village_official", "32.73.01.1001")
    db.session.commit()
    client.get(f"/api/v1/complaints/{public.id}", headers=login(reporter))  # the reporter themself
    client.get(f"/api/v1/complaints/{public.id}", headers=login(resident()))  # the public label only
    client.get(f"/api/v1/complaints/{public.id}")
    client.get(f"/api/v1/complaints/{anonymous.id}", headers=login(village))  # "Anonim" for non-moderators
    client.get("/api/v1/complaints/999999", headers=login(staff("moderator", "32.73")))  # 404
    assert rows() == []


def test_the_queue_logs_each_reporter_shown_and_messages_log_too(client):
    a, b = resident(), resident()
    ca, cb = make_complaint(a), make_complaint(b)
    moderator = staff("moderator", "32.73")
    db.session.commit()
    auth = login(moderator)
    assert client.get("/api/v1/moderation/complaints", headers=auth).status_code == 200
    assert sorted(r.subject_id for r in rows()) == sorted([a.id, b.id])
    client.post(f"/api/v1/complaints/{ca.id}/messages", json={"body": "Halo"}, headers=login(a))
    client.get(f"/api/v1/complaints/{ca.id}/messages", headers=auth)
    assert [r.endpoint for r in rows()][-1] == f"GET /api/v1/complaints/{ca.id}/messages"
    assert cb.id in {r.object_id for r in rows()}


def test_reading_redaction_originals_is_logged(client):
    reporter = resident()
    c = make_complaint(reporter, status="verified")
    admin = staff("admin", "32.73")
    db.session.add(Redaction(complaint_id=c.id, field="title", original="asli", redacted="[disunting]"))
    db.session.commit()
    assert client.get(f"/api/v1/complaints/{c.id}/redactions", headers=login(admin)).status_code == 200
    assert [(r.kind, r.subject_id) for r in rows()] == [("redaction_original", reporter.id)]


def test_a_resident_sees_offices_and_roles_never_staff(client):
    reporter = resident()
    dinas = office("32.73")
    c = handled(dinas, reporter=reporter)
    member = handler(dinas)
    moderator = staff("moderator", "32.73")
    db.session.commit()
    client.get(f"/api/v1/complaints/{c.id}", headers=login(member))
    client.get(f"/api/v1/complaints/{c.id}", headers=login(moderator))
    resp = client.get("/api/v1/me/access-log", headers=login(reporter))
    assert resp.status_code == 200
    items = resp.get_json()["items"]
    assert [(i["actor_role"], i["office"]) for i in items] == [
        ("moderator", None),
        ("office_handler", {"id": dinas.id, "name": dinas.name}),
    ]
    text = resp.get_data(as_text=True)
    for staff_data in (member.name, moderator.name, str(member.phone)):
        assert staff_data not in text
    assert "actor_id" not in text
    other = client.get("/api/v1/me/access-log", headers=login(resident())).get_json()
    assert other["items"] == []


def test_admins_list_and_filter_their_area(client):
    reporter = resident()
    c = make_complaint(reporter, status="verified")
    moderator = staff("moderator", "32.73")
    db.session.commit()
    client.get(f"/api/v1/complaints/{c.id}", headers=login(moderator))
    admin = login(staff("admin", "32.73"))
    listed = client.get("/api/v1/privacy/access-log", headers=admin).get_json()["items"]
    assert [(i["actor"]["id"], i["subject_id"]) for i in listed] == [(moderator.id, reporter.id)]
    assert (
        client.get(f"/api/v1/privacy/access-log?actor_id={moderator.id + 999}", headers=admin).get_json()["items"] == []
    )
    assert (
        len(client.get(f"/api/v1/privacy/access-log?subject_id={reporter.id}", headers=admin).get_json()["items"]) == 1
    )
    assert (
        len(
            client.get("/api/v1/privacy/access-log?kind=reporter_identity&area=32.73.01", headers=admin).get_json()[
                "items"
            ]
        )
        == 1
    )
    elsewhere = login(staff("admin", "32.04"))
    assert client.get("/api/v1/privacy/access-log", headers=elsewhere).get_json()["items"] == []
    assert client.get("/api/v1/privacy/access-log?area=32.04", headers=admin).status_code == 422
    assert client.get("/api/v1/privacy/access-log?kind=nope", headers=admin).status_code == 422
    assert client.get("/api/v1/privacy/access-log", headers=login(moderator)).status_code == 403
    assert client.get("/api/v1/privacy/access-log").status_code == 401
