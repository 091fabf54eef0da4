"""Property-based fuzzing from the OpenAPI schema (schemathesis): no request, however
odd, gets a server error (5xx)."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from tests.service.conftest import Service  # noqa: E402

ROLES = ("coord", "hunan", "xiaogan", "auditor")


def _prepare(s: Service) -> None:
    """Some state so that ids 1 and 2 exist and the rules are reached."""
    s.call("hunan", "PUT", "/capacities/CN-HN/doctors", {"quantity": 100})
    s.call("xiaogan", "POST", "/needs", {"region_code": "420900", "resource": "doctors",
                                         "quantity": 50, "start": "2020-02-10",
                                         "end": "2020-02-20"})
    for q in (10, 5):
        s.call("hunan", "POST", "/pledges", {"need_id": 1, "quantity": q})
    s.call("coord", "POST", "/pledges/1/accept")
    s.call("hunan", "POST", "/dispatches", {"pledge_id": 1, "quantity": 5,
                                            "depart": "2020-02-11", "arrive": "2020-02-12"})


def test_no_operation_answers_a_server_error(people: Service) -> None:
    s = people
    _prepare(s)
    schema = schemathesis.openapi.from_asgi("/openapi.json", s.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    failures = []
    for operation in operations:

        @given(case=operation.as_strategy(), role=st.sampled_from(ROLES))
        @settings(max_examples=8, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case, role: str) -> None:  # type: ignore[no-untyped-def]
            response = case.call(headers=s.headers(role))
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path} as {role}: "
                f"{response.status_code} {response.text[:300]}")

        try:
            fuzz()
        except AssertionError as err:
            failures.append(str(err))
    assert not failures, "\n".join(failures)
    verdict = s.call("auditor", "GET", "/audit/verify").json()
    assert verdict["ok"], verdict
