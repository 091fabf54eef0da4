"""The forecast stage contract: columns, dates, quantiles, no look-ahead, clear errors."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from pairaid.errors import ConfigError, InputError
from pairaid.forecast import QUANTILES, forecast_cases, model_names

REGIONS = ["420100", "420800", "429021"]


def test_quantile_levels_are_the_forecast_hub_levels():
    assert len(QUANTILES) == 23
    assert QUANTILES[:3] == (0.01, 0.025, 0.05)
    assert QUANTILES[-3:] == (0.95, 0.975, 0.99)
    assert 0.5 in QUANTILES
    assert list(QUANTILES) == sorted(QUANTILES)


def test_forecast_table_shape_and_dates(hubei_cases):
    out = forecast_cases(
        hubei_cases, region_codes=REGIONS, origin=date(2020, 2, 14), horizon_days=7
    )
    assert list(out.columns) == [
        "region_code", "date", "target", "quantile", "value", "estimated", "los_source"]
    assert len(out) == 3 * 7 * 2 * 23
    assert out["date"].min() == pd.Timestamp("2020-02-15")
    assert out["date"].max() == pd.Timestamp("2020-02-21")
    assert set(out["target"]) == {"new_confirmed", "census"}
    assert (out["value"] >= 0).all()
    # recovered is known on 2020-02-14, so nothing is estimated
    assert not out["estimated"].any()
    # ... and discharges are known from 2020-02-06: the LOS of Wuhan is fitted to them;
    # Shennongjia (429021) has too few removals to say, the literature LOS is used
    census = out[out["target"] == "census"].groupby("region_code")["los_source"].first()
    assert census["420100"] == "data" and census["429021"] == "literature"
    assert (out.loc[out["target"] == "new_confirmed", "los_source"] == "").all()
    key = ["region_code", "date", "target", "quantile"]
    assert not out.duplicated(key).any()


def test_weekly_target_on_request_leaves_the_daily_targets_unchanged(hubei_cases):
    kw = {"region_codes": ["420800"], "origin": date(2020, 2, 14), "horizon_days": 8,
          "model": "persistence"}
    daily = forecast_cases(hubei_cases, **kw)
    both = forecast_cases(hubei_cases, **kw, targets=("new_confirmed", "census",
                                                      "new_confirmed_week"))
    key = ["region_code", "date", "target", "quantile"]
    pd.testing.assert_frame_equal(
        both[both["target"] != "new_confirmed_week"].reset_index(drop=True), daily)
    week = both[both["target"] == "new_confirmed_week"].set_index(["date", "quantile"])["value"]
    new = daily[daily["target"] == "new_confirmed"].set_index(["date", "quantile"])["value"]
    assert not both.duplicated(key).any()
    # a week's count is at least its one day's (paths are non-negative), level by level
    assert (week >= new.reindex(week.index) - 1e-9).all()
    # day 1 ahead: the 6 days up to the origin as reported (Jingmen 02-09 .. 02-14) + day 1
    rows = hubei_cases[hubei_cases.region_code == "420800"].set_index("date")["confirmed_cum"]
    reported = rows[pd.Timestamp("2020-02-14")] - rows[pd.Timestamp("2020-02-08")]
    first = pd.Timestamp("2020-02-15")
    np.testing.assert_allclose(week.loc[first].to_numpy(),
                               reported + new.loc[first].to_numpy())
    with pytest.raises(ConfigError, match="unknown target 'weekly'"):
        forecast_cases(hubei_cases, **kw, targets=("weekly",))


@pytest.mark.parametrize("model", ["default", *model_names()])
def test_quantiles_monotone_for_every_model(hubei_cases, model):
    out = forecast_cases(
        hubei_cases, region_codes=REGIONS, origin=date(2020, 2, 20), horizon_days=14, model=model
    )
    for _, grp in out.groupby(["region_code", "date", "target"]):
        v = grp.sort_values("quantile")["value"].to_numpy()
        assert np.all(np.diff(v) >= 0)


def test_no_look_ahead(hubei_cases):
    """Changing data after the origin must not change the forecast."""
    origin = date(2020, 2, 10)
    tampered = hubei_cases.copy()
    later = tampered["date"] > pd.Timestamp(origin)
    tampered.loc[later, "confirmed_cum"] = tampered.loc[later, "confirmed_cum"] * 3
    a = forecast_cases(hubei_cases, region_codes=REGIONS, origin=origin, horizon_days=5)
    b = forecast_cases(tampered, region_codes=REGIONS, origin=origin, horizon_days=5)
    pd.testing.assert_frame_equal(a, b)


def test_same_seed_same_output_and_other_seed_differs(hubei_cases):
    kw = dict(region_codes=["420100"], origin=date(2020, 2, 10), horizon_days=5)
    a = forecast_cases(hubei_cases, seed=1, **kw)
    b = forecast_cases(hubei_cases, seed=1, **kw)
    c = forecast_cases(hubei_cases, seed=2, **kw)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["value"], c["value"])


def test_census_starts_from_observed_census(hubei_cases):
    """Day 1 census is near the observed census at the origin (few leave in one day)."""
    origin = pd.Timestamp("2020-02-20")
    row = hubei_cases[(hubei_cases.region_code == "420100") & (hubei_cases.date == origin)].iloc[0]
    observed = row.confirmed_cum - row.deaths_cum - row.recovered_cum
    out = forecast_cases(hubei_cases, region_codes=["420100"], origin=origin.date(), horizon_days=3)
    median = out[(out.target == "census") & (out["quantile"] == 0.5)].sort_values("date")
    first = median["value"].iloc[0]
    # leave: at most a few percent per day with a ~15-day LOS; enter: <= a few thousand
    assert 0.9 * observed < first < observed + 5000


def test_recovered_unknown_marks_census_estimated(hubei_cases):
    # city recovered counts are missing 2020-01-27 .. 02-05
    out = forecast_cases(
        hubei_cases, region_codes=["420100"], origin=date(2020, 2, 1), horizon_days=3
    )
    assert out.loc[out.target == "census", "estimated"].all()
    assert not out.loc[out.target == "new_confirmed", "estimated"].any()


def test_unknown_region_is_an_input_error(hubei_cases):
    with pytest.raises(InputError, match="999999"):
        forecast_cases(
            hubei_cases, region_codes=["999999"], origin=date(2020, 2, 1), horizon_days=3
        )


def test_origin_without_data_is_an_input_error(hubei_cases):
    with pytest.raises(InputError, match="2020-01-21"):
        forecast_cases(
            hubei_cases, region_codes=["420100"], origin=date(2020, 1, 21), horizon_days=3
        )


def test_bad_settings_are_config_errors(hubei_cases):
    kw = dict(region_codes=["420100"], origin=date(2020, 2, 1))
    with pytest.raises(ConfigError, match="model"):
        forecast_cases(hubei_cases, horizon_days=3, model="crystal-ball", **kw)
    with pytest.raises(ConfigError, match="horizon_days"):
        forecast_cases(hubei_cases, horizon_days=0, **kw)
    with pytest.raises(ConfigError, match="quantiles"):
        forecast_cases(hubei_cases, horizon_days=3, quantiles=[0.0, 0.5], **kw)
    with pytest.raises(ConfigError, match="los_mean_days"):
        forecast_cases(hubei_cases, horizon_days=3, parameters={"los_mean_days": -1}, **kw)
