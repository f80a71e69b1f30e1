"""The complaints part of the OpenAPI document: summaries, request examples, multipart and image responses."""

from __future__ import annotations

METHODS = {"get", "post", "put", "patch", "delete"}


def complaint_operations(spec):
    for path, item in spec["paths"].items():
        if path.startswith(("/api/v1/complaints", "/api/v1/me/complaints")):
            for method, op in item.items():
                if method in METHODS:
                    yield path, method, op


def test_every_operation_has_a_summary_and_json_bodies_have_examples(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    ops = list(complaint_operations(spec))
    assert len(ops) >= 12
    for path, method, op in ops:
        assert op.get("summary"), (method, path)
        body = op.get("requestBody", {}).get("content", {}).get("application/json")
        if body is not None:
            assert body.get("example"), f"{method.upper()} {path} needs a request example"


def test_photo_upload_is_documented_as_multipart(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    op = spec["paths"]["/api/v1/complaints/{complaint_id}/photos"]["post"]
    content = op["requestBody"]["content"]
    assert list(content) == ["multipart/form-data"]
    schema = content["multipart/form-data"]["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    assert schema["properties"]["file"]["format"] == "binary"
    image = spec["paths"]["/api/v1/complaints/{complaint_id}/photos/{photo_id}"]["get"]["responses"]["200"]
    assert "image/jpeg" in image["content"]


def test_idempotency_key_header_is_documented(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    params = spec["paths"]["/api/v1/complaints"]["post"]["parameters"]
    assert any(p["in"] == "header" and p["name"] == "Idempotency-Key" for p in params)
