"""Weekly incidence (the Forecast Hubs' case target) against hand computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pairaid.forecast.api import RegionPaths
from pairaid.forecast.backtest import observed_values
from pairaid.forecast.events import RegionSeries
from pairaid.forecast.quantiles import quantiles_from_samples
from pairaid.forecast.weekly import (
    WEEKLY_TARGET,
    observed_weekly,
    reported_in_window,
    weekly_baseline_quantiles,
    weekly_paths,
)

DAYS = pd.date_range("2020-02-01", periods=10, freq="D")


def _series(cumulative, daily=None) -> RegionSeries:
    cum = np.asarray(cumulative, dtype=float)
    raw = np.full(cum.shape, np.nan)
    raw[1:] = np.diff(cum)
    daily = raw if daily is None else np.asarray(daily, dtype=float)
    return RegionSeries("A", DAYS[: cum.size], cum, daily, raw)


def test_weekly_quantiles_are_taken_over_the_sums_of_paths_not_summed_quantiles():
    # two paths with 10 cases each over days 1-7, on different days: every path's week
    # holds 10 cases, so every quantile of the weekly count is 10
    a = np.array([10.0, 0, 0, 0, 0, 0, 0])
    b = np.array([0.0, 10, 0, 0, 0, 0, 0])
    paths = RegionPaths(
        new_confirmed=np.vstack([a, b]),
        census=np.zeros((2, 7)),
        census_estimated=False,
        reported_before=np.zeros(7),
    )
    levels = np.array([0.05, 0.5, 0.95])
    weekly = quantiles_from_samples(paths.target(WEEKLY_TARGET), levels)
    np.testing.assert_allclose(weekly[:, 6], [10.0, 10.0, 10.0])
    # summing the daily quantiles instead: days 1 and 2 each have quantiles 0.5, 5, 9.5
    # (linear between the two paths), the other days 0: 1, 10, 19
    daily = quantiles_from_samples(paths.new_confirmed, levels)
    np.testing.assert_allclose(daily.sum(axis=1), [1.0, 10.0, 19.0])


def test_days_before_the_origin_count_as_reported():
    # cumulative 0, 1, 3, 6, 10, 15, 21, 28 up to the origin (day 8): a week ending 1 day
    # after the origin holds the reported days 3..8 (28 - 1 = 27 cases) and day 1 ahead
    series = _series([0, 1, 3, 6, 10, 15, 21, 28])
    before = reported_in_window(series, 8)
    np.testing.assert_allclose(before, [27, 25, 22, 18, 13, 7, 0, 0])
    paths = np.array([[1.0, 2, 3, 4, 5, 6, 7, 8]])
    # h = 1: 27 + 1; h = 2: 25 + 1 + 2; h = 7: 1 + ... + 7 = 28; h = 8: 2 + ... + 8 = 35
    np.testing.assert_allclose(weekly_paths(paths, before), [[28, 28, 28, 28, 28, 28, 28, 35]])
    # a gap (day 5 unknown) is shared with its neighbours: the window's total is the same
    gap = _series([0, 1, 3, 6, np.nan, 15, 21, 28])
    np.testing.assert_allclose(reported_in_window(gap, 3), [27, 25, 22])


def test_a_re_count_inside_the_window_counts_as_reported_and_paths_stay_at_least_zero():
    # a re-count on the origin takes back 10 cases: the week ending 1 day ahead holds
    # 90 - 100 = -10 reported cases before the origin; a path of 4 new cases sums to 0
    # (not -6), one of 40 to 30
    series = _series([100, 100, 100, 100, 100, 100, 100, 90])
    before = reported_in_window(series, 1)
    np.testing.assert_allclose(before, [-10.0])
    np.testing.assert_allclose(weekly_paths(np.array([[4.0], [40.0]]), before), [[0.0], [30.0]])


def test_weekly_baseline_on_a_hand_made_series():
    # daily counts 1 (8 days), 2, 3: weekly sums (7 x the mean of the known days in the
    # 7 days ending on each day) 7, ..., 7, 8, 10
    daily = np.array([1.0, 1, 1, 1, 1, 1, 1, 1, 2, 3])
    series = _series(np.cumsum(daily), daily=daily)
    levels = np.array([0.05, 0.5, 0.95])
    q = weekly_baseline_quantiles(series, np.array([1]), levels)
    # 1-day changes 0 (x7), 1, 2 and their negatives: 18 values -2, -1, 0 (x14), 1, 2;
    # type-7 quantiles: 0.05 -> -2 + 0.85 = -1.15, 0.5 -> 0, 0.95 -> 1 + 0.15 = 1.15
    np.testing.assert_allclose(q[:, 0], [10 - 1.15, 10.0, 10 + 1.15])
    # a left-out day (data event: NaN) is filled by the mean of the window's other days
    treated = daily.copy()
    treated[8] = np.nan
    q = weekly_baseline_quantiles(_series(np.cumsum(daily), daily=treated), np.array([1]), levels)
    assert q[1, 0] == pytest.approx(7 * (5 * 1 + 3) / 6)


def test_observed_weekly_sum_with_a_re_count_day_and_a_missing_day():
    cum = [0, 2, 5, 9, 14, 20, 27, 35, 30, 40]  # day 9 (02-09) a re-count: 35 -> 30
    cases = pd.DataFrame(
        {"date": DAYS, "region_code": "A", "confirmed_cum": pd.array(cum, dtype="Int64")}
    )
    week = observed_weekly(cases)
    a = week.loc["A"]
    assert a.iloc[:7].isna().all()  # no count 7 days before
    # 02-08: 35 - 0; 02-09: 30 - 2 (the re-count as reported); 02-10: 40 - 5
    np.testing.assert_allclose(a.iloc[7:].to_numpy(), [35.0, 28.0, 35.0])
    # the same as the daily target's observations (reported increments) summed over 7 days
    unknown = pd.array([None] * 10, dtype="Int64")
    full = cases.assign(deaths_cum=unknown, recovered_cum=unknown)
    daily = observed_values(full)["new_confirmed"].loc["A"]
    np.testing.assert_allclose(a.iloc[7:].to_numpy(), daily.rolling(7).sum().iloc[7:].to_numpy())
    # an unknown count 7 days earlier leaves the weekly sum unknown
    gap = cases.copy()
    gap.loc[1, "confirmed_cum"] = pd.NA
    assert np.isnan(observed_weekly(gap).loc[("A", DAYS[8])])
    assert observed_weekly(gap).loc[("A", DAYS[9])] == 35.0
