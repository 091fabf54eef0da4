"""The dashboard in real headless Chromium: a need -> pledge -> accept -> dispatch -> receipt
cycle by four users of different roles, what a donor may not see or press, a bad form's
message, the board refreshing itself after a receipt, the language switch, no request
leaving the machine. Screenshots of the board in both languages are written to pytest's
base temporary folder (printed at the end).

Uses Debian's ``chromium`` through ``playwright`` (as ``tests/report/test_browser.py``); no
browser is ever downloaded. Skipped only when the binary is absent.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from tests.service.conftest import make_db_url

from pairaid.service.app import create_app
from pairaid.service.db import Database
from pairaid.service.regions import load_regions
from pairaid.service.settings import Settings
from pairaid.service.users.service import add_user

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
USERS = {"coord": ("coordinator", None), "hunan": ("donor", "CN-HN"),
         "xiaogan": ("recipient", "420900"), "auditor": ("auditor", None)}
WAIT_MS = 20_000  # bound of every wait in the browser [ms]; not a speed assertion

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason=f"{CHROMIUM} not installed (apt-get install chromium)")


@dataclass
class Live:
    """A running server: its base URL and the users' tokens."""

    base: str
    tokens: dict[str, str] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(settings: Settings, users: dict[str, tuple[str, str | None]]
           ) -> Iterator[Live]:
    """The service with the dashboard on a free local port (uvicorn in a thread)."""
    import uvicorn  # a dependency of pairaid: missing is an error, not a skip

    db = Database(settings)
    regions = load_regions(settings.dataset)
    out = Live(base="")
    with db.write() as session:
        for name, (role, region) in users.items():
            _, out.tokens[name] = add_user(session, name=name, role=role, region_code=region,
                                           regions=regions)
        session.commit()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings, database=db, regions=regions),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(400):
        if server.started:
            break
        time.sleep(0.025)
    assert server.started, "the server did not start"
    out.base = f"http://127.0.0.1:{port}"
    yield out
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def live(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Live]:
    """The service with the dashboard on a free local port (uvicorn in a thread); the
    board refreshes every 0.5 s."""
    settings = Settings(db_url=make_db_url("sqlite", request, tmp_path), board_refresh_s=0.5)
    yield from _serve(settings, USERS)


@pytest.fixture
def live_italy(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Live]:
    """The service on the built-in ``italy-2020`` data set: a coordinator and Lombardy."""
    settings = Settings(db_url=make_db_url("sqlite", request, tmp_path),
                        dataset="italy-2020")
    yield from _serve(settings, {"coord": ("coordinator", None),
                                 "lombardy": ("recipient", "IT-25")})


