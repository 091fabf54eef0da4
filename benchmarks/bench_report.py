"""Size and speed of the reports: build time, file sizes, browser render time.

Plans the built-in hubei-2020 data set with default settings (or uses ``--run RUN_DIR``),
then times ``report_html`` (with the shared ``plotly.min.js`` and self-contained),
``report_geojson`` and ``report_xlsx`` and, when Debian's ``/usr/bin/chromium`` and the
``playwright`` package are present, the page's load and render time in headless Chromium
(``window.pairaidRenderMs`` = time of all ``Plotly.react`` calls). The load average is
printed beside each figure (the 2 cores may be shared).

    python benchmarks/bench_report.py [--run RUN_DIR] [--repeat 3]
"""

from __future__ import annotations

import argparse
import inspect
import os
import statistics
import tempfile
import time
from importlib import resources
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


def make_run(folder: Path) -> Path:
    from pairaid.config import make_config
    from pairaid.datasets import load_builtin
    from pairaid.pipeline import plan
    from pairaid.runs import save_run

    return save_run(plan(load_builtin("hubei-2020"), make_config({})), folder / "run")


def browser_times(page_path: Path, repeat: int) -> list[tuple[float, float]]:
    """(load-to-rendered wall time [s], in-page render time [ms]) per repetition."""
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for _ in range(repeat):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            start = time.perf_counter()
            page.goto(page_path.resolve().as_uri())
            page.wait_for_selector("body[data-rendered]", timeout=60_000)
            out.append((time.perf_counter() - start, page.evaluate("window.pairaidRenderMs")))
            page.close()
        browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", type=Path, help="existing run folder (default: plan one)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from pairaid.report import report_geojson, report_html, report_xlsx

    with tempfile.TemporaryDirectory() as tmp:
        run_dir = args.run or make_run(Path(tmp))
        print(f"run folder: {run_dir}")
        shared = "embed_plotly" in inspect.signature(report_html).parameters
        jobs = [("report_html", lambda d: report_html(d, embed_plotly=True))] if shared \
            else [("report_html", report_html)]  # older versions: always embedded
        if shared:
            jobs.insert(0, ("report_html shared", report_html))
        jobs += [("report_geojson", report_geojson), ("report_xlsx", report_xlsx)]
        for name, fn in jobs:
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                path = fn(run_dir)
                times.append(time.perf_counter() - start)
            extra = ""
            if name == "report_html shared":
                extra = (f" + plotly.min.js "
                         f"{(run_dir / 'plotly.min.js').stat().st_size / 1e6:.2f} MB (shared)")
            elif name == "report_html":
                extra = " (self-contained)"
            print(f"{name:18s} median {statistics.median(times):6.2f} s  "
                  f"(runs: {', '.join(f'{t:.2f}' for t in times)})  "
                  f"{path.name}: {path.stat().st_size / 1e6:.2f} MB{extra}  "
                  f"(load {os.getloadavg()[0]:.2f})")
        if shared:
            report_html(run_dir)  # the shared page for the browser timing
        folder = resources.files("pairaid") / "data" / "boundaries"
        size = sum(len((folder / n).read_bytes()) for n in ("provinces.geojson",
                                                             "hubei.geojson"))
        print(f"shipped boundaries: {size / 1024:.0f} KiB")
        if CHROMIUM.exists():
            runs = browser_times(run_dir / "report.html", args.repeat)
            print(f"chromium load+render median {statistics.median(r[0] for r in runs):.2f} s, "
                  f"Plotly render median {statistics.median(r[1] for r in runs):.0f} ms  "
                  f"(load {os.getloadavg()[0]:.2f})")
        else:
            print(f"{CHROMIUM} not installed: browser timing skipped")


if __name__ == "__main__":
    from versions import print_versions

    print_versions()
    main()
