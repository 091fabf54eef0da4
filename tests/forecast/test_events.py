"""Data-event treatment of the cumulative series (hand-made and real Hubei cases)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pairaid.errors import ConfigError
from pairaid.forecast.events import admissions_for_census, daily_from_cumulative, region_series

DATES = pd.date_range("2020-02-09", "2020-02-15", freq="D")
#               02-09 02-10 02-11 02-12  02-13 02-14 02-15
CUM = np.array([100.0, 110.0, 120.0, 500.0, 510.0, 505.0, 530.0])


def test_treatment_excludes_definition_change_and_recount_days():
    daily, raw = daily_from_cumulative(DATES, CUM, treatment="treat")
    np.testing.assert_array_equal(raw[1:], [10, 10, 380, 10, -5, 25])
    # 02-12: definition change; 02-14: negative; 02-15: the day after a negative
    expected = [np.nan, 10, 10, np.nan, 10, np.nan, np.nan]
    np.testing.assert_array_equal(daily, expected)


def test_ignore_keeps_every_day_and_clips_negatives():
    daily, _ = daily_from_cumulative(DATES, CUM, treatment="ignore")
    np.testing.assert_array_equal(daily, [np.nan, 10, 10, 380, 10, 0, 25])
    with pytest.raises(ConfigError, match="events"):
        daily_from_cumulative(DATES, CUM, treatment="smooth")


def test_census_admissions_keep_the_backlog(hubei_cases):
    """Wuhan's 13,436 clinically diagnosed cases of 2020-02-12 are out of the fit but still
    admitted patients; the Jingmen re-count of 02-19 (-107) admits nobody."""
    wuhan = region_series(hubei_cases, "420100", pd.Timestamp("2020-02-20"))
    day = list(wuhan.dates).index(pd.Timestamp("2020-02-12"))
    assert np.isnan(wuhan.daily[day]) and wuhan.raw_daily[day] == 13436
    assert admissions_for_census(wuhan)[day] == 13436
    jingmen = region_series(hubei_cases, "420800", pd.Timestamp("2020-02-20"))
    d19 = list(jingmen.dates).index(pd.Timestamp("2020-02-19"))
    assert jingmen.raw_daily[d19] == -107
    assert np.isnan(jingmen.daily[d19]) and np.isnan(jingmen.daily[d19 + 1])
    assert admissions_for_census(jingmen)[d19] == 0
    # the first known cumulative count (2020-01-23) counts as admitted that day
    first = list(wuhan.dates).index(pd.Timestamp("2020-01-23"))
    assert admissions_for_census(wuhan)[first] == wuhan.cumulative[first]


def test_a_gap_shares_its_known_rise_among_its_days():
    """Cumulative 10, 20, ?, ?, 50, 60, ?: 30 cases were confirmed over 02-03..02-05, only
    not on which day; each of the three gets 10 (for fitting and as admissions), instead of
    all three falling out. The unknown last day stays unknown and admits nobody."""
    dates = pd.date_range("2020-02-01", periods=7, freq="D")
    cum = np.array([10.0, 20.0, np.nan, np.nan, 50.0, 60.0, np.nan])
    for treatment in ("treat", "ignore"):
        daily, raw = daily_from_cumulative(dates, cum, treatment=treatment)
        np.testing.assert_array_equal(daily, [np.nan, 10, 10, 10, 10, 10, np.nan])
        np.testing.assert_array_equal(raw, [np.nan, 10, np.nan, np.nan, np.nan, 10, np.nan])
    cases = pd.DataFrame({"date": dates, "region_code": "X",
                          "confirmed_cum": pd.array(cum, dtype="Float64").astype("Int64")})
    series = region_series(cases, "X", dates[-1])
    np.testing.assert_array_equal(admissions_for_census(series), [10, 10, 10, 10, 10, 10, 0])
    # a fall across a gap is a re-count like any other: excluded, with the day after
    daily, _ = daily_from_cumulative(dates, np.array([10, 20, np.nan, 16, 30, 40, 50.0]))
    np.testing.assert_array_equal(daily, [np.nan, 10, np.nan, np.nan, np.nan, 10, 10])

