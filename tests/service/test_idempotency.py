"""A POST with the same Idempotency-Key is applied once; its first answer is repeated."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.service.conftest import Service


def _need(s: Service) -> int:
    s.call("hunan", "PUT", "/capacities/CN-HN/doctors", {"quantity": 100})
    return int(s.call("xiaogan", "POST", "/needs", {
        "region_code": "420900", "resource": "doctors", "quantity": 50,
        "start": "2020-02-10", "end": "2020-02-20"}).json()["id"])


def test_retried_post_is_applied_once(people: Service) -> None:
    s = people
    need = _need(s)
    body = {"need_id": need, "quantity": 7}
    first = s.call("hunan", "POST", "/pledges", body, **{"Idempotency-Key": "k-1"})
    again = s.call("hunan", "POST", "/pledges", body, **{"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert len(s.call("coord", "GET", "/pledges").json()) == 1
    # accepting twice with one key: one acceptance, both answers 200
    pid = first.json()["id"]
    a1 = s.call("coord", "POST", f"/pledges/{pid}/accept", **{"Idempotency-Key": "acc"})
    a2 = s.call("coord", "POST", f"/pledges/{pid}/accept", **{"Idempotency-Key": "acc"})
    assert (a1.status_code, a2.status_code) == (200, 200) and a1.json() == a2.json()
    assert s.call("coord", "GET", "/capacities").json()[0]["accepted"] == 7
    # without a key the second accept is a conflict
    assert s.call("coord", "POST", f"/pledges/{pid}/accept").status_code == 409


def test_a_key_reused_for_another_request_is_409(people: Service) -> None:
    s = people
    need = _need(s)
    s.call("hunan", "POST", "/pledges", {"need_id": need, "quantity": 1},
           **{"Idempotency-Key": "same"})
    r = s.call("hunan", "POST", "/pledges", {"need_id": need, "quantity": 2},
               **{"Idempotency-Key": "same"})
    assert r.status_code == 409 and "different request" in r.json()["detail"]
    # keys belong to their user: another donor may use the same text
    s.call("guangdong", "PUT", "/capacities/CN-GD/doctors", {"quantity": 5})
    r = s.call("guangdong", "POST", "/pledges", {"need_id": need, "quantity": 2},
               **{"Idempotency-Key": "same"})
    assert r.status_code == 201 and r.json()["donor_code"] == "CN-GD"


def test_concurrent_retries_create_one_pledge(people: Service) -> None:
    s = people
    need = _need(s)
    body = {"need_id": need, "quantity": 3}
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(
            lambda _: s.call("hunan", "POST", "/pledges", body,
                             **{"Idempotency-Key": "burst"}), range(20)))
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    assert len(s.call("coord", "GET", "/pledges").json()) == 1


def test_a_failed_request_stores_no_key(people: Service) -> None:
    s = people
    need = _need(s)
    r = s.call("hunan", "POST", "/pledges", {"need_id": need, "quantity": 500},
               **{"Idempotency-Key": "too-much"})
    assert r.status_code == 409
    s.call("hunan", "PUT", "/capacities/CN-HN/doctors", {"quantity": 1000})
    s.call("xiaogan", "POST", f"/needs/{need}/amendments", {"quantity": 600})
    r = s.call("hunan", "POST", "/pledges", {"need_id": need, "quantity": 500},
               **{"Idempotency-Key": "too-much"})
    assert r.status_code == 201
