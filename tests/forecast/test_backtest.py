"""Backtest engine and command: score table layout, reference ratio, no overwrite."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from pairaid.errors import OutputExistsError
from pairaid.forecast.backtest import (
    DEFAULT_ORIGINS,
    BacktestEntry,
    run_backtest,
    score_backtest,
)
from pairaid.forecast.commands import backtest

ENTRIES = [BacktestEntry("persistence", "persistence"), BacktestEntry("baseline", "baseline")]
DATA = Path(__file__).parent / "data"


def test_default_origins_are_every_three_days_in_february():
    assert DEFAULT_ORIGINS[0] == date(2020, 2, 1) and DEFAULT_ORIGINS[-1] == date(2020, 2, 28)
    assert len(DEFAULT_ORIGINS) == 10
    assert {
        (b - a).days for a, b in zip(DEFAULT_ORIGINS[:-1], DEFAULT_ORIGINS[1:], strict=True)
    } == {3}


def test_backtest_scores(hubei_cases):
    forecasts = run_backtest(
        hubei_cases,
        region_codes=["420100", "420800"],
        entries=ENTRIES,
        origins=[date(2020, 2, 19)],
        n_samples=200,
        workers=1,
    )
    # observed new confirmed of Wuhan on 2020-02-26 = 47441 - 47071 ... from the data
    wuhan = forecasts[(forecasts.region_code == "420100") & (forecasts.target == "new_confirmed")]
    rows = hubei_cases[hubei_cases.region_code == "420100"].set_index("date")["confirmed_cum"]
    expect = rows[pd.Timestamp("2020-02-26")] - rows[pd.Timestamp("2020-02-25")]
    assert wuhan.loc[wuhan.horizon_days == 7, "observed"].iloc[0] == expect
    scores = score_backtest(forecasts)
    needed = {
        "model",
        "horizon_days",
        "n",
        "mae",
        "mape",
        "wis",
        "rel_wis",
        "coverage_50",
        "coverage_90",
    }
    assert needed <= set(scores.columns)
    assert len(scores) == 2 * 3 * 2  # models x targets x horizons
    assert set(scores["target"]) == {"new_confirmed", "census", "new_confirmed_week"}
    assert scores["expected_coverage_90"].between(0, 1).all()
    _rel_wis_is_the_ratio_of_mean_wis(scores)
    assert scores["coverage_90"].between(0, 1).all()
    assert (scores["coverage_90"] >= scores["coverage_50"]).all()


def test_backtest_command_writes_and_refuses_overwrite(tmp_path):
    runner = CliRunner()
    args = [
        "--out",
        str(tmp_path),
        "--model",
        "persistence",
        "--origin",
        "2020-02-19",
        "--samples",
        "200",
        "--workers",
        "1",
    ]
    first = runner.invoke(backtest, args)
    assert first.exit_code == 0, first.output
    table = pd.read_csv(tmp_path / "backtest.csv")
    assert set(table["model"]) == {"persistence", "baseline"}
    assert set(table["horizon_days"]) == {7, 14}
    assert "rel_wis" in first.output or "relative WIS" in first.output
    again = runner.invoke(backtest, args)
    assert isinstance(again.exception, OutputExistsError)
    forced = runner.invoke(backtest, [*args, "--force"])
    assert forced.exit_code == 0


def test_baseline_forecast_of_wuhan_census_is_the_census_at_the_origin(hubei_cases):
    forecasts = run_backtest(hubei_cases, region_codes=["420100"],
                             entries=[BacktestEntry("baseline", "baseline")],
                             origins=[date(2020, 2, 19)], workers=1)
    census = forecasts[forecasts.target == "census"]
    row = hubei_cases[(hubei_cases.region_code == "420100")
                      & (hubei_cases.date == pd.Timestamp("2020-02-19"))].iloc[0]
    expect = row.confirmed_cum - row.deaths_cum - row.recovered_cum
    np.testing.assert_allclose(census["q0.5"], float(expect))
    assert (census["q0.95"] - census["q0.05"]).is_monotonic_increasing  # h = 7, then 14


def test_backtest_on_a_forecast_only_folder(tmp_path):
    folder = DATA / "forecast_only"
    assert not (folder / "capacities.csv").exists()
    out = tmp_path / "bt"
    result = CliRunner().invoke(backtest, [
        "--data", str(folder), "--regions", "all", "--origins", "2020-02-05:2020-02-15:5",
        "--horizons", "3,6", "--model", "persistence", "--samples", "100", "--workers", "1",
        "--out", str(out)])
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(out / "backtest.csv")
    assert set(scores["model"]) == {"persistence", "baseline"}
    assert set(scores["horizon_days"]) == {3, 6}
    assert (scores["n"] == 2 * 3).all()  # 2 regions x 3 origins (02-05, 02-10, 02-15)
    _rel_wis_is_the_ratio_of_mean_wis(scores)
    forecasts = pd.read_csv(out / "backtest_forecasts.csv")
    assert set(forecasts["region_code"]) == {"CN-AA", "CN-BB"}
    assert set(forecasts["origin"]) == {"2020-02-05", "2020-02-10", "2020-02-15"}
    # the weekly target (the Forecast Hubs' case target): the 7 days ending on the date as
    # reported, from the folder's cases.csv
    week = forecasts[(forecasts["target"] == "new_confirmed_week")
                     & (forecasts["model"] == "baseline")]
    cases = pd.read_csv(folder / "cases.csv", dtype={"region_code": str})
    cum = cases.set_index(["region_code", "date"])["confirmed_cum"]
    row = week[(week["origin"] == "2020-02-10") & (week["horizon_days"] == 6)
               & (week["region_code"] == "CN-AA")].iloc[0]
    assert row["observed"] == cum[("CN-AA", "2020-02-16")] - cum[("CN-AA", "2020-02-09")]
    assert set(scores["target"]) == {"new_confirmed", "census", "new_confirmed_week"}
    origins = pd.read_csv(out / "backtest_origins.csv")
    assert len(origins) == 2 * 3 * 2 * 3  # models x targets x horizons x origins
    per_region = pd.read_csv(out / "backtest_regions.csv")
    assert set(per_region["region_code"]) == {"CN-AA", "CN-BB"}


def test_backtest_data_refuses_bad_ranges(tmp_path):
    folder = str(DATA / "forecast_only")
    runner = CliRunner()
    late = runner.invoke(backtest, ["--data", folder, "--origins", "2020-02-20:2020-02-27:1",
                                    "--out", str(tmp_path / "a")])
    assert "an origin must lie in 2020-01-20 … 2020-02-14" in str(late.exception)
    bad = runner.invoke(backtest, ["--data", folder, "--origins", "2020-02-20",
                                   "--out", str(tmp_path / "b")])
    assert "expected FROM:TO:STEP" in str(bad.exception)
    unknown = runner.invoke(backtest, ["--data", folder, "--regions", "CN-ZZ",
                                       "--out", str(tmp_path / "c")])
    assert "unknown region code(s) ['CN-ZZ']" in str(unknown.exception)
    assert "did you mean" not in str(unknown.exception)
    lower = runner.invoke(backtest, ["--data", folder, "--regions", "cn-aa",
                                     "--out", str(tmp_path / "e")])
    assert "did you mean 'cn-aa' -> 'CN-AA'?" in str(lower.exception)
    horizons = runner.invoke(backtest, ["--data", folder, "--horizons", "7,x",
                                        "--out", str(tmp_path / "d")])
    assert "--horizons" in str(horizons.exception)


def test_backtest_of_the_italian_hospital_and_icu_census(tmp_path):
    out = tmp_path / "bt"
    result = CliRunner().invoke(backtest, [
        "--dataset", "italy-2020", "--regions", "IT-25,IT-57", "--origin", "2020-03-15",
        "--model", "persistence", "--samples", "100", "--workers", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(out / "backtest.csv")
    # default targets where the data report hospital and ICU patients: all four
    assert set(scores["target"]) == {"new_confirmed", "census", "new_confirmed_week",
                                     "hospitalised", "icu"}
    assert (scores["n"] == 2).all()  # 2 regions x 1 origin
    forecasts = pd.read_csv(out / "backtest_forecasts.csv")
    hosp = forecasts[(forecasts["target"] == "hospitalised") & (forecasts["horizon_days"] == 7)
                     & (forecasts["model"] == "baseline")].set_index("region_code")
    # cases.csv: Lombardy 6,267 in hospital on 2020-03-15 and 10,581 on 2020-03-22
    assert hosp.loc["IT-25", "q0.5"] == 6267 and hosp.loc["IT-25", "observed"] == 10581
    only = CliRunner().invoke(backtest, [
        "--dataset", "italy-2020", "--regions", "IT-25", "--origin", "2020-03-15",
        "--model", "persistence", "--samples", "100", "--workers", "1", "--targets",
        "occupancy", "--out", str(tmp_path / "only")])
    assert only.exit_code == 0, only.output
    assert set(pd.read_csv(tmp_path / "only" / "backtest.csv")["target"]) == {
        "hospitalised", "icu"}


def test_backtest_refuses_occupancy_targets_without_the_columns(tmp_path):
    result = CliRunner().invoke(backtest, ["--targets", "occupancy", "--out",
                                           str(tmp_path / "bt")])
    assert "reports no hospitalised and icu columns" in str(result.exception)


def _rel_wis_is_the_ratio_of_mean_wis(scores: pd.DataFrame) -> None:
    """Two models scored on the same forecasts: each model's relative WIS is its mean WIS over
    the baseline's (Cramer et al. 2022, PNAS 119:e2113561119, with every forecast common; the
    baseline's own 1 is by definition and not checked)."""
    keys = [c for c in ("target", "horizon_days") if c in scores.columns]
    base = scores[scores.model == "baseline"].set_index(keys)["wis"]
    other = scores[scores.model != "baseline"]
    assert len(other) > 0
    for _, row in other.iterrows():
        expected = row["wis"] / base[tuple(row[k] for k in keys) if len(keys) > 1
                                     else row[keys[0]]]
        assert row["rel_wis"] == pytest.approx(expected, rel=1e-3)  # CSV: 4 decimals


