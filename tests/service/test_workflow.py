"""The whole workflow, on SQLite and PostgreSQL: capacity, need, partial pledges,
acceptance, dispatch, partial receipt, amendments, board, audit."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.service.conftest import Service


def _setup(s: Service) -> int:
    assert s.call("hunan", "PUT", "/capacities/CN-HN/doctors",
                  {"quantity": 100}).status_code == 200
    assert s.call("guangdong", "PUT", "/capacities/CN-GD/doctors",
                  {"quantity": 50}).status_code == 200
    r = s.call("xiaogan", "POST", "/needs", {"region_code": "420900", "resource": "doctors",
                                             "quantity": 120, "start": "2020-02-10",
                                             "end": "2020-03-10"})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_whole_workflow(people: Service) -> None:
    s = people
    need = _setup(s)
    p1 = s.call("hunan", "POST", "/pledges", {"need_id": need, "quantity": 80})
    p2 = s.call("guangdong", "POST", "/pledges", {"need_id": need, "quantity": 30})
    assert (p1.status_code, p2.status_code) == (201, 201), p1.text + p2.text
    assert p1.json()["status"] == "proposed" and p1.json()["recipient_code"] == "420900"
    one, two = p1.json()["id"], p2.json()["id"]
    assert s.call("coord", "POST", f"/pledges/{one}/accept").json()["status"] == "accepted"
    assert s.call("coord", "POST", f"/pledges/{two}/accept").status_code == 200
    d = s.call("hunan", "POST", "/dispatches", {"pledge_id": one, "quantity": 50,
                                                "depart": "2020-02-11", "arrive": "2020-02-12"})
    assert d.status_code == 201, d.text
    dispatch = d.json()["id"]
    r = s.call("xiaogan", "POST", f"/dispatches/{dispatch}/receipt", {"quantity": 45})
    assert r.status_code == 201 and r.json()["dispatch"]["received"] == 45
    board = s.call("auditor", "GET", "/board").json()
    # hand computation: needed 120; pledged 80 + 30; accepted the same; dispatched 50;
    # received 45; open 120 - 110
    assert board == [{"recipient_code": "420900", "resource": "doctors", "needed": 120,
                      "pledged": 110, "accepted": 110, "dispatched": 50, "received": 45,
                      "open": 10}]
    caps = {c["donor_code"]: c for c in s.call("coord", "GET", "/capacities").json()}
    assert (caps["CN-HN"]["accepted"], caps["CN-HN"]["free"]) == (80, 20)
    assert (caps["CN-GD"]["accepted"], caps["CN-GD"]["free"]) == (30, 20)
    # cancel the undispatched pledge: capacity freed, need reopened
    assert s.call("guangdong", "POST", f"/pledges/{two}/cancel").json()["status"] == \
        "cancelled"
    row = s.call("coord", "GET", "/board").json()[0]
    assert (row["pledged"], row["accepted"], row["open"]) == (80, 80, 40)
    free = {c["donor_code"]: c["free"] for c in s.call("coord", "GET", "/capacities").json()}
    assert free == {"CN-GD": 50, "CN-HN": 20}
    audit = s.call("auditor", "GET", "/audit").json()
    actions = [e["action"] for e in audit]
    assert actions[:3] == ["capacity.set", "capacity.set", "need.create"]
    assert "pledge.accept" in actions and "dispatch.receive" in actions
    assert s.call("auditor", "GET", "/audit/verify").json() == {
        "ok": True, "entries": len(audit), "problems": []}


def test_amendment_is_a_new_version_and_the_old_stays(people: Service) -> None:
    s = people
    need = _setup(s)
    r = s.call("xiaogan", "POST", f"/needs/{need}/amendments",
               {"quantity": 90, "reason": "fewer patients"})
    assert r.status_code == 201 and r.json()["version"] == 2
    versions = s.call("hunan", "GET", f"/needs/{need}/versions").json()
    assert [(v["version"], v["quantity"], v["change"]) for v in versions] == [
        (1, 120, "stated"), (2, 90, "fewer patients")]
    assert s.call("hunan", "GET", f"/needs/{need}").json()["quantity"] == 90
    p = s.call("hunan", "POST", "/pledges", {"need_id": need, "quantity": 40}).json()
    assert s.call("hunan", "POST", f"/pledges/{p['id']}/amendments",
                  {"quantity": 35}).json()["quantity"] == 35
    history = s.call("coord", "GET", f"/pledges/{p['id']}/versions").json()
    assert [v["quantity"] for v in history] == [40, 35]
    # an accepted need cannot drop below what is accepted
    assert s.call("coord", "POST", f"/pledges/{p['id']}/accept").status_code == 200
    r = s.call("xiaogan", "POST", f"/needs/{need}/amendments", {"quantity": 30})
    assert r.status_code == 409 and "35 are already accepted" in r.json()["detail"]
    r = s.call("hunan", "POST", f"/pledges/{p['id']}/amendments", {"quantity": 10})
    assert r.status_code == 409 and "only a proposed pledge" in r.json()["detail"]


def test_conflicts_say_why(people: Service) -> None:
    s = people
    need = _setup(s)
    r = s.call("guangdong", "POST", "/pledges", {"need_id": need, "quantity": 51})
    assert r.status_code == 409 and "has 50 doctors free" in r.json()["detail"]
    r = s.call("guangdong", "POST", "/pledges", {"need_id": 999, "quantity": 1})
    assert r.status_code == 404 and "need 999" in r.json()["detail"]
    p = s.call("guangdong", "POST", "/pledges", {"need_id": need, "quantity": 20}).json()
    r = s.call("guangdong", "POST", "/dispatches", {"pledge_id": p["id"], "quantity": 5,
                                                    "depart": "2020-02-11",
                                                    "arrive": "2020-02-11"})
    assert r.status_code == 409 and "only an accepted pledge" in r.json()["detail"]
    s.call("coord", "POST", f"/pledges/{p['id']}/accept")
    r = s.call("coord", "POST", f"/pledges/{p['id']}/accept")
    assert r.status_code == 409 and "is accepted" in r.json()["detail"]
    r = s.call("guangdong", "POST", "/dispatches", {"pledge_id": p["id"], "quantity": 21,
                                                    "depart": "2020-02-11",
                                                    "arrive": "2020-02-11"})
    assert r.status_code == 409 and "20 left to dispatch" in r.json()["detail"]
    d = s.call("guangdong", "POST", "/dispatches", {"pledge_id": p["id"], "quantity": 20,
                                                    "depart": "2020-02-11",
                                                    "arrive": "2020-02-11"}).json()
    assert s.call("xiaogan", "POST", f"/dispatches/{d['id']}/receipt",
                  {"quantity": 15}).status_code == 201
    r = s.call("xiaogan", "POST", f"/dispatches/{d['id']}/receipt", {"quantity": 6})
    assert r.status_code == 409 and "15 are received" in r.json()["detail"]
    r = s.call("guangdong", "POST", f"/pledges/{p['id']}/cancel")
    assert r.status_code == 409 and "dispatched" in r.json()["detail"]
    r = s.call("hunan", "PUT", "/capacities/CN-GD/doctors", {"quantity": 1})
    assert r.status_code == 403
    r = s.call("coord", "PUT", "/capacities/CN-GD/doctors", {"quantity": 19})
    assert r.status_code == 409 and "already take 20" in r.json()["detail"]


def test_bad_requests_are_422_with_the_field_named(people: Service) -> None:
    r = people.call("xiaogan", "POST", "/needs", {"region_code": "420900",
                                                  "resource": "masks", "quantity": 1,
                                                  "start": "2020-02-10", "end": "2020-02-01"})
    assert r.status_code == 422 and "resource" in r.json()["detail"]
    r = people.call("xiaogan", "POST", "/needs", {"region_code": "420900",
                                                  "resource": "beds", "quantity": 1,
                                                  "start": "2020-02-10", "end": "2020-02-01"})
    assert r.status_code == 422 and "before start" in r.json()["detail"]


def test_no_token_is_401(people: Service) -> None:
    r = people.client.get("/api/v1/board")
    assert r.status_code == 401 and "Bearer" in r.json()["detail"]
    r = people.client.get("/api/v1/board", headers={"Authorization": "Bearer pa_nope"})
    assert r.status_code == 401


def test_an_unreachable_database_is_503_not_a_traceback(tmp_path) -> None:
    from fastapi.testclient import TestClient

    from pairaid.service.app import create_app
    from pairaid.service.settings import Settings

    app = create_app(Settings(db_url="postgresql://nobody@127.0.0.1:1/none"))
    r = TestClient(app).get("/api/v1/board", headers={"Authorization": "Bearer pa_x"})
    assert r.status_code == 503 and "retry later" in r.json()["detail"]


def test_accepting_past_a_capacity_or_a_need_is_refused_to_the_last_one(people: Service
                                                                        ) -> None:
    # proposals are checked against what is free when made; acceptance against what is
    # free when accepted. GD: capacity 50; the need: 120 doctors.
    s = people
    need = _setup(s)

    def pledge(who: str, quantity: int) -> int:
        r = s.call(who, "POST", "/pledges", {"need_id": need, "quantity": quantity})
        assert r.status_code == 201, r.text
        return int(r.json()["id"])

    gd = [pledge("guangdong", q) for q in (30, 30, 20)]
    hn = [pledge("hunan", q) for q in (71, 70)]
    assert s.call("coord", "POST", f"/pledges/{gd[0]}/accept").status_code == 200
    r = s.call("coord", "POST", f"/pledges/{gd[1]}/accept")
    assert r.status_code == 409 and r.json()["detail"] == (
        "CN-GD has 20 doctors free (capacity 50, accepted 30); cannot commit 30 more")
    # 30 + 20 = 50: the whole capacity, not more
    assert s.call("coord", "POST", f"/pledges/{gd[2]}/accept").status_code == 200
    r = s.call("coord", "POST", f"/pledges/{hn[0]}/accept")
    assert r.status_code == 409 and r.json()["detail"] == (
        f"need {need} (420900, doctors) has 70 open (quantity 120, accepted 50); "
        "cannot accept 71 more")
    # 50 + 70 = 120: the whole need
    assert s.call("coord", "POST", f"/pledges/{hn[1]}/accept").status_code == 200
    caps = {c["donor_code"]: (c["accepted"], c["free"])
            for c in s.call("coord", "GET", "/capacities").json()}
    assert caps == {"CN-GD": (50, 0), "CN-HN": (70, 30)}  # the refused 71 left no trace
    row = s.call("coord", "GET", "/board").json()[0]
    assert (row["accepted"], row["open"]) == (120, 0)
    # each acceptance is a new version of the capacity, by the coordinator, audited with
    # the version before and after (in order: GD 30, GD 20, HN 70)
    versions = s.call("coord", "GET", "/capacities/CN-GD/doctors/versions").json()
    assert [(v["version"], v["accepted"], v["change"]) for v in versions] == [
        (1, 0, "set"), (2, 30, f"pledge {gd[0]} accepted"), (3, 50, f"pledge {gd[2]} accepted")]
    commits = [e for e in s.call("auditor", "GET", "/audit").json()
               if e["action"] == "capacity.commit"]
    assert [e["entity"] for e in commits] == ["capacities"] * 3
    assert {e["role"] for e in commits} == {"coordinator"}
    assert versions[1]["changed_by"] == versions[2]["changed_by"] == commits[0]["user_id"]
    assert [(json.loads(e["before"])["accepted"], json.loads(e["after"])["accepted"])
            for e in commits] == [(0, 30), (30, 50), (0, 70)]
    gd_id = str(json.loads(commits[0]["before"])["capacity_id"])
    assert [e["entity_id"] for e in commits[:2]] == [gd_id, gd_id] != [commits[2]["entity_id"]] * 2
    # and of the need: GD 30, GD 20, HN 70 accepted, each a version audited before/after
    versions = s.call("coord", "GET", f"/needs/{need}/versions").json()
    assert [(v["version"], v["accepted"]) for v in versions] == [(1, 0), (2, 30), (3, 50),
                                                                  (4, 120)]
    assert {v["changed_by"] for v in versions[1:]} == {commits[0]["user_id"]}
    fills = [e for e in s.call("auditor", "GET", "/audit").json()
             if e["action"] == "need.commit"]
    assert [(e["entity"], e["entity_id"]) for e in fills] == [("needs", str(need))] * 3
    assert [(json.loads(e["before"])["accepted"], json.loads(e["after"])["accepted"])
            for e in fills] == [(0, 30), (30, 50), (50, 120)]


def test_cancelling_at_the_edges(people: Service) -> None:
    """A pledge with a single person dispatched cannot be cancelled; a cancelled one cannot
    be cancelled again (nothing freed twice); another donor may neither cancel nor dispatch
    someone else's pledge."""
    s = people
    need = _setup(s)
    one = s.call("hunan", "POST", "/pledges", {"need_id": need, "quantity": 10}).json()["id"]
    two = s.call("guangdong", "POST", "/pledges", {"need_id": need, "quantity": 20}).json()["id"]
    assert s.call("coord", "POST", f"/pledges/{one}/accept").status_code == 200
    assert s.call("coord", "POST", f"/pledges/{two}/accept").status_code == 200
    r = s.call("guangdong", "POST", "/dispatches", {"pledge_id": one, "quantity": 1,
                                                    "depart": "2020-02-11",
                                                    "arrive": "2020-02-12"})
    assert r.status_code == 403, r.text
    r = s.call("guangdong", "POST", f"/pledges/{one}/cancel")
    assert r.status_code == 403, r.text
    assert s.call("hunan", "POST", "/dispatches", {"pledge_id": one, "quantity": 1,
                                                   "depart": "2020-02-11",
                                                   "arrive": "2020-02-12"}).status_code == 201
    r = s.call("hunan", "POST", f"/pledges/{one}/cancel")
    assert r.status_code == 409 and "has 1 dispatched" in r.json()["detail"]
    assert s.call("guangdong", "POST", f"/pledges/{two}/cancel").status_code == 200
    r = s.call("guangdong", "POST", f"/pledges/{two}/cancel")
    assert r.status_code == 409 and "cancelled already" in r.json()["detail"]
    # freed once: Guangdong's 50 doctors all free again, the need open for 120 - 10
    free = {c["donor_code"]: c["free"] for c in s.call("coord", "GET", "/capacities").json()}
    assert free == {"CN-GD": 50, "CN-HN": 90}
    assert s.call("coord", "GET", "/board").json()[0]["open"] == 110


