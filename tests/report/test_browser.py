"""The report opens in real headless Chromium: no console errors, no network, every figure drawn.

Uses Debian's ``chromium`` (``/usr/bin/chromium``, installed by ``.ci/run``) through the
``playwright`` package; no browser is ever downloaded. Skipped only when the binary is absent.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pandas as pd
import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
FIGURES = ["map-pairaid", "fan-new_confirmed", "fan-census", "heat-beds", "heat-doctors",
           "heat-nurses", "burden", "cmp-pairaid", "cmp-official"]
# what each kind of plotly figure draws when it rendered (plotly.js SVG class names)
DRAWN = {"map": ".choroplethlocation", "cmp": ".choroplethlocation",
         "fan": ".scatterlayer .trace path.js-line", "heat": ".heatmaplayer image",
         "burden": ".barlayer .point path"}
# counts the non-background pixels of a PNG, decoded by the browser itself
COUNT_PIXELS = """async (src) => {
  const img = new Image(); img.src = src; await img.decode();
  const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
  const g = c.getContext('2d'); g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  let ink = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i] < 230 || d[i + 1] < 230 || d[i + 2] < 230) ink++;
  }
  return [ink, c.width * c.height];
}"""

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason=f"{CHROMIUM} not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def fixture_report(module_run_dir: Path) -> Path:
    from pairaid.report import report_html

    return report_html(module_run_dir)


@pytest.mark.parametrize("which", ["fixture_report", "real_report"])
def test_report_renders_offline(which: str, request: pytest.FixtureRequest,
                                tmp_path_factory: pytest.TempPathFactory,
                                capsys: pytest.CaptureFixture[str]) -> None:
    """The hand-made fixture run and the built-in plan (hubei-2020, default settings)."""
    from playwright import sync_api  # a test dependency: missing is an error, not a skip

    report_file: Path = request.getfixturevalue(which)
    n_recipients = pd.read_csv(report_file.parent / "gaps.csv", dtype=str)[
        "region_code"].nunique()
    shot = tmp_path_factory.getbasetemp() / f"report-screenshot-{which}.png"
    url = report_file.resolve().as_uri()
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            requests: list[str] = []
            errors: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url)
            page.wait_for_selector("body[data-rendered=en]", timeout=30_000)
            render_ms = page.evaluate("window.pairaidRenderMs")

            for fid in FIGURES:
                kind = fid.split("-")[0]
                assert page.locator(f"#{fid} .main-svg").count() >= 1, fid
                assert page.locator(f"#{fid} {DRAWN[kind]}").count() >= 1, fid
            # both map views draw the 34 provinces and the 17 Hubei divisions
            assert page.locator("#map-pairaid .choroplethlocation").count() >= 2 * (34 + 17)
            # shading buttons: before aid, every recipient's uncovered share is at least as
            # large as after the plan's aid (aid never adds to a shortfall)
            z = ("document.getElementById('map-pairaid').data"
                 ".filter(t => t.type === 'choropleth')[2].z")
            after = page.evaluate(z)
            page.locator("#map-pairaid .updatemenu-button").nth(1).click()
            shown = json.dumps(json.dumps(after, separators=(",", ":")))
            page.wait_for_function(f"JSON.stringify({z}) !== {shown}")
            before = page.evaluate(z)
            assert len(before) == len(after) == n_recipients
            assert all(b >= a for a, b in zip(after, before, strict=True)) and before != after
            page.locator("#map-pairaid .updatemenu-button").nth(0).click()
            # pixels: every figure has ink (shapes, lines, cells, bars), not a blank box
            pngs = {fid: page.locator(f"#{fid}").screenshot() for fid in FIGURES}

            if which == "fixture_report":  # language switch (once is enough)
                page.click("#lang-switch")
                page.wait_for_selector("body[data-rendered=zh]", timeout=30_000)
                title = page.evaluate(
                    "document.getElementById('map-pairaid').layout.title.text")
                assert title.startswith("pairaid 方案")
                assert page.title().startswith("对口支援方案报告")
                assert page.locator('nav .i18n[lang="zh"]').first.is_visible()
                assert not page.locator('nav .i18n[lang="en"]').first.is_visible()
            page.screenshot(path=str(shot), full_page=True)

            assert errors == []
            # the page and the plotly.js file beside it, nothing else
            assert requests == [url, (report_file.parent / "plotly.min.js").resolve().as_uri()]

            checker = browser.new_page()
            for fid, png in pngs.items():
                src = "data:image/png;base64," + base64.b64encode(png).decode()
                ink, total = checker.evaluate(COUNT_PIXELS, src)
                # a heat map of a resource without any gap is white by design (zmin = 0):
                # only its axes, labels and colour bar are ink
                share = 0.005 if fid.startswith("heat-") else 0.02
                assert ink > share * total, f"{fid}: only {ink} of {total} pixels drawn"
        finally:
            browser.close()
    assert shot.stat().st_size > 50_000
    with capsys.disabled():  # shown even when pytest captures output
        print(f"\nscreenshot: {shot}\nreport: {report_file} "
              f"({report_file.stat().st_size / 1e6:.2f} MB), render {render_ms:.0f} ms")
