"""The served OpenAPI document, its committed copy (docs/openapi.json) and its offline UI.

Mobile clients are generated from the committed copy: every operation needs a stable operationId and a summary,
tags come from one declared list, and every success response with a body has an example (app/openapi.py).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from openapi_spec_validator import validate

from app.config import ROOT
from app.openapi import DOCUMENT_PATH, OPERATION_IDS, REGENERATE_COMMAND, TAGS

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def spec(client) -> dict[str, Any]:
    return client.get("/api/v1/openapi.json").get_json()


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", method, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in HTTP_METHODS
    ]


def test_every_operation_has_a_summary(spec):
    assert spec["openapi"].startswith("3.")
    ops = operations(spec)
    assert len(ops) >= 84
    assert [name for name, _, op in ops if not op.get("summary")] == []
    assert all(name.split(" ")[1].startswith("/api/v1/") for name, _, _ in ops)


def test_every_operation_has_a_unique_camel_case_operation_id(spec):
    ops = operations(spec)
    missing = [name.replace(" /api/v1", " ") for name, _, op in ops if "operationId" not in op]
    assert missing == [], f"name these operations in OPERATION_IDS (app/openapi.py): {missing}"
    ids = [op["operationId"] for _, _, op in ops]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert [i for i in ids if not re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)*", i)] == []


def test_no_operation_id_is_declared_for_a_missing_operation(spec):
    documented = {name.replace(" /api/v1", " ") for name, _, _ in operations(spec)}
    assert sorted(set(OPERATION_IDS) - documented) == []


def test_tags_come_from_the_declared_list(spec):
    declared = [tag["name"] for tag in TAGS]
    assert spec["tags"] == TAGS
    assert len(declared) == len(set(declared))
    assert all(tag["description"] for tag in TAGS)
    ops = operations(spec)
    assert [(name, op.get("tags")) for name, _, op in ops if len(op.get("tags", [])) != 1] == []
    assert [(name, op["tags"][0]) for name, _, op in ops if op["tags"][0] not in declared] == []
    assert sorted(set(declared) - {op["tags"][0] for _, _, op in ops}) == []  # no tag without an operation


def test_merged_tags(spec):
    paths = spec["paths"]
    assert paths["/api/v1/me/complaints"]["get"]["tags"] == ["complaints"]
    assert paths["/api/v1/moderation/complaints"]["get"]["tags"] == ["moderation"]
    assert paths["/api/v1/complaints/{complaint_id}/verify"]["post"]["tags"] == ["moderation"]
    assert paths["/api/v1/complaints/{complaint_id}/verify"]["post"]["operationId"] == "verifyComplaint"
    assert paths["/api/v1/complaints"]["get"]["operationId"] == "listComplaints"


def test_servers_are_hosts_because_paths_carry_the_prefix(spec):
    assert [server["url"] for server in spec["servers"]] == ["https://{host}", "http://127.0.0.1:8000"]
    assert spec["servers"][0]["variables"]["host"]["default"]


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        section, name = node["$ref"].split("/")[-2:]
        node = spec["components"][section][name]
    return node


def _underivable(spec: dict[str, Any], schema: dict[str, Any], where: str, seen: frozenset[str]) -> list[str]:
    """The places in ``schema`` that neither carry an example nor let one be derived from their parts."""
    if "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        if name in seen:
            return []
        return _underivable(spec, _resolve(spec, schema), name, seen | {name})
    if "example" in schema or "enum" in schema or "default" in schema:
        return []
    for key in ("allOf", "anyOf", "oneOf"):
        if key in schema:
            # ``anyOf: [{$ref}, {type: object, nullable: true}]`` is how a nullable nested schema is written.
            parts = [s for s in schema[key] if s != {"type": "object", "nullable": True}]
            return [gap for part in parts for gap in _underivable(spec, part, where, seen)]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        gaps = []
        for name, prop in schema.get("properties", {}).items():
            gaps += [gap if gap != where else f"{where}.{name}" for gap in _underivable(spec, prop, where, seen)]
        if isinstance(schema.get("additionalProperties"), dict):
            gaps += _underivable(spec, schema["additionalProperties"], where, seen)
        return gaps
    if kind == "array":
        return _underivable(spec, schema.get("items", {}), where, seen)
    if kind == "boolean" or schema.get("format") == "binary":
        return []  # true/false; a file
    return [where]


def test_every_success_response_with_a_body_has_an_example(spec):
    gaps = []
    bodies = 0
    for name, _, op in operations(spec):
        for status, response in op["responses"].items():
            if not status.startswith("2"):
                continue
            for media_type, content in _resolve(spec, response).get("content", {}).items():
                bodies += 1
                if "example" in content or "examples" in content:
                    continue
                gaps += [
                    f"{name} {status} {media_type}: {gap}"
                    for gap in _underivable(spec, content["schema"], name, frozenset())
                ]
    assert bodies >= 70
    assert gaps == [], (
        f"give these fields metadata={{'example': ...}} or a FIELD_EXAMPLES entry (app/openapi.py): {gaps}"
    )


def test_the_document_is_valid_openapi(spec):
    validate(spec)


def _differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The paths, schemas and other top-level keys in which two documents differ."""
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if key in ("paths", "components") and isinstance(a, dict) and isinstance(b, dict):
            for sub in sorted(set(a) | set(b)):
                if a.get(sub) == b.get(sub):
                    continue
                if key == "components" and isinstance(a.get(sub), dict) and isinstance(b.get(sub), dict):
                    out += [f"{sub}.{n}" for n in sorted(set(a[sub]) | set(b[sub])) if a[sub].get(n) != b[sub].get(n)]
                else:
                    out.append(sub)
        else:
            out.append(key)
    return out


def test_the_committed_document_is_current(spec):
    committed = ROOT / DOCUMENT_PATH
    assert committed.is_file(), f"{DOCUMENT_PATH} is missing: run `{REGENERATE_COMMAND}` and commit it"
    differences = _differences(json.loads(committed.read_text(encoding="utf-8")), spec)
    assert differences == [], (
        f"{DOCUMENT_PATH} is stale: run `{REGENERATE_COMMAND}` and commit it. Changed: {differences}"
    )


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
