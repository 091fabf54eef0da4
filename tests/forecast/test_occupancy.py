"""Census targets from reported stocks (patients in hospital, in ICU)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from pairaid.datasets import load_builtin
from pairaid.forecast.occupancy import (
    forecast_occupancy,
    has_occupancy,
    pools_growth,
    reported_stocks,
    stock_as_flows,
    stock_model,
)


def test_stock_as_flows_keeps_the_stock_as_census() -> None:
    cases = pd.DataFrame({"date": pd.to_datetime(["2020-03-01", "2020-03-02", "2020-03-03"]),
                          "region_code": "IT-25", "hospitalised": [5, 8, 6]})
    flows = stock_as_flows(cases, "hospitalised", stay_days=2)
    # hand computation (L = 2): discharges 0, round(5/2) = 2, max(round(8/2), 2) = 4;
    # admissions 5, 3 + 2, -2 + 4
    assert flows["confirmed_cum"].tolist() == [5, 10, 12]
    assert flows["recovered_cum"].tolist() == [0, 2, 6]
    census = flows["confirmed_cum"] - flows["deaths_cum"] - flows["recovered_cum"]
    assert census.tolist() == [5, 8, 6]


def test_hospitalised_census_forecast_starts_from_the_observed_value() -> None:
    ds = load_builtin("italy-2020")
    origin = date(2020, 3, 15)
    assert has_occupancy(ds.cases, ["IT-25"], origin)
    fc = forecast_occupancy(ds.cases, region_codes=["IT-25"], origin=origin, horizon_days=3,
                            parameters={"icu_los_days": 7})
    first = fc[(fc["date"] == "2020-03-16") & np.isclose(fc["quantile"], 0.5)]
    hosp = float(first.loc[first["target"] == "census", "value"].iloc[0])
    icu = float(first.loc[first["target"] == "icu_census", "value"].iloc[0])
    # observed on the decision date: 6,267 in hospital, 767 in ICU (cases.csv); one day on,
    # the median moves by less than 1,000 / 100 (Lombardy's largest one-day rises over
    # 2020-03-09 … 15 were +637 and +94), and is far from the 10,043 currently positive
    assert abs(hosp - 6267) <= 1000
    assert abs(icu - 767) <= 100
    assert hosp < 10043


def test_default_model_forecasts_stocks_without_the_case_census_table() -> None:
    # the recalibration table of the default model is learnt on the census derived from
    # confirmed cases; reported stocks are forecast by the uncalibrated ensemble with each
    # region's growth pooled with the total's (weight s / (s + 10)): Lombardy's 767 ICU
    # patients keep 99 % of their own growth, so the default's stock quantiles stay within
    # a few per cent of the raw ensemble's (the table would have pulled the ICU median for
    # 2020-03-29 to 499)
    assert stock_model("default") == "ensemble"
    assert stock_model("richards") == "richards"
    assert pools_growth("default") and not pools_growth("ensemble")
    ds = load_builtin("italy-2020")
    kw = {"region_codes": ["IT-25", "IT-42"], "origin": date(2020, 3, 15), "horizon_days": 7,
          "parameters": {"icu_los_days": 7}}
    default = forecast_occupancy(ds.cases, model="default", **kw)
    raw = forecast_occupancy(ds.cases, model="ensemble", **kw)
    keys = ["region_code", "date", "target", "quantile"]
    both = default.merge(raw, on=keys, suffixes=("", "_raw"))
    lomb = both[(both["region_code"] == "IT-25") & both["target"].isin(["census", "icu_census"])
                & both["quantile"].between(0.05, 0.95)]
    assert ((lomb["value"] / lomb["value_raw"] - 1).abs() < 0.05).all()
    # Lombardy's ICU median a week on stays above the 767 of the decision date while the
    # census rose (823, 879, 924, 1,006 on the next four days, cases.csv)
    week = lomb[(lomb["target"] == "icu_census") & np.isclose(lomb["quantile"], 0.5)]
    assert float(week["value"].iloc[-1]) > 767


def test_occupancy_backtest_scores_the_reported_stocks_against_persistence() -> None:
    from pairaid.forecast.backtest import REFERENCE_MODEL, BacktestEntry, score_backtest
    from pairaid.forecast.occupancy import backtest_occupancy

    ds = load_builtin("italy-2020")
    fc = backtest_occupancy(ds.cases, region_codes=["IT-25"], parameters={"icu_los_days": 7},
                            entries=[BacktestEntry(REFERENCE_MODEL, REFERENCE_MODEL)],
                            origins=[date(2020, 3, 15)], horizons=(7, 14), workers=1,
                            n_samples=200)
    assert set(fc["target"]) == {"hospitalised", "icu"}
    rows = fc.set_index(["target", "horizon_days"])
    # cases.csv, Lombardy: in hospital 6,267 / 10,581 / 12,941 and in ICU 767 / 1,142 /
    # 1,328 on 2020-03-15 / 22 / 29; the persistence baseline's median is the stock at the
    # origin, the observation the stock h days later
    assert rows.loc[("hospitalised", 7), "observed"] == 10581
    assert rows.loc[("hospitalised", 14), "observed"] == 12941
    assert rows.loc[("icu", 7), "observed"] == 1142
    assert rows.loc[("icu", 14), "observed"] == 1328
    assert rows.loc[("hospitalised", 7), "q0.5"] == 6267
    assert rows.loc[("icu", 14), "q0.5"] == 767
    scores = score_backtest(fc).set_index(["target", "horizon_days"])
    # absolute error of the median: 10,581 - 6,267 = 4,314 and 1,328 - 767 = 561
    assert scores.loc[("hospitalised", 7), "mae"] == 4314
    assert scores.loc[("icu", 14), "mae"] == 561
    assert scores.loc[("icu", 14), "rel_wis"] == 1.0  # the reference against itself


def _day(rows: list[tuple[str, float | None, float | None]]) -> pd.DataFrame:
    """One decision day of ``cases`` with the given (region, hospitalised, icu)."""
    return pd.DataFrame({"date": pd.Timestamp("2020-02-10"),
                         "region_code": [r for r, _, _ in rows],
                         "hospitalised": pd.array([h for _, h, _ in rows], dtype="Float64"),
                         "icu": pd.array([i for _, _, i in rows], dtype="Float64")})


def test_reported_stocks_says_which_stocks_every_region_reports() -> None:
    day = date(2020, 2, 10)
    both = _day([("A", 10, 2), ("B", 5, 1)])
    assert reported_stocks(both, ["A", "B"], day) == ("hospitalised", "icu")
    no_icu = _day([("A", 10, None), ("B", 5, 1)])
    assert reported_stocks(no_icu, ["A", "B"], day) == ("hospitalised",)
    assert reported_stocks(no_icu.drop(columns="icu"), ["A", "B"], day) == ("hospitalised",)
    # an ICU count alone is no census; a region without the hospital count: none at all
    assert reported_stocks(_day([("A", None, 2)]), ["A"], day) == ()
    assert reported_stocks(_day([("A", 10, 2), ("B", None, 1)]), ["A", "B"], day) == ()
    assert reported_stocks(both, ["A", "C"], day) == ()


def test_forecast_of_the_hospital_stock_alone_has_no_icu_target() -> None:
    cases = _day([("A", 100, None)]).assign(confirmed_cum=150, deaths_cum=0,
                                            recovered_cum=0)
    fc = forecast_occupancy(cases, region_codes=["A"], origin=date(2020, 2, 10),
                            horizon_days=3, model="ensemble", stocks=("hospitalised",))
    assert set(fc["target"]) == {"new_confirmed", "census"}
    median = fc[(fc["target"] == "census") & (fc["quantile"] == 0.5)]["value"]
    # 100 in hospital, from a one-day history: the census stays near 100, never near the
    # 150 confirmed cases
    assert 90 <= median.iloc[0] <= 100 + 1e-9
