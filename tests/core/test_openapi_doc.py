"""The served OpenAPI document and its offline UI."""

from __future__ import annotations

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def test_every_operation_has_a_summary(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    ops = [(path, m, op) for path, item in spec["paths"].items() for m, op in item.items() if m in HTTP_METHODS]
    assert len(ops) >= 15
    missing = [f"{m.upper()} {path}" for path, m, op in ops if not op.get("summary")]
    assert missing == []
    assert all(path.startswith("/api/v1/") for path, _, _ in ops)


def test_authenticated_operations_declare_bearer_security(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["paths"]["/api/v1/me"]["get"]["security"] == [{"bearerAuth": []}]
    assert "security" not in spec["paths"]["/api/v1/auth/login"]["post"]


def test_request_bodies_have_examples(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    body = spec["paths"]["/api/v1/auth/register"]["post"]["requestBody"]["content"]["application/json"]
    assert body["example"]["home_area_code"] == "32.73.01.1001"


def test_swagger_ui_is_served_from_local_files(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "http://" not in html and "https://" not in html  # nothing fetched from the internet
    assert "/api/v1/docs/static/swagger-ui-bundle.js" in html
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"):
        with client.get(f"/api/v1/docs/static/{asset}") as resp:
            assert resp.status_code == 200
            assert len(resp.data) > 1000
            assert "max-age" in resp.headers["Cache-Control"]


def test_notification_operations_have_examples(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]

    def example(path, method, where):
        op = paths[path][method]
        if where == "request":
            return op["requestBody"]["content"]["application/json"]["example"]
        return next(iter(op["responses"][where]["content"].values()))["example"]

    assert example("/api/v1/devices", "post", "request")["token_kind"] == "registration_token"
    assert example("/api/v1/devices", "post", "200")["platform"] == "android"
    assert example("/api/v1/me/notifications", "get", "200")["items"][0]["link"] == {"type": "complaint", "id": 123}
    assert example("/api/v1/me/notifications/unread-count", "get", "200") == {"unread": 3, "capped": False}
    assert example("/api/v1/me/notification-preferences", "patch", "request") == {"news": False, "survey": False}
    assert example("/api/v1/admin/notifications", "get", "200")["items"][0]["push_status"] == "failed"