def test_whole_cycle_by_role_in_chromium(live: Live,
                                         tmp_path_factory: pytest.TempPathFactory,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    from playwright import sync_api  # a test dependency: missing is an error, not a skip

    requests: list[str] = []
    errors: list[str] = []
    shots = tmp_path_factory.getbasetemp()
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            def sign_in(name: str) -> Any:
                """A new browser context for ``name``, signed in with the keyboard only."""
                page = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
                page.set_default_timeout(WAIT_MS)
                page.on("request", lambda r: requests.append(r.url))
                page.on("console", lambda m: errors.append(m.text) if m.type == "error"
                        and "status of 4" not in m.text else None)
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(live.base + "/ui/board")  # not signed in: sent to sign-in
                assert "/ui/signin" in page.url
                for _ in range(20):
                    if page.evaluate("document.activeElement.id") == "token":
                        break
                    page.keyboard.press("Tab")
                page.keyboard.type(live.tokens[name])
                page.keyboard.press("Enter")
                page.wait_for_url("**/ui/board")
                assert name in page.locator("#whoami").inner_text()
                return page

            def error_text(page: Any) -> str:
                return str(page.locator("#error-message").inner_text())

            # donor: own capacity; no coordinator link or accept button; refused page
            hunan = sign_in("hunan")
            hunan.goto(live.base + "/ui/donor")
            hunan.select_option("#capacity-resource", "doctors")
            hunan.fill("#capacity-quantity", "100")
            hunan.click("#capacity-submit")
            hunan.wait_for_selector("#done")
            assert hunan.locator('tr[data-capacity="CN-HN-doctors"] [data-col=free]')\
                .inner_text() == "100"
            assert hunan.locator("#nav-coordinator").count() == 0
            hunan.goto(live.base + "/ui/coordinator")
            assert "needs role coordinator or auditor; hunan is donor" in error_text(hunan)

            # recipient: a bad form shows the server's message, then a need
            xiaogan = sign_in("xiaogan")
            xiaogan.goto(live.base + "/ui/recipient")
            xiaogan.select_option("#need-resource", "doctors")
            xiaogan.fill("#need-quantity", "-5")
            xiaogan.fill("#need-start", "2020-02-10")
            xiaogan.fill("#need-end", "2020-03-10")
            xiaogan.click("#need-submit")
            assert "quantity: Input should be greater than 0" in error_text(xiaogan)
            assert xiaogan.input_value("#need-quantity") == "-5"  # kept for correcting
            xiaogan.fill("#need-quantity", "120")
            xiaogan.click("#need-submit")
            xiaogan.wait_for_selector("#done")
            assert xiaogan.locator('tr[data-need="1"]').count() == 1

            # auditor watches the board from here on (it refreshes itself)
            auditor = sign_in("auditor")
            auditor.wait_for_selector("body[data-map-drawn]")
            row = 'tr[data-recipient="420900"][data-resource="doctors"]'
            assert auditor.locator(f"{row} [data-col=received]").inner_text() == "0"
            assert auditor.locator(row).get_attribute("data-level") == "red"
            assert auditor.locator("#board-map .choroplethlocation").count() > 34

            # donor pledges: too much is refused with the service's words, then 80
            hunan.goto(live.base + "/ui/donor")
            need_row = hunan.locator('#open-needs-table tr[data-need="1"]')
            need_row.locator("input[name=quantity]").fill("500")
            need_row.locator("button").click()
            assert error_text(hunan) == ("CN-HN has 100 doctors free (capacity 100, accepted "
                                         "0); cannot pledge 500")
            need_row = hunan.locator('#open-needs-table tr[data-need="1"]')
            need_row.locator("input[name=quantity]").fill("80")
            need_row.locator("button").click()
            hunan.wait_for_selector('#pledges-table tr[data-pledge="1"][data-status=proposed]')
            assert hunan.locator("button.accept").count() == 0

            # coordinator accepts
            coord = sign_in("coord")
            coord.goto(live.base + "/ui/coordinator")
            coord.click('tr[data-pledge="1"] button.accept')
            coord.wait_for_selector('tr[data-pledge="1"][data-status=accepted]')

            # donor dispatches 50 of the 80
            hunan.goto(live.base + "/ui/donor")
            pledge_row = hunan.locator('#pledges-table tr[data-pledge="1"]')
            pledge_row.locator("input[name=quantity]").fill("50")
            pledge_row.locator("input[name=depart]").fill("2020-02-11")
            pledge_row.locator("input[name=arrive]").fill("2020-02-12")
            pledge_row.locator("button.dispatch").click()
            hunan.wait_for_selector("#done")

            # recipient confirms 45 received; the auditor's board shows it without reload
            xiaogan.goto(live.base + "/ui/recipient")
            receipt = xiaogan.locator('tr[data-dispatch="1"]')
            receipt.locator("input[name=quantity]").fill("45")
            receipt.locator("button").click()
            xiaogan.wait_for_selector("#done")
            auditor.wait_for_function(
                "document.querySelector('" + row + " [data-col=received]')"
                ".textContent === '45'")
            # by hand: open 120 - 80 = 40, share 0.33: yellow (thresholds 0.2, 0.5)
            assert auditor.locator(f"{row} [data-col=open]").inner_text() == "40"
            assert auditor.locator(row).get_attribute("data-level") == "yellow"
            # the auditor writes nothing: sign-out is its only form
            assert auditor.locator("form[method=post]").count() == 1
            auditor.wait_for_selector("body[data-map-drawn]")
            auditor.screenshot(path=str(shots / "dashboard-board-en.png"), full_page=True)

            # language switch: Chinese page and map, then the screenshot
            auditor.click("#lang-switch")
            auditor.wait_for_selector("html[lang=zh-CN] body[data-map-drawn]")
            assert auditor.locator("h1").inner_text() == "全国看板"
            assert auditor.evaluate("document.getElementById('board-map').layout.title.text")\
                == "受援方按预警等级着色；连线为已确认的对口支援"
            assert "孝感市" in auditor.locator(row).inner_text()
            auditor.screenshot(path=str(shots / "dashboard-board-zh.png"), full_page=True)

            # audit trail: the chain holds and shows the receipt
            auditor.goto(live.base + "/ui/audit")
            assert auditor.locator("tr[data-action='dispatch.receive']").count() == 1
            assert auditor.locator("#chain.done").count() == 1

            xiaogan.click("#signout")
            xiaogan.wait_for_url("**/ui/signin")
        finally:
            browser.close()
    assert errors == []
    assert requests and all(u.startswith(live.base + "/") for u in requests), \
        [u for u in requests if not u.startswith(live.base)]
    for lang in ("en", "zh"):
        assert (shots / f"dashboard-board-{lang}.png").stat().st_size > 30_000
    with capsys.disabled():
        print(f"\nscreenshots: {shots}/dashboard-board-{{en,zh}}.png")


def test_italy_board_shows_italian_names_and_boundaries(live_italy: Live) -> None:
    import httpx
    from playwright import sync_api

    api = f"{live_italy.base}/api/v1"
    need = httpx.post(f"{api}/needs", json={"region_code": "IT-25", "resource": "icu_beds",
                                             "quantity": 40, "start": "2020-03-15",
                                             "end": "2020-03-29"},
                      headers={"Authorization": f"Bearer {live_italy.tokens['lombardy']}"})
    assert need.status_code == 201, need.text
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context().new_page()
            page.set_default_timeout(WAIT_MS)
            page.goto(live_italy.base + "/ui/signin")
            page.fill("#token", live_italy.tokens["coord"])
            page.keyboard.press("Enter")
            page.wait_for_selector("body[data-map-drawn]")
            row = page.locator('tr[data-recipient="IT-25"][data-resource="icu_beds"]')
            assert "Lombardy" in row.inner_text()
            assert "italy-2020" in page.locator("#dataset").inner_text()
            # the data set's own 21 regional boundaries are drawn (no China layer)
            assert page.locator("#board-map .choroplethlocation").count() >= 21
        finally:
            browser.close()
