"""Schemathesis over the offices, routing and SLA operations as the staff who use them (the project-wide
contract test runs anonymously and as a resident, which these endpoints answer with 401/403).

Negative-data rejection is left to the project-wide test: here the bearer header is always sent (so a case that
"omits" it is not negative), and query strings ignore unknown parameters project-wide (webargs' default).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection

from app.extensions import limiter
from tests.conftest import get_test_app
from tests.factories import login, staff
from tests.test_openapi_contract import CHECKS as ALL_CHECKS

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_test_app()).include(
    path_regex=r"^/api/v1/(offices|routing|sla)"
)

CHECKS = [check for check in ALL_CHECKS if check is not negative_data_rejection]

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
)


@pytest.fixture
def no_rate_limits():
    limiter.enabled = False
    yield
    limiter.enabled = True


#: The WSGI transport does not decompress: check the shapes uncompressed (see tests/test_openapi_contract.py).
PLAIN = {"Accept-Encoding": "identity"}


@schema.parametrize()
@SETTINGS
def test_as_city_admin(case, no_rate_limits):
    case.call_and_validate(headers={**login(staff("admin", "32.73")), **PLAIN}, checks=CHECKS)


@schema.parametrize()
@SETTINGS
def test_as_office_handler(case, no_rate_limits):
    case.call_and_validate(headers={**login(staff("office_handler", "32.73")), **PLAIN}, checks=CHECKS)


def test_operations_have_summaries_and_body_examples(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    ops = [
        (path, method, op)
        for path, item in spec["paths"].items()
        if path.startswith(("/api/v1/offices", "/api/v1/routing", "/api/v1/sla"))
        for method, op in item.items()
        if method in {"get", "post", "patch", "delete"}
    ]
    assert len(ops) == 19  # with the office inbox (complaints.handling)
    for path, method, op in ops:
        assert op.get("summary"), (method, path)
        assert op.get("security") == [{"bearerAuth": []}], (method, path)
        body = op.get("requestBody", {}).get("content", {}).get("application/json")
        if body is not None:
            assert body.get("example"), (method, path)
