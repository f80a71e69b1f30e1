"""Complaint categories: the seeded set, admin management, who may manage."""

from __future__ import annotations

import pytest

from app.extensions import db
from complaints.categories.models import Category
from complaints.categories.service import require_active
from tests.factories import login, resident, staff


def test_seeded_indonesian_categories_are_listed(client):
    body = client.get("/api/v1/categories?limit=100").get_json()
    slugs = [c["slug"] for c in body["items"]]
    assert slugs[:4] == ["jalan-rusak", "sampah", "banjir-drainase", "penerangan-jalan"]
    assert {"kesehatan", "pendidikan", "adminduk", "ketertiban-umum", "bantuan-sosial", "lainnya"} <= set(slugs)
    assert body["next_cursor"] is None


def test_list_paginates_in_display_order(client):
    first = client.get("/api/v1/categories?limit=4").get_json()
    rest = client.get(f"/api/v1/categories?limit=100&cursor={first['next_cursor']}").get_json()
    orders = [c["sort_order"] for c in first["items"] + rest["items"]]
    assert orders == sorted(orders) and len(orders) == 10


def test_province_admin_creates_and_deactivates(client):
    admin = login(staff("admin", "32"))
    resp = client.post(
        "/api/v1/categories",
        json={"slug": "pohon-tumbang", "name": "Pohon tumbang", "icon_key": "tree", "parent_id": 1},
        headers=admin,
    )
    assert resp.status_code == 201
    new_id = resp.get_json()["id"]
    assert resp.get_json()["parent_id"] == 1
    off = client.patch(f"/api/v1/categories/{new_id}", json={"is_active": False}, headers=admin)
    assert off.status_code == 200 and off.get_json()["is_active"] is False
    public = client.get("/api/v1/categories?limit=100").get_json()["items"]
    assert new_id not in {c["id"] for c in public}
    assert client.get(f"/api/v1/categories/{new_id}").status_code == 404
    everything = client.get("/api/v1/categories?limit=100&include_inactive=true", headers=admin).get_json()["items"]
    assert new_id in {c["id"] for c in everything}


def test_inactive_category_cannot_be_chosen():
    cat = db.session.get(Category, 1)
    cat.is_active = False
    db.session.flush()
    from app.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        require_active(category_id=1)
    with pytest.raises(ValidationFailed):
        require_active(category_id=9999)
    assert require_active(category_id=2).slug == "sampah"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (lambda: staff("admin", "32.73"), 403),  # a kota admin: categories are province-wide
        (lambda: staff("editor", "32"), 403),
        (lambda: staff("moderator", "32"), 403),
        (lambda: resident(), 403),
    ],
)
def test_only_province_admins_manage(client, who, status):
    headers = login(who())
    assert client.post("/api/v1/categories", json={"slug": "x-y", "name": "X Y"}, headers=headers).status_code == status
    assert client.patch("/api/v1/categories/1", json={"name": "Z"}, headers=headers).status_code == status
    assert client.get("/api/v1/categories?include_inactive=true", headers=headers).status_code == 403
    assert db.session.get(Category, 1).name == "Jalan rusak"


def test_anonymous_cannot_manage(client):
    assert client.post("/api/v1/categories", json={"slug": "x-y", "name": "X Y"}).status_code == 401
    assert client.get("/api/v1/categories?include_inactive=true").status_code == 403


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"slug": "Bad Slug", "name": "Ok name"}, "slug", 422),
        ({"slug": "ok", "name": "x"}, "name", 422),
        ({"slug": "ok-slug", "name": "Ok name", "parent_id": 999}, "parent_id", 422),
        ({"slug": "jalan-rusak", "name": "Another"}, None, 409),
        ({"slug": "ok-slug", "name": "Ok name", "id": 5}, "id", 422),
    ],
)
def test_create_validation(client, body, field, status):
    resp = client.post("/api/v1/categories", json=body, headers=login(staff("admin", "32")))
    assert resp.status_code == status
    if field:
        assert field in resp.get_json()["errors"]


def test_parent_cycle_is_rejected(client):
    admin = login(staff("admin", "32"))
    child = client.post("/api/v1/categories", json={"slug": "a-b", "name": "A B", "parent_id": 1}, headers=admin)
    resp = client.patch("/api/v1/categories/1", json={"parent_id": child.get_json()["id"]}, headers=admin)
    assert resp.status_code == 422
    assert client.patch("/api/v1/categories/1", json={"parent_id": 1}, headers=admin).status_code == 422


def test_with_the_category_cache_on_a_deactivation_here_counts_at_once(app, client):
    """Production caches "is this category active" per process; this process's own change empties it."""
    from complaints.categories import service
    from tests.complaints.helpers import body

    app.config["CATEGORY_CACHE_SECONDS"] = 60
    service._is_active.cache_clear()
    try:
        admin, reporter = login(staff("admin", "32")), login(resident())
        assert client.post("/api/v1/complaints", json=body(category_id=2), headers=reporter).status_code == 201
        assert len(service._is_active.cache) == 1  # answered from the database, then kept
        off = client.patch("/api/v1/categories/2", json={"is_active": False}, headers=admin)
        assert off.status_code == 200
        refused = client.post("/api/v1/complaints", json=body(category_id=2), headers=reporter)
        assert refused.status_code == 422 and refused.get_json()["errors"]["category_id"]
        assert client.patch("/api/v1/categories/2", json={"is_active": True}, headers=admin).status_code == 200
        assert client.post("/api/v1/complaints", json=body(category_id=2), headers=reporter).status_code == 201
    finally:
        app.config["CATEGORY_CACHE_SECONDS"] = 0
        service._is_active.cache_clear()
