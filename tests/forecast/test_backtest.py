"""Backtest engine and command: score table layout, reference ratio, no overwrite."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from click.testing import CliRunner

from pairaid.errors import OutputExistsError
from pairaid.forecast.backtest import (
    DEFAULT_ORIGINS,
    BacktestEntry,
    run_backtest,
    score_backtest,
)
from pairaid.forecast.commands import backtest

ENTRIES = [BacktestEntry("persistence", "persistence"), BacktestEntry("exponential", "exponential")]


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
    assert len(scores) == 2 * 2 * 2  # models x targets x horizons
    ref = scores[scores.model == "exponential"]
    np.testing.assert_allclose(ref["rel_wis"], 1.0)
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
    assert set(table["model"]) == {"persistence", "exponential"}
    assert set(table["horizon_days"]) == {7, 14}
    assert "rel_wis" in first.output or "relative WIS" in first.output
    again = runner.invoke(backtest, args)
    assert isinstance(again.exception, OutputExistsError)
    forced = runner.invoke(backtest, [*args, "--force"])
    assert forced.exit_code == 0
