"""DELETE /me: sessions and devices go at once, identity erased, complaints stay with "Anonim" and masked texts,
the phone can register again; staff cannot; wrong password changes nothing."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import AuthSession, User
from app.extensions import db
from complaints.conversation.models import Message
from complaints.follow_up import Rating
from complaints.intake.models import Complaint
from notifications.models import Device, Notification
from tests.factories import PASSWORD, login, resident, staff
from tests.privacy.helpers import SECRET_PHONE, world

DIGITS = "81234567890"


def _delete(client, auth, password=PASSWORD):
    return client.delete("/api/v1/me", json={"password": password}, headers=auth)


def test_deleting_my_account_erases_me_everywhere(client):
    w = world()
    phone, email = w.me.phone, w.me.email
    auth = login(w.me)
    assert _delete(client, auth).status_code == 204
    assert client.get("/api/v1/me", headers=auth).status_code == 401  # every session ends at once
    db.session.expire_all()
    user = db.session.get(User, w.me.id)
    assert (user.name, user.phone, user.home_area_code, user.home_rw) == ("Anonim", None, None, None)
    assert user.email == f"deleted-{user.id}@anonim.invalid" and not user.is_active and user.deleted_at
    assert db.session.scalars(select(AuthSession).where(AuthSession.user_id == user.id)).all() == []
    # The device left at once: detached, then unsubscribed from its topics and forgotten by the topic job.
    assert db.session.scalars(select(Device).where(Device.token == "tok-siti-0123456789abcdef")).all() == []
    assert db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all() == []
    c = db.session.get(Complaint, w.mine.id)
    assert c.is_anonymous and c.reporter_label == "Anonim" and SECRET_PHONE not in c.description
    assert c.public_description is None
    bodies = db.session.scalars(select(Message.body).where(Message.complaint_id == c.id)).all()
    assert all(DIGITS not in b for b in bodies) and len(bodies) == 3
    assert DIGITS not in db.session.get(Rating, w.closed.id).comment
    # The phone number can register again at once.
    again = client.post(
        "/api/v1/auth/register",
        json={"name": "Siti Baru", "phone": phone, "password": "rahasia-123", "home_area_code": "32.73.01.1001"},
    )
    assert again.status_code == 201
    assert client.post("/api/v1/auth/login", json={"login": email, "password": PASSWORD}).status_code == 401


def test_no_endpoint_shows_the_erased_identity_to_any_role(client):
    w = world()
    name, phone, email = w.me.name, w.me.phone, w.me.email
    assert _delete(client, login(w.me)).status_code == 204
    viewers = {
        "anonymous": {},
        "resident": login(resident()),
        "moderator": login(w.moderator),
        "admin": login(staff("admin", "32.73")),
        "village": login(staff("village_official", "32.73.01.1001")),
    }
    paths = [
        f"/api/v1/complaints/{w.mine.id}",
        f"/api/v1/complaints/{w.closed.id}",
        "/api/v1/complaints",
        f"/api/v1/complaints/{w.mine.id}/messages",
        f"/api/v1/complaints/{w.mine.id}/timeline",
        f"/api/v1/complaints/{w.mine.id}/redactions",
        "/api/v1/moderation/complaints?status=verified",
    ]
    shown = 0
    for role, auth in viewers.items():
        for path in paths:
            resp = client.get(path, headers=auth)
            assert resp.status_code < 500, (role, path)
            text = resp.get_data(as_text=True)
            for erased in (name, "Siti", phone, phone[3:], email, SECRET_PHONE, DIGITS):
                assert erased not in text, (role, path, erased)
            shown += resp.status_code == 200
    assert shown >= 15
    detail = client.get(f"/api/v1/complaints/{w.mine.id}", headers=viewers["moderator"]).get_json()
    assert detail["reporter_name"] == "Anonim"


def test_a_wrong_password_changes_nothing(client):
    w = world()
    auth = login(w.me)
    resp = _delete(client, auth, password="not-my-password")
    assert resp.status_code == 422 and resp.get_json()["error"] == "wrong_password"
    assert client.get("/api/v1/me", headers=auth).get_json()["name"] == "Siti Rahmawati"
    assert db.session.get(Complaint, w.mine.id).reporter_label != "Anonim"
    assert client.delete("/api/v1/me", json={}, headers=auth).status_code == 422
    assert client.delete("/api/v1/me", json={"password": PASSWORD, "x": 1}, headers=auth).status_code == 422
    assert client.delete("/api/v1/me", json={"password": PASSWORD}).status_code == 401


def test_wrong_passwords_are_rate_limited(client):
    auth = login(resident())
    codes = [_delete(client, auth, password="wrong-password").status_code for _ in range(6)]
    assert codes == [422] * 5 + [429]


def test_staff_accounts_are_deactivated_not_deleted(client):
    moderator = staff("moderator", "32.73")
    resp = _delete(client, login(moderator))
    assert resp.status_code == 403 and resp.get_json()["error"] == "staff_account_not_deletable"
    assert db.session.get(User, moderator.id).deleted_at is None
