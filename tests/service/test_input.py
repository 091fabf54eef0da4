"""Bad values in requests: refused as 422 with a clear message, never a 500 nor silently read
as something else (docs/service.md, "Values")."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.service.conftest import Service

NEED = {"region_code": "420900", "resource": "nurses", "quantity": 10,
        "start": "2020-02-10", "end": "2020-02-20"}


def _raw(s: Service, name: str, method: str, path: str, body: str) -> Any:
    """Send ``body`` as it is (JSON with NaN or Infinity cannot be built by ``json=``)."""
    return s.client.request(method, f"/api/v1{path}", content=body,
                            headers=s.headers(name, **{"Content-Type": "application/json"}))


@pytest.mark.parametrize("number", ["1e400", "-1e400", "NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_422_with_a_json_answer(people: Service, number: str) -> None:
    s = people
    r = _raw(s, "coord", "PUT", "/capacities/CN-HN/nurses", f'{{"quantity": {number}}}')
    assert r.status_code == 422
    body = r.json()  # the answer is valid JSON although the input was not JSON-able
    assert body["detail"].startswith("invalid request: body.quantity")
    flow = (f'{{"donor_code": "CN-HN", "recipient_code": "420900", "resource": "nurses", '
            f'"quantity": {number}}}')
    r = _raw(s, "coord", "POST", "/plans", f'{{"name": "p", "pairs": [], "flows": [{flow}]}}')
    assert r.status_code == 422
    assert "body.flows.0.quantity" in r.json()["detail"]
    assert "finite" in r.json()["detail"] or "number" in r.json()["detail"]
    # nothing was stored
    assert s.call("coord", "GET", "/capacities").json() == []


@pytest.mark.parametrize("value", [True, "300", 3.0])
def test_quantities_are_json_integers_only(people: Service, value: Any) -> None:
    s = people
    r = s.call("coord", "PUT", "/capacities/CN-HN/nurses", {"quantity": value})
    assert r.status_code == 422, r.text
    assert "body.quantity" in r.json()["detail"]
    r = s.call("xiaogan", "POST", "/needs", {**NEED, "quantity": value})
    assert r.status_code == 422, r.text


@pytest.mark.parametrize(("field", "value"), [
    ("start", 1581292800), ("start", "2020-02-10T00:00:00"), ("start", "20200210"),
    ("start", "0001-01-01"), ("end", "9999-12-31"), ("start", "1999-12-31"),
    ("end", "2100-01-01"), ("start", True)])
def test_dates_are_iso_days_within_the_window(people: Service, field: str,
                                              value: Any) -> None:
    s = people
    r = s.call("xiaogan", "POST", "/needs", {**NEED, field: value})
    assert r.status_code == 422, r.text
    assert f"body.{field}" in r.json()["detail"]
    assert s.call("xiaogan", "GET", "/needs").json() == []


def test_the_window_edges_are_accepted(people: Service) -> None:
    s = people
    r = s.call("xiaogan", "POST", "/needs", {**NEED, "start": "2000-01-01",
                                             "end": "2099-12-31"})
    assert r.status_code == 201, r.text
    assert (r.json()["start"], r.json()["end"]) == ("2000-01-01", "2099-12-31")


def test_error_answers_survive_any_input(people: Service) -> None:
    # a nested non-finite value inside an object where a number is due
    r = _raw(people, "coord", "PUT", "/capacities/CN-HN/nurses",
             '{"quantity": {"a": [NaN, Infinity]}}')
    assert r.status_code == 422
    assert json.loads(r.text)["errors"][0]["loc"] == ["body", "quantity"]
