"""The dashboard's pages and forms over HTTP (no browser): sign-in, forms by role, errors
shown as the service words them, read-only auditor, plan import, language."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from tests.service.conftest import Service, add_people

from pairaid.service.settings import Settings

NEED = {"resource": "doctors", "quantity": "120", "start": "2020-02-10", "end": "2020-03-10"}


@pytest.fixture
def site(sqlite_service: Service) -> Service:
    return add_people(sqlite_service)


def browser(s: Service, name: str) -> TestClient:
    """A client signed in as ``name`` (its own cookie jar)."""
    client = TestClient(s.client.app)
    r = client.post("/ui/signin", data={"token": s.tokens[name]}, follow_redirects=False)
    assert r.status_code == 303 and "pairaid_token" in r.cookies
    return client


def error_of(html: str) -> str:
    found = re.search(r'<span id="error-message">(.*?)</span>', html, re.S)
    assert found, "no error shown"
    return found.group(1).replace("&#39;", "'").replace("&gt;", ">")


def test_sign_in_required_then_sign_out(site: Service) -> None:
    anon = TestClient(site.client.app)
    r = anon.get("/ui/board", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/ui/signin?next=/ui/board"
    r = anon.post("/ui/signin", data={"token": "pa_wrong"})
    assert r.status_code == 401 and error_of(r.text) == "unknown API token"
    c = browser(site, "coord")
    assert c.get("/ui/board").status_code == 200
    r = c.post("/ui/signout", follow_redirects=False)
    assert r.headers["location"] == "/ui/signin"
    assert c.get("/ui/board", follow_redirects=False).status_code == 303


def test_whole_cycle_through_forms_gives_the_apis_board(site: Service) -> None:
    hunan, xiaogan, coord = (browser(site, n) for n in ("hunan", "xiaogan", "coord"))
    r = hunan.post("/ui/capacities", data={"resource": "doctors", "quantity": "100"})
    assert r.status_code == 200 and r.url.path == "/ui/donor"
    assert xiaogan.post("/ui/needs", data=NEED).url.params["done"] == "done"
    need = site.call("coord", "GET", "/needs").json()[0]
    assert (need["region_code"], need["quantity"]) == ("420900", 120)
    hunan.post("/ui/pledges", data={"need_id": str(need["id"]), "quantity": "80"})
    pledge = site.call("coord", "GET", "/pledges").json()[0]
    assert (pledge["donor_code"], pledge["quantity"], pledge["status"]) == ("CN-HN", 80,
                                                                           "proposed")
    coord.post(f"/ui/pledges/{pledge['id']}/accept")
    hunan.post("/ui/dispatches", data={"pledge_id": str(pledge["id"]), "quantity": "50",
                                       "depart": "2020-02-11", "arrive": "2020-02-12"})
    dispatch = site.call("coord", "GET", "/dispatches").json()[0]
    xiaogan.post(f"/ui/dispatches/{dispatch['id']}/receipt", data={"quantity": "45"})
    # by hand: needed 120, pledged = accepted 80, dispatched 50, received 45, open 40
    assert site.call("auditor", "GET", "/board").json() == [
        {"recipient_code": "420900", "resource": "doctors", "needed": 120, "pledged": 80,
         "accepted": 80, "dispatched": 50, "received": 45, "open": 40}]
    page = coord.get("/ui/board").text
    row = re.search(r'<tr data-recipient="420900".*?</tr>', page, re.S)
    assert row and 'data-level="red"' not in row.group(0)  # 40/120 = 0.33: yellow
    assert 'data-level="yellow"' in row.group(0)
    assert re.search(r'data-col="received">45<', row.group(0))
    actions = [e["action"] for e in site.call("auditor", "GET", "/audit").json()]
    assert {"need.create", "pledge.create", "pledge.accept", "dispatch.create",
            "dispatch.receive"} <= set(actions)


def test_a_refusal_shows_the_apis_own_message(site: Service) -> None:
    hunan, xiaogan = browser(site, "hunan"), browser(site, "xiaogan")
    hunan.post("/ui/capacities", data={"resource": "doctors", "quantity": "10"})
    xiaogan.post("/ui/needs", data=NEED)
    r = hunan.post("/ui/pledges", data={"need_id": "1", "quantity": "50"})
    api = site.call("hunan", "POST", "/pledges", {"need_id": 1, "quantity": 50})
    assert r.status_code == api.status_code == 409
    assert error_of(r.text) == api.json()["detail"]
    assert site.call("coord", "GET", "/pledges").json() == []  # nothing written


@pytest.mark.parametrize(("form", "words"), [
    ({**NEED, "quantity": "abc"}, "quantity: Input should be a valid integer"),
    ({**NEED, "quantity": "-5"}, "quantity: Input should be greater than 0"),
    ({**NEED, "end": "2020-01-01"}, "end 2020-01-01 is before start 2020-02-10"),
    ({**NEED, "start": ""}, "start: Field required"),
])
def test_bad_forms_are_refused_with_the_reason(site: Service, form: dict[str, str],
                                               words: str) -> None:
    r = browser(site, "xiaogan").post("/ui/needs", data=form)
    assert r.status_code == 422 and words in error_of(r.text)
    assert site.call("coord", "GET", "/needs").json() == []
    # what was typed is kept in the form
    assert f'value="{form["quantity"]}"' in r.text


def test_donor_cannot_see_or_press_what_its_role_forbids(site: Service) -> None:
    xiaogan, hunan = browser(site, "xiaogan"), browser(site, "hunan")
    xiaogan.post("/ui/needs", data=NEED)
    site.call("hunan", "PUT", "/capacities/CN-HN/doctors", {"quantity": 100})
    site.call("hunan", "POST", "/pledges", {"need_id": 1, "quantity": 10})
    page = hunan.get("/ui/donor").text
    assert 'class="accept"' not in page and 'href="/ui/coordinator"' not in page
    r = hunan.get("/ui/coordinator")
    assert r.status_code == 403 and "needs role coordinator or auditor" in error_of(r.text)
    r = hunan.post("/ui/pledges/1/accept")
    assert r.status_code == 403 and "needs role coordinator; hunan is donor" in error_of(r.text)
    assert site.call("coord", "GET", "/pledges/1").json()["status"] == "proposed"
    audit = site.call("auditor", "GET", "/audit").json()
    assert [e["entity_id"] for e in audit if e["action"] == "forbidden"] == [
        "GET /ui/coordinator", "POST /ui/pledges/1/accept"]


def test_auditor_reads_everything_and_can_write_nothing(site: Service) -> None:
    browser(site, "xiaogan").post("/ui/needs", data=NEED)
    auditor = browser(site, "auditor")
    for path in ("/ui/board", "/ui/recipient", "/ui/donor", "/ui/coordinator", "/ui/audit"):
        r = auditor.get(path)
        assert r.status_code == 200, path
        posts = re.findall(r'<form method="post" action="([^"]+)"', r.text)
        assert posts == ["/ui/signout"], (path, posts)
    assert "孝感" not in auditor.get("/ui/recipient").text  # English by default
    r = auditor.post("/ui/needs", data={**NEED, "region_code": "420900"})
    assert r.status_code == 403 and "needs role recipient" in error_of(r.text)


def test_plan_import_from_run_folder_files(site: Service) -> None:
    browser(site, "xiaogan").post("/ui/needs", data=NEED)
    pairs = "donor_code,recipient_code,distance_km\nCN-HN,420900,300.5\n"
    flows = "donor_code,recipient_code,resource,quantity\nCN-HN,420900,doctors,30.4\n" \
            "CN-HN,421100,doctors,5\n"
    coord = browser(site, "coord")
    r = coord.post("/ui/plans", data={"name": "run 1"},
                   files={"pairs": ("pairs.csv", pairs), "flows": ("flows.csv", flows)})
    assert r.status_code == 200 and r.url.params["done"] == "plan", r.text
    pledges = site.call("coord", "GET", "/pledges").json()
    # 30.4 rounds to 30; the flow to 421100 has no need and is skipped
    assert [(p["donor_code"], p["quantity"], p["status"]) for p in pledges] == [
        ("CN-HN", 30, "proposed")]
    r = coord.post("/ui/plans", data={"name": "run 2"},
                   files={"pairs": ("pairs.csv", pairs),
                          "flows": ("flows.csv", "donor_code,recipient_code,resource,"
                                    "quantity\nHunan,420900,doctors,3\n")})
    assert r.status_code == 422 and error_of(r.text).startswith(
        "flows.csv, line 2, column 'donor_code': String should match pattern")
    r = coord.post("/ui/plans", data={"name": "run 3"}, files={"pairs": ("pairs.csv", pairs)})
    assert r.status_code == 422 and error_of(r.text) == "choose the run folder's flows.csv"


def test_language_switch_keeps_the_page(site: Service) -> None:
    c = browser(site, "coord")
    r = c.get("/ui/lang/zh?next=/ui/coordinator")
    assert r.url.path == "/ui/coordinator" and "协调" in r.text and 'lang="zh-CN"' in r.text
    r = c.get("/ui/lang/en?next=//evil.example/")
    assert r.url.path == "/ui/board" and 'lang="en"' in r.text  # only local targets


def test_escalation_thresholds_are_checked_settings() -> None:
    assert Settings(escalation_yellow=0.1, escalation_red=0.3).escalation_red == 0.3
    with pytest.raises(ValueError, match="escalation_red 0.2 must be above"):
        Settings(escalation_yellow=0.4, escalation_red=0.2)


def test_a_form_sent_twice_is_applied_once(site: Service) -> None:
    xiaogan = browser(site, "xiaogan")
    page = xiaogan.get("/ui/recipient").text
    key = re.search(r'action="/ui/needs"[^>]*><input type="hidden" '
                    r'name="idempotency_key" value="([^"]+)"', page)
    assert key, "the form carries no key"
    for _ in range(2):  # a double click
        r = xiaogan.post("/ui/needs", data={**NEED, "idempotency_key": key.group(1)})
        assert r.status_code == 200 and r.url.params["done"] == "done"
    assert len(site.call("coord", "GET", "/needs").json()) == 1
    # every page render gives a new key: the next need is a new one
    assert key.group(1) not in xiaogan.get("/ui/recipient").text


def test_c0020_kind_board_map_json_survives_a_hostile_region_name(site: Service,
                                                                  monkeypatch) -> None:
    # c0020: '</' escaping alone lets '<!--<script>' put the HTML tokenizer into its
    # "script data escaped" states, so the next </script> no longer closes the figure's
    # element and the page script is swallowed. The board embedded its map figure with
    # only '</' escaped; a region name of the regions table reaches it (hover text).
    import html5lib

    hostile = "Xiaogan <!--<script> </script><b>x</b>"
    state = site.client.app.state  # type: ignore[attr-defined]
    real = state.regions  # the data set's names (a data folder may hold any text)
    patched = replace(real, regions={**real.regions, "420900": replace(
        real.regions["420900"], name_en=hostile)})
    monkeypatch.setattr(state, "regions", patched)
    site.call("xiaogan", "POST", "/needs", {"region_code": "420900", "resource": "doctors",
                                            "quantity": 10, "start": "2020-02-10",
                                            "end": "2020-02-20"})
    page = browser(site, "coord").get("/ui/board/live").text
    doc = html5lib.parse(page, namespaceHTMLElements=False)
    figures = [s for s in doc.iter("script") if s.get("id") == "board-figure"]
    assert len(figures) == 1
    figure = json.loads(figures[0].text or "")
    assert any(hostile in str(t) for trace in figure["data"] for t in trace.get("text", []))
    assert "<b>" not in (figures[0].text or "") and "<!--" not in (figures[0].text or "")
