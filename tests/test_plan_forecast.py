"""The forecast of a plan run (pairaid.plan_forecast): which census it starts from."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pandas as pd

from pairaid.plan_forecast import unused_stock_note

CASES = Path(__file__).parent / "data" / "cases"


def test_c0009_kind_reported_hospital_census_without_icu_anchors_the_forecast(tmp_path):
    # c0009's Ezhou (4,000 confirmed, none dead or recovered) with a hospitalised column:
    # 2,500 patients are in hospital on the decision date and no ICU count is given. The
    # hospital count was ignored (census from 4,000) unless an icu column came with it. By
    # hand: with no new cases the day-1 census lies between the steady-state residual
    # 2,500 x (1 - 1/15.6) = 2,339.7 and 2,500 (c0009's bounds, scaled), far from 4,000.
    from pairaid.cli import main

    data = tmp_path / "data"
    shutil.copytree(CASES / "c0009" / "data", data)
    cases = pd.read_csv(data / "cases.csv", dtype=str)
    cases.assign(hospitalised="2500").to_csv(data / "cases.csv", index=False)
    out = tmp_path / "run"
    assert main(["plan", "--data", str(data), "--date", "2020-02-10", "--horizon", "7",
                 "--recipients", "420700", "--donors", "CN-JX", "--no-official",
                 "--model", "ensemble", "--out", str(out)]) == 0
    fc = pd.read_csv(out / "forecast.csv", dtype={"region_code": str})
    census = fc[(fc["target"] == "census") & (fc["quantile"] == 0.5)]["value"]
    assert 2339.7 <= census.iloc[0] <= 2500 + 1e-6
    notes = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["notes"]
    assert any("cases.csv hospitalised; no icu count" in n for n in notes)


def test_a_hospital_count_for_some_recipients_only_is_named_not_dropped_silently():
    day = pd.Timestamp("2020-02-10")
    cases = pd.DataFrame({"date": [day, day, day - pd.Timedelta(days=1)],
                          "region_code": ["420700", "420900", "420900"],
                          "hospitalised": pd.array([2500, None, 10], dtype="Int64")})
    note = unused_stock_note(cases, ["420700", "420900"], date(2020, 2, 10))
    assert ("hospitalised) on the decision date for 420700 but not for 420900" in note
            and "confirmed − deaths − recovered" in note)
    assert unused_stock_note(cases, ["420900"], date(2020, 2, 10)) == ""
    assert unused_stock_note(cases.drop(columns="hospitalised"), ["420700"],
                             date(2020, 2, 10)) == ""
