"""Authorisation matrix: every role against every endpoint, with the expected status.

A donor acts only for its own region, a recipient only for its own, an auditor only reads;
refusals are 403 and land in the audit log.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.service.conftest import Service, add_people, make_db_url, make_service

ROLES = ("coord", "hunan", "guangdong", "xiaogan", "huanggang", "auditor")
"""coordinator; donors CN-HN (own) and CN-GD (another); recipients 420900 (own) and
421100 (another); auditor."""

NEED = {"region_code": "420900", "resource": "doctors", "quantity": 5,
        "start": "2020-02-10", "end": "2020-02-20"}
DISPATCH = {"pledge_id": 1, "quantity": 1, "depart": "2020-02-11", "arrive": "2020-02-12"}

ALL_READ = dict.fromkeys(ROLES, 200)


def _only(allowed: dict[str, int]) -> dict[str, int]:
    return {role: allowed.get(role, 403) for role in ROLES}


MATRIX: list[tuple[str, str, dict | None, dict[str, int]]] = [
    ("GET", "/me", None, ALL_READ),
    ("PUT", "/capacities/CN-HN/doctors", {"quantity": 100}, _only({"coord": 200, "hunan": 200})),
    ("GET", "/capacities", None, ALL_READ),
    ("GET", "/capacities/CN-HN/doctors/versions", None, ALL_READ),
    ("POST", "/needs", NEED, _only({"xiaogan": 201})),
    ("GET", "/needs", None, ALL_READ),
    ("GET", "/needs/1", None, ALL_READ),
    ("GET", "/needs/1/versions", None, ALL_READ),
    ("POST", "/needs/1/amendments", {"quantity": 60}, _only({"xiaogan": 201})),
    ("POST", "/pledges", {"need_id": 1, "quantity": 1},
     _only({"hunan": 201, "guangdong": 201})),
    ("POST", "/pledges/2/amendments", {"quantity": 4}, _only({"hunan": 201, "coord": 201})),
    ("POST", "/pledges/2/accept", None, _only({"coord": 200})),
    ("POST", "/pledges/3/cancel", None, _only({"coord": 200, "hunan": 200})),
    ("POST", "/dispatches", DISPATCH, _only({"hunan": 201})),
    ("POST", "/dispatches/1/receipt", {"quantity": 1}, _only({"xiaogan": 201})),
    ("GET", "/pledges", None, ALL_READ),
    ("GET", "/pledges/1", None, ALL_READ),
    ("GET", "/pledges/1/versions", None, ALL_READ),
    ("GET", "/dispatches", None, ALL_READ),
    ("GET", "/dispatches/1", None, ALL_READ),
    ("GET", "/board", None, ALL_READ),
    ("POST", "/plans", {"name": "empty", "pairs": [], "flows": []}, _only({"coord": 201})),
    ("GET", "/audit", None, _only({"coord": 200, "auditor": 200})),
    ("GET", "/audit/verify", None, _only({"coord": 200, "auditor": 200})),
]


def _prepare(s: Service) -> None:
    """Capacities of both donors; need 1; pledge 1 accepted with dispatch 1; pledges 2, 3
    proposed by CN-HN."""
    for donor, code in (("hunan", "CN-HN"), ("guangdong", "CN-GD")):
        assert s.call(donor, "PUT", f"/capacities/{code}/doctors",
                      {"quantity": 100}).status_code == 200
    assert s.call("xiaogan", "POST", "/needs", {**NEED, "quantity": 50}).status_code == 201
    for q in (10, 5, 5):
        assert s.call("hunan", "POST", "/pledges", {"need_id": 1, "quantity": q}
                      ).status_code == 201
    assert s.call("coord", "POST", "/pledges/1/accept").status_code == 200
    assert s.call("hunan", "POST", "/dispatches", {**DISPATCH, "quantity": 5}
                  ).status_code == 201


@pytest.mark.parametrize("role", ROLES)
def test_role_against_every_endpoint(role: str, request: pytest.FixtureRequest,
                                     tmp_path: Path) -> None:
    for s in make_service(make_db_url("sqlite", request, tmp_path)):
        add_people(s)
        _prepare(s)
        got = {}
        for method, path, body, expected in MATRIX:
            got[f"{method} {path}"] = (s.call(role, method, path, body).status_code,
                                       expected[role])
        wrong = {k: v for k, v in got.items() if v[0] != v[1]}
        assert not wrong, f"{role}: (got, expected) {wrong}"
        refused = sum(1 for _, _, _, expected in MATRIX if expected[role] == 403)
        audit = s.call("coord", "GET", "/audit?limit=1000").json()
        logged = [e for e in audit if e["action"] == "forbidden" and e["user_name"] == role]
        assert len(logged) == refused


def test_anonymous_gets_401_everywhere(sqlite_service: Service) -> None:
    for method, path, body, _ in MATRIX:
        r = sqlite_service.client.request(method, f"/api/v1{path}", json=body)
        assert r.status_code == 401, (method, path, r.status_code)
