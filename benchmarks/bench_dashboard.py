"""Time the dashboard's board with 300 recipients in headless Chromium (prints figures).

300 recipient cities (the 16 Hubei recipients of ``hubei-2020`` and 284 made-up six-digit
codes, added to a copy of its ``regions.csv`` in a data folder given as the service's data
set; listed but not mapped) each need doctors and nurses (600 board rows); the 30 donors'
pledges are accepted for the Hubei cities (lines on the map). Prints the server's time to build
the board page and the browser's time from navigation to the table and the map drawn.

    .venv/bin/python benchmarks/bench_dashboard.py [--recipients 300] [--repeat 5]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import tempfile
import threading
import time
from importlib import resources
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


def main() -> None:
    import uvicorn
    from fastapi.testclient import TestClient
    from playwright.sync_api import sync_playwright

    from pairaid.service.app import create_app
    from pairaid.service.capacities.service import set_capacity
    from pairaid.service.db import Database
    from pairaid.service.migrate import upgrade
    from pairaid.service.needs.schemas import NeedCreate
    from pairaid.service.needs.service import create_need
    from pairaid.service.pledges.schemas import PledgeCreate
    from pairaid.service.pledges.service import accept_pledge, create_pledge
    from pairaid.service.regions import load_regions
    from pairaid.service.settings import Settings
    from pairaid.service.users.service import Actor, add_user

    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    opts = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    hubei = load_regions("hubei-2020").codes("recipient")
    made_up = [f"{500000 + i:06d}" for i in range(max(opts.recipients - len(hubei), 0))]
    data = folder / "bench-data"  # hubei-2020's regions and the made-up cities under Hubei
    data.mkdir()
    builtin = (resources.files("pairaid") / "data" / "hubei-2020" / "regions.csv").read_text(
        encoding="utf-8")
    rows = [f"{c},{c},,City {c},City {c},prefecture,CN-HB,30.5,114.3,1000000,2020,,true"
            for c in made_up]
    (data / "regions.csv").write_text(builtin.rstrip("\n") + "\n" + "\n".join(rows) + "\n",
                                      encoding="utf-8")
    settings = Settings(db_url=url, dataset=str(data))
    db = Database(settings)
    regions = load_regions(settings.dataset)
    provinces = regions.codes("donor")
    cities = (hubei + made_up)[:opts.recipients]
    with db.write() as s:
        coord_user, token = add_user(s, name="coord", role="coordinator", regions=regions)
        coord = Actor(coord_user.id, "coord", "coordinator", None)
        need_ids = {}
        for i, code in enumerate(cities):
            user, _ = add_user(s, name=f"r{i}", role="recipient", region_code=code,
                               regions=regions)
            actor = Actor(user.id, user.name, "recipient", code)
            for k, resource in enumerate(("doctors", "nurses")):
                need = create_need(s, actor=actor, data=NeedCreate(
                    region_code=code, resource=resource, quantity=100 + 7 * i + k,
                    start="2020-02-10", end="2020-03-10"),  # type: ignore[arg-type]
                    regions=regions)
                need_ids[(code, resource)] = need.id
        for j, province in enumerate(provinces):
            user, _ = add_user(s, name=f"d{j}", role="donor", region_code=province,
                               regions=regions)
            donor = Actor(user.id, user.name, "donor", province)
            set_capacity(s, actor=donor, donor_code=province, resource="doctors",
                         quantity=1000, regions=regions)
            city = hubei[j % len(hubei)]
            pledge = create_pledge(s, actor=donor, data=PledgeCreate(
                need_id=need_ids[(city, "doctors")], quantity=3))
            accept_pledge(s, actor=coord, pledge_id=pledge.id)
        s.commit()
    app = create_app(settings, database=db, regions=regions)
    client = TestClient(app)
    client.post("/ui/signin", data={"token": token})
    server_ms = []
    for _ in range(opts.repeat):
        t0 = time.perf_counter()
        assert client.get("/ui/board").status_code == 200
        server_ms.append(1000 * (time.perf_counter() - t0))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    browser_ms = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context()
        page = context.new_page()
        page.goto(base + "/ui/signin")
        page.fill("#token", token)
        page.click("#signin")
        page.wait_for_selector("body[data-map-drawn]", timeout=60_000)  # warm the cache
        rows = page.locator("#board-table tbody tr").count()
        for _ in range(opts.repeat):
            page.goto(base + "/ui/board")
            page.wait_for_selector("body[data-map-drawn]", timeout=60_000)
            browser_ms.append(page.evaluate(
                "Number(document.body.getAttribute('data-map-drawn'))"
                " - performance.timeOrigin"))
        browser.close()
    server.should_exit = True
    print(f"recipients {len(cities)}, board rows {rows}, accepted pairs {len(provinces)}")
    print(f"server: GET /ui/board median {statistics.median(server_ms):.0f} ms "
          f"(min {min(server_ms):.0f}, max {max(server_ms):.0f}) over {opts.repeat}")
    print(f"chromium: navigation to table and map drawn, median "
          f"{statistics.median(browser_ms):.0f} ms (min {min(browser_ms):.0f}, "
          f"max {max(browser_ms):.0f}), plotly.js cached")


if __name__ == "__main__":
    from versions import print_versions

    print_versions()
    main()
