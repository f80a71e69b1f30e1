"""Schemathesis over the whole served OpenAPI document: no 5xx, and every response matches its documentation.

Runs in-process over WSGI, anonymous and as a resident. Rate limits are off here (429s would hide real bugs).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.extensions import limiter
from tests.conftest import get_test_app
from tests.factories import login, resident

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def no_rate_limits():
    limiter.enabled = False
    yield
    limiter.enabled = True


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_test_app())

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


#: Schemathesis asks for gzip like a browser would, but its WSGI transport does not decompress the answer: the
#: shapes are checked uncompressed (compression has its own tests in tests/complaints/test_conditional.py).
PLAIN = {"Accept-Encoding": "identity"}


@schema.parametrize()
@SETTINGS
def test_api_anonymous(case, no_rate_limits):
    case.call_and_validate(headers=PLAIN, checks=CHECKS)


@schema.parametrize()
@SETTINGS
def test_api_as_resident(case, no_rate_limits):
    headers = {**login(resident()), **PLAIN}
    case.call_and_validate(headers=headers, checks=CHECKS)
