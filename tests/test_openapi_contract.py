"""Schemathesis over the whole served OpenAPI document: no 5xx, and every response matches its documentation.

Runs in-process over WSGI, anonymous, as a resident and as a moderator. Rate limits are off here (429s would hide
real bugs). The figures per role (operations, cases, 5xx, failed checks) are printed at the end of the run
(``tests/conftest.py``, which also gathers them from the pytest-xdist workers).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.extensions import limiter
from tests.conftest import CONTRACT_FIGURES, Figures, get_test_app
from tests.factories import login, resident, staff

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


#: A body over the JSON size limit is refused with 413 before it is parsed; schemathesis's default list of
#: "rejections" lacks it.
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {
        "checks": {
            "negative_data_rejection": {
                "expected-statuses": [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429, "5xx"]
            }
        }
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_test_app(), config=CONFIG)

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


def call_and_validate(case, role: str, headers: dict[str, str] | None = None) -> None:
    headers = {**(headers or {}), **PLAIN}
    figures = CONTRACT_FIGURES.setdefault(role, Figures())
    figures.operations.add(case.operation.label)
    figures.cases += 1

    def count_server_errors(ctx, response, case):
        figures.server_errors += response.status_code >= 500

    try:
        case.call_and_validate(headers=headers, checks=CHECKS, additional_checks=[count_server_errors])
    except FailureGroup as group:
        figures.failures.update({type(f).__name__ for f in group.exceptions})
        raise
    except AssertionError as failure:
        figures.failures[type(failure).__name__] += 1
        raise


@schema.parametrize()
@SETTINGS
def test_api_anonymous(case, no_rate_limits):
    call_and_validate(case, "anonymous")


@schema.parametrize()
@SETTINGS
def test_api_as_resident(case, no_rate_limits):
    call_and_validate(case, "resident", login(resident()))


@schema.parametrize()
@SETTINGS
def test_api_as_moderator(case, no_rate_limits):
    call_and_validate(case, "moderator", login(staff("moderator", "32.73")))