def test_refusals_of_cancelling_and_dispatching_say_why(people: Service) -> None:
    """The exact refusals a donor or the coordinator reads (who may act, what is left), an
    acceptance and a dispatch as audited versions, and a cancelling by the coordinator: a
    new version 'cancelled', audited as pledge.cancel, the capacity freed and the need
    reopened (Hunan 100 doctors, need 120; pledges 10 and 20)."""
    s = people
    need = _setup(s)
    one = s.call("hunan", "POST", "/pledges", {"need_id": need, "quantity": 10}).json()["id"]
    two = s.call("hunan", "POST", "/pledges", {"need_id": need, "quantity": 20}).json()["id"]

    def dispatch(who: str, pledge: int, quantity: int) -> Any:
        return s.call(who, "POST", "/dispatches", {"pledge_id": pledge, "quantity": quantity,
                                                   "depart": "2020-02-11",
                                                   "arrive": "2020-02-12"})

    r = dispatch("hunan", one, 1)
    assert (r.status_code, r.json()["detail"]) == (
        409, f"pledge {one} is proposed; only an accepted pledge can be dispatched")
    r = s.call("hunan", "POST", f"/pledges/{one}/accept")
    assert (r.status_code, r.json()["detail"]) == (
        403, "accept a pledge: needs role coordinator; hunan is donor")
    r = s.call("coord", "POST", f"/pledges/{one}/accept")
    assert (r.status_code, r.json()["change"], r.json()["version"]) == (200, "accepted", 2)
    r = s.call("coord", "POST", f"/pledges/{one}/accept")
    assert (r.status_code, r.json()["detail"]) == (
        409, f"pledge {one} is accepted; only a proposed pledge can be accepted")
    assert s.call("coord", "POST", f"/pledges/{two}/accept").status_code == 200
    r = dispatch("guangdong", one, 1)
    assert (r.status_code, r.json()["detail"]) == (
        403, f"dispatch pledge {one} of CN-HN: guangdong acts for CN-GD, not CN-HN")
    r = s.call("guangdong", "POST", f"/pledges/{one}/cancel")
    assert (r.status_code, r.json()["detail"]) == (
        403, f"cancel pledge {one} of CN-HN: guangdong acts for CN-GD, not CN-HN")
    assert dispatch("hunan", one, 4).status_code == 201
    sent = [e for e in s.call("auditor", "GET", "/audit").json()
            if e["action"] == "pledge.dispatch"]
    assert [(e["entity_id"], json.loads(e["before"])["dispatched"],
             json.loads(e["after"])["dispatched"]) for e in sent] == [(str(one), 0, 4)]
    # 10 accepted, 4 dispatched: 6 left
    r = dispatch("hunan", one, 7)
    assert (r.status_code, r.json()["detail"]) == (
        409, f"pledge {one} has 6 left to dispatch (accepted 10, dispatched 4); "
        "cannot dispatch 7")
    r = s.call("coord", "POST", f"/pledges/{one}/cancel")
    assert (r.status_code, r.json()["detail"]) == (
        409, f"pledge {one} has 4 dispatched; a dispatched pledge cannot be cancelled")
    # the coordinator cancels pledge two (accepted, nothing dispatched)
    r = s.call("coord", "POST", f"/pledges/{two}/cancel")
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["change"], r.json()["version"]) == (
        "cancelled", "cancelled", 3)
    cancels = [e for e in s.call("auditor", "GET", "/audit").json()
               if e["action"] == "pledge.cancel"]
    assert [(e["entity"], e["entity_id"], e["role"]) for e in cancels] == [
        ("pledges", str(two), "coordinator")]
    assert [(json.loads(e["before"])["status"], json.loads(e["after"])["status"])
            for e in cancels] == [("accepted", "cancelled")]
    cap = s.call("coord", "GET", "/capacities").json()
    assert {c["donor_code"]: c["accepted"] for c in cap} == {"CN-HN": 10, "CN-GD": 0}
    assert s.call("coord", "GET", "/board").json()[0]["open"] == 110


