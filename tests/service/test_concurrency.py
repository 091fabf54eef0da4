"""Never over-commit, never twice: concurrent requests on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from tests.service.conftest import Service

from pairaid.service.capacities.models import CapacityVersion
from pairaid.service.versions import latest


def _pledge_and_accept(s: Service, donor: str, need: int) -> tuple[int, int]:
    r = s.call(donor, "POST", "/pledges", {"need_id": need, "quantity": 1})
    if r.status_code != 201:
        return r.status_code, 0
    a = s.call("coord", "POST", f"/pledges/{r.json()['id']}/accept")
    return r.status_code, a.status_code


def test_100_concurrent_pledges_against_capacity_10_accept_exactly_10(people: Service
                                                                        ) -> None:
    s = people
    s.call("hunan", "PUT", "/capacities/CN-HN/nurses", {"quantity": 10})
    need = s.call("xiaogan", "POST", "/needs", {"region_code": "420900", "resource": "nurses",
                                               "quantity": 1000, "start": "2020-02-10",
                                               "end": "2020-02-20"}).json()["id"]
    with ThreadPoolExecutor(max_workers=100) as pool:
        results = list(pool.map(lambda _: _pledge_and_accept(s, "hunan", need), range(100)))
    accepts = [a for _, a in results if a]
    statuses = {code for pair in results for code in pair if code}
    assert statuses <= {200, 201, 409}, results  # conflicts, never a server error
    assert accepts.count(200) == 10
    cap = s.call("coord", "GET", "/capacities").json()[0]
    assert (cap["quantity"], cap["accepted"], cap["free"]) == (10, 10, 0)
    row = s.call("coord", "GET", "/board").json()[0]
    assert row["accepted"] == 10
    accepted = s.call("coord", "GET", "/pledges?status=accepted").json()
    assert sum(p["quantity"] for p in accepted) == 10
    assert s.call("auditor", "GET", "/audit/verify").json()["ok"]


def test_concurrent_pledges_of_two_donors_never_overfill_a_need(people: Service) -> None:
    s = people
    s.call("hunan", "PUT", "/capacities/CN-HN/beds", {"quantity": 500})
    s.call("guangdong", "PUT", "/capacities/CN-GD/beds", {"quantity": 500})
    need = s.call("xiaogan", "POST", "/needs", {"region_code": "420900", "resource": "beds",
                                               "quantity": 7, "start": "2020-02-10",
                                               "end": "2020-02-20"}).json()["id"]
    donors = ["hunan", "guangdong"] * 30
    with ThreadPoolExecutor(max_workers=60) as pool:
        results = list(pool.map(lambda d: _pledge_and_accept(s, d, need), donors))
    assert [a for _, a in results].count(200) == 7
    assert s.call("coord", "GET", f"/needs/{need}").json()["accepted"] == 7
    caps = s.call("coord", "GET", "/capacities").json()
    assert sum(c["accepted"] for c in caps) == 7


def test_the_database_itself_refuses_an_over_commit(people: Service) -> None:
    s = people
    s.call("hunan", "PUT", "/capacities/CN-HN/doctors", {"quantity": 3})
    with s.db.write() as session:
        cap = latest(session, CapacityVersion, CapacityVersion.capacity_id, 1)
        assert cap is not None
        session.add(CapacityVersion(capacity_id=1, version=cap.version + 1, quantity=3,
                                    accepted=4, change="bypassing the service"))
        with pytest.raises(IntegrityError, match="accepted_within_capacity"):
            session.flush()


def test_history_and_audit_rows_cannot_be_changed_or_deleted(people: Service) -> None:
    s = people
    s.call("hunan", "PUT", "/capacities/CN-HN/doctors", {"quantity": 3})
    for sql in ("UPDATE capacity_versions SET quantity = 99",
                "DELETE FROM audit_log", "UPDATE audit_log SET action = 'x'"):
        with s.db.write() as session, pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(sql))
