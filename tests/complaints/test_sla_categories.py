"""Per-category SLA: working days to first response and to resolution, set through the categories API."""

from __future__ import annotations

import pytest

from app.extensions import db
from complaints.categories.models import Category
from tests.factories import login, staff


def test_seeded_categories_have_default_sla(client):
    items = client.get("/api/v1/categories?limit=100").get_json()["items"]
    assert {(c["sla_response_days"], c["sla_resolution_days"]) for c in items} == {(3, 14)}


def test_create_with_defaults_and_with_own_sla(client):
    admin = login(staff("admin", "32"))
    plain = client.post("/api/v1/categories", json={"slug": "a-b", "name": "A B"}, headers=admin)
    assert plain.status_code == 201
    assert (plain.get_json()["sla_response_days"], plain.get_json()["sla_resolution_days"]) == (3, 14)
    own = client.post(
        "/api/v1/categories",
        json={"slug": "c-d", "name": "C D", "sla_response_days": 1, "sla_resolution_days": 5},
        headers=admin,
    )
    assert own.status_code == 201
    assert (own.get_json()["sla_response_days"], own.get_json()["sla_resolution_days"]) == (1, 5)


def test_patch_changes_sla(client):
    admin = login(staff("admin", "32"))
    resp = client.patch("/api/v1/categories/1", json={"sla_response_days": 2, "sla_resolution_days": 7}, headers=admin)
    assert resp.status_code == 200
    db.session.expire_all()
    category = db.session.get(Category, 1)
    assert (category.sla_response_days, category.sla_resolution_days) == (2, 7)


@pytest.mark.parametrize(
    "body",
    [
        {"sla_response_days": 0},
        {"sla_response_days": 2.5},
        {"sla_response_days": 61},
        {"sla_resolution_days": 366},
        {"sla_resolution_days": "x"},
        {"sla_resolution_days": 2},  # shorter than the current response days (3)
        {"sla_response_days": 20},  # longer than the current resolution days (14)
        {"sla_response_days": 5, "sla_resolution_days": 4},
    ],
)
def test_patch_sla_validation(client, body):
    resp = client.patch("/api/v1/categories/1", json=body, headers=login(staff("admin", "32")))
    assert resp.status_code == 422, resp.get_json()
    assert set(resp.get_json()["errors"]) & {"sla_response_days", "sla_resolution_days"}
    assert db.session.get(Category, 1).sla_response_days == 3


def test_create_sla_validation(client):
    body = {"slug": "e-f", "name": "E F", "sla_response_days": 10, "sla_resolution_days": 9}
    resp = client.post("/api/v1/categories", json=body, headers=login(staff("admin", "32")))
    assert resp.status_code == 422 and "sla_resolution_days" in resp.get_json()["errors"]


def test_only_province_admins_change_sla(client):
    resp = client.patch("/api/v1/categories/1", json={"sla_response_days": 1}, headers=login(staff("admin", "32.73")))
    assert resp.status_code == 403
    assert client.patch("/api/v1/categories/1", json={"sla_response_days": 1}).status_code == 401