@pytest.mark.parametrize("body", [{}, {"reason": "typo"}, {"quantity": 50},
                                  {"start": "2020-02-10", "end": "2020-02-20"}])
def test_an_amendment_that_changes_nothing_is_refused_without_a_version(
        people: Service, body: dict[str, object]) -> None:
    # docs/service.md "Amendments, not edits": a change appends a version; no change, none
    s = people
    s.call("xiaogan", "POST", "/needs", {"region_code": "420900", "resource": "doctors",
                                         "quantity": 50, "start": "2020-02-10",
                                         "end": "2020-02-20"})
    r = s.call("xiaogan", "POST", "/needs/1/amendments", body)
    assert r.status_code == 422, r.text
    assert "nothing to amend" in r.json()["detail"]
    assert [v["version"] for v in s.call("xiaogan", "GET", "/needs/1/versions").json()] == [1]
    r = s.call("xiaogan", "POST", "/needs/1/amendments", {"quantity": 49})
    assert (r.status_code, r.json()["version"]) == (201, 2)


def test_a_pledge_amendment_to_its_own_quantity_is_refused(people: Service) -> None:
    s = people
    s.call("hunan", "PUT", "/capacities/CN-HN/doctors", {"quantity": 100})
    s.call("xiaogan", "POST", "/needs", {"region_code": "420900", "resource": "doctors",
                                         "quantity": 50, "start": "2020-02-10",
                                         "end": "2020-02-20"})
    s.call("hunan", "POST", "/pledges", {"need_id": 1, "quantity": 10})
    r = s.call("hunan", "POST", "/pledges/1/amendments", {"quantity": 10})
    assert r.status_code == 422 and "nothing to amend" in r.json()["detail"]
    assert len(s.call("hunan", "GET", "/pledges/1/versions").json()) == 1