@pytest.mark.parametrize("width", [80, 120])
def test_backtest_tables_print_full_model_names_and_distinct_headers(tmp_path, width):
    # `pairaid backtest` printed two identical "defau…" rows, two "ensem…" rows and four
    # identical "rel_w…" columns: every model of the default backtest keeps its full name and
    # every column its own header at an 80- and a 120-column terminal
    import io
    import re

    from rich.console import Console

    from pairaid.forecast.backtest import SCORE_COLUMNS, default_entries
    from pairaid.forecast.commands import (
        ACCURACY_COLUMNS,
        CALIBRATION_COLUMNS,
        LEGEND,
        _print,
    )

    out = tmp_path / "bt"
    result = CliRunner().invoke(backtest, [
        "--data", str(DATA / "forecast_only"), "--regions", "all", "--origins",
        "2020-02-05:2020-02-15:5", "--horizons", "3,6", "--model", "persistence",
        "--samples", "100", "--workers", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    one = pd.read_csv(out / "backtest.csv")
    one = one[one["model"] == "persistence"]
    labels = [e.label for e in default_entries()]
    assert "default" in labels and "default[events=ignore]" in labels
    scores = pd.concat([one.assign(model=label) for label in labels], ignore_index=True)
    buf = io.StringIO()
    _print(scores, Console(file=buf, width=width, highlight=False))
    text = buf.getvalue()
    lines = text.splitlines()
    assert "…" not in text
    assert max(len(line.rstrip()) for line in lines) <= width
    tables = len(set(scores["target"])) * 2  # accuracy and calibration per target
    for label in labels:  # a row per horizon (3, 6) in each table, the name in full
        rows = [ln for ln in lines if re.match(rf"\s*{re.escape(label)}\s+[36]\s", ln)]
        assert len(rows) == 2 * tables, label
    headers = [h for _, h in (*ACCURACY_COLUMNS, *CALIBRATION_COLUMNS)]
    assert len(set(headers)) == len(headers)
    header_text = " ".join(text.split())
    for header in headers:
        assert all(part in header_text for part in header.split("\n")), header
    # every score column of backtest.csv is printed and named in the legend
    printed = {c for c, _ in (*ACCURACY_COLUMNS, *CALIBRATION_COLUMNS)}
    assert printed == set(SCORE_COLUMNS) - {"model", "target", "horizon_days", "n"}
    assert all(c in LEGEND for c in printed)
