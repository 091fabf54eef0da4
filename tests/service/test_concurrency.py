"""Never over-commit, never twice: concurrent requests on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from tests.service.conftest import Service, add_people, make_db_url, make_service

from pairaid.service.capacities import service as capacities
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


@pytest.fixture
def pg_people(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Service]:
    """The service with :func:`people`'s users, on PostgreSQL only: SQLite holds its write
    lock from a request's first statement, so two writes there never interleave."""
    for s in make_service(make_db_url("postgresql", request, tmp_path)):
        yield add_people(s)


def _between_read_and_lock(monkeypatch: pytest.MonkeyPatch,
                           other: Callable[[], Any]) -> list[Any]:
    """Run the request ``other`` (in its own thread and transaction, to its commit) when
    the next request first commits capacity: after that request has read the pledge and
    before it locks it. Returns the list that receives ``other``'s response."""
    real = capacities.commit
    answers: list[Any] = []

    def interleaved(session: Any, **kwargs: Any) -> Any:
        if not answers:
            with ThreadPoolExecutor(max_workers=1) as pool:
                answers.append(pool.submit(other).result())
        return real(session, **kwargs)

    monkeypatch.setattr(capacities, "commit", interleaved)
    return answers


def _pledge_of_10(s: Service) -> tuple[int, int]:
    """Hunan's 100 doctors, Xiaogan's need of 120 and Hunan's proposed pledge of 10 to it:
    (need id, pledge id)."""
    s.call("hunan", "PUT", "/capacities/CN-HN/doctors", {"quantity": 100})
    need = s.call("xiaogan", "POST", "/needs", {"region_code": "420900",
                                               "resource": "doctors", "quantity": 120,
                                               "start": "2020-02-10",
                                               "end": "2020-03-10"}).json()["id"]
    p = s.call("hunan", "POST", "/pledges", {"need_id": need, "quantity": 10}).json()["id"]
    return need, p


@pytest.mark.parametrize("change", ["cancel", "amend"])
def test_a_pledge_changed_during_its_acceptance_is_not_accepted(
        pg_people: Service, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    """PostgreSQL: while the coordinator accepts a proposed pledge of 10, its donor cancels
    it (status changes, quantity stays 10) or amends it to 7 (still proposed). The
    acceptance must be refused (409) and leave capacity and need untouched: accepting a
    cancelled pledge, or 10 of a pledge of 7, would commit staff nobody offered."""
    s = pg_people
    need, p = _pledge_of_10(s)
    if change == "cancel":
        answers = _between_read_and_lock(
            monkeypatch, lambda: s.call("hunan", "POST", f"/pledges/{p}/cancel"))
        left = ("cancelled", 10)
    else:
        answers = _between_read_and_lock(
            monkeypatch, lambda: s.call("hunan", "POST", f"/pledges/{p}/amendments",
                                        {"quantity": 7}))
        left = ("proposed", 7)
    r = s.call("coord", "POST", f"/pledges/{p}/accept")
    assert [a.status_code for a in answers] == [200 if change == "cancel" else 201]
    assert (r.status_code, r.json()["detail"]) == (
        409, f"pledge {p} was changed by another request ({left[0]}, {left[1]}); "
        "read it again")
    now = s.call("coord", "GET", f"/pledges/{p}").json()
    assert (now["status"], now["quantity"]) == left
    cap = s.call("coord", "GET", "/capacities").json()[0]
    assert (cap["accepted"], cap["free"]) == (0, 100)
    assert s.call("coord", "GET", f"/needs/{need}").json()["accepted"] == 0


def test_a_pledge_dispatched_during_its_cancelling_is_not_cancelled(
        pg_people: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL: while the coordinator cancels an accepted pledge of 10, its donor
    dispatches 4 of it. The cancelling must be refused (409): the 4 are on their way, and
    freeing the 10 would let them be pledged twice."""
    s = pg_people
    need, p = _pledge_of_10(s)
    assert s.call("coord", "POST", f"/pledges/{p}/accept").status_code == 200
    answers = _between_read_and_lock(
        monkeypatch, lambda: s.call("hunan", "POST", "/dispatches",
                                    {"pledge_id": p, "quantity": 4, "depart": "2020-02-11",
                                     "arrive": "2020-02-12"}))
    r = s.call("coord", "POST", f"/pledges/{p}/cancel")
    assert [a.status_code for a in answers] == [201]
    assert (r.status_code, r.json()["detail"]) == (
        409, f"pledge {p} was changed by another request; read it again")
    now = s.call("coord", "GET", f"/pledges/{p}").json()
    assert (now["status"], now["quantity"], now["dispatched"]) == ("accepted", 10, 4)
    cap = s.call("coord", "GET", "/capacities").json()[0]
    assert (cap["accepted"], cap["free"]) == (10, 90)
    assert s.call("coord", "GET", f"/needs/{need}").json()["accepted"] == 10
