"""Reports of a real run of the pipeline (built-in hubei-2020, default settings)."""

from __future__ import annotations

import json
from pathlib import Path

from pairaid.report import report_geojson
from pairaid.report.run import read_run


def test_real_run_reports(real_run_dir: Path, real_report: Path) -> None:
    run = read_run(real_run_dir)
    recipients = sorted(run.tables["gaps"]["region_code"].unique())
    page = real_report
    assert page.stat().st_size < 10_000_000
    text = page.read_text(encoding="utf-8")
    start = text.index('<script type="application/json" id="pairaid-figures">')
    start = text.index(">", start) + 1
    figures = json.loads(text[start:text.index("</script>", start)].replace("<\\/", "</"))
    assert {"map-pairaid", "cmp-official", "fan-census", "burden"} <= set(figures)
    # one fan panel per recipient, titled with its name
    titles = [a["text"] for a in figures["fan-census"]["en"]["layout"]["annotations"]]
    names = run.tables["regions"].set_index("region_code")["name_en"]
    assert titles == [names[c] for c in recipients]
    # the recipients shaded on the map are exactly the run's recipients (GB/T 2260 codes)
    shaded = [tr for tr in figures["map-pairaid"]["en"]["data"]
              if tr["type"] == "choropleth" and tr.get("showscale") is not False]
    assert sorted(shaded[0]["locations"]) == recipients

    doc = json.loads(report_geojson(real_run_dir).read_text(encoding="utf-8"))
    pairs = [f for f in doc["features"] if f["properties"]["kind"] == "pair"]
    official = [f for f in pairs if f["properties"]["plan"] == "official_2020_02_10"]
    assert len(official) == len(run.tables["official_pairs"]) == 21  # the NHC list
