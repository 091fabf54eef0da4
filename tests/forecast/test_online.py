"""Online recalibration: only errors known at the origin, a prior where they are few."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from scipy import stats

from pairaid.forecast.calibration import apply_shifts, default_calibration, shifts_for
from pairaid.forecast.online import (
    TARGETS,
    history_origins,
    online_calibration,
    online_table,
    recalibrate_online,
)
from pairaid.forecast.quantiles import QUANTILES

LEVELS = np.asarray(QUANTILES)
QCOLS = [f"q{lv:g}" for lv in LEVELS]
T0 = pd.Timestamp("2020-01-01")


def zero_prior() -> pd.DataFrame:
    return pd.DataFrame([{"target": t, "horizon_days": 1, "quantile": lv, "shift": 0.0}
                         for t in TARGETS for lv in LEVELS])


def biased_history(rng: np.random.Generator, days: int, regions: int, h: int) -> pd.DataFrame:
    """One forecast per region and day at horizon ``h``: truth log-normal(mu_t, 0.5),
    forecaster log-normal(mu_t + 0.4, 0.2) (too high, too narrow); mu drifts over time."""
    rows = []
    for day in range(days):
        mu = 5.0 + 0.02 * day + rng.uniform(-1, 1, regions)
        y = np.round(np.exp(mu + 0.5 * rng.standard_normal(regions)))
        q = np.exp(mu[:, None] + 0.4 + 0.2 * stats.norm.ppf(LEVELS)[None, :])
        for r in range(regions):
            rows.append({"origin": T0 + pd.Timedelta(days=day), "region_code": f"R{r}",
                         "target": "census", "horizon_days": h, "observed": y[r],
                         **dict(zip(QCOLS, q[r], strict=True))})
    return pd.DataFrame(rows)


def coverage(df: pd.DataFrame, lo: str, hi: str) -> float:
    return float(((df[lo] <= df["observed"]) & (df["observed"] <= df[hi])).mean())


def test_history_origins_every_three_days_back_while_an_outcome_is_in_the_window():
    got = history_origins(pd.Timestamp("2020-02-10"), step=3, window=14, max_horizon=14)
    # o + 14 > 02-10 - 14 = 01-27  <=>  o > 01-13: 02-07, 02-04, ..., 01-14 (9 origins)
    assert got[0] == pd.Timestamp("2020-02-07")
    assert got[-1] == pd.Timestamp("2020-01-14")
    assert len(got) == 9


def test_prior_weight_averages_own_shift_and_prior_by_counts():
    # 3 past forecasts with q = 1 for every level, observed 3, 1, 0 -> own median shift 0
    # (hand: log1p residuals log 2, 0, -log 2); prior median shift 0.6, weight 3 -> 0.3
    hist = pd.DataFrame({"origin": [T0] * 3, "region_code": ["a", "b", "c"],
                         "target": "census", "horizon_days": 2, "observed": [3.0, 1.0, 0.0],
                         **{c: 1.0 for c in QCOLS}})
    prior = zero_prior().assign(shift=0.6)
    at = T0 + pd.Timedelta(days=2)
    table = online_table(hist, at, prior, LEVELS, window=14, prior_weight=3.0, max_horizon=2)
    med = table[(table.target == "census") & (table["quantile"] == 0.5)].set_index(
        "horizon_days")
    assert med.loc[2, "n"] == 3
    np.testing.assert_allclose(med.loc[2, "shift"], (3 * 0.0 + 3 * 0.6) / 6)
    assert med.loc[1, "n"] == 0
    np.testing.assert_allclose(med.loc[1, "shift"], 0.6)  # no own error: the prior
    # one day earlier the outcomes (T0 + 2) are not known yet: prior only
    early = online_table(hist, at - pd.Timedelta(days=1), prior, LEVELS, window=14,
                         prior_weight=3.0, max_horizon=2)
    assert (early["n"] == 0).all()
    np.testing.assert_allclose(early["shift"], 0.6)


def test_online_recalibration_restores_coverage_from_past_errors_only():
    rng = np.random.default_rng(3)
    h = 7
    hist = biased_history(rng, days=80, regions=20, h=h)
    raw = hist[hist["origin"] >= T0 + pd.Timedelta(days=40)]
    assert coverage(raw, "q0.05", "q0.95") < 0.5  # badly calibrated before
    fixed = recalibrate_online(raw, hist, zero_prior(), LEVELS, window=14, prior_weight=1.0)
    assert abs(coverage(fixed, "q0.05", "q0.95") - 0.9) < 0.04
    assert abs(coverage(fixed, "q0.25", "q0.75") - 0.5) < 0.05
    # the same result when every outcome not yet known at each origin is scrambled: the
    # recalibration at origin T reads only errors with origin + h <= T
    for origin in sorted(raw["origin"].unique())[:5]:
        scrambled = hist.copy()
        later = scrambled["origin"] + pd.Timedelta(days=h) > origin
        scrambled.loc[later, "observed"] = rng.permutation(
            scrambled.loc[later, "observed"].to_numpy()) * 7
        one = raw[raw["origin"] == origin]
        a = recalibrate_online(one, hist, zero_prior(), LEVELS, window=14, prior_weight=1.0)
        b = recalibrate_online(one, scrambled, zero_prior(), LEVELS, window=14,
                               prior_weight=1.0)
        np.testing.assert_array_equal(a[QCOLS].to_numpy(), b[QCOLS].to_numpy())


def widening_forecasts(rng: np.random.Generator, n: int, horizons: range) -> pd.DataFrame:
    """Truth log-normal(mu, 0.05 h) at horizon ``h``; forecaster log-normal(mu + 0.01 h,
    0.2): too narrow and too high, more so the longer the horizon."""
    rows = []
    for h in horizons:
        mu = rng.uniform(3.0, 8.0, n)
        y = np.round(np.exp(mu + 0.05 * h * rng.standard_normal(n)))
        q = np.exp(mu[:, None] + 0.01 * h + 0.2 * stats.norm.ppf(LEVELS)[None, :])
        rows.append(pd.DataFrame({"origin": T0, "region_code": "R", "target": "census",
                                  "horizon_days": h, "observed": y,
                                  **dict(zip(QCOLS, q.T, strict=True))}))
    return pd.concat(rows, ignore_index=True)


def test_long_horizons_get_shifts_of_their_own_and_nominal_coverage():
    from pairaid.forecast.calibration import fit_calibration
    from pairaid.forecast.online import CALIBRATED_HORIZON

    assert CALIBRATED_HORIZON >= 28  # the plan's default horizon
    rng = np.random.default_rng(5)
    fit = widening_forecasts(rng, 2000, range(1, 29))
    new = widening_forecasts(rng, 2000, range(1, 29))  # not used to fit
    long = new[new["horizon_days"].isin([21, 28])]
    assert coverage(long, "q0.05", "q0.95") < 0.5  # badly calibrated before
    table = fit_calibration(fit, LEVELS)
    fixed = recalibrate_online(long, pd.DataFrame(), table, LEVELS)
    for h in (21, 28):
        at = fixed[fixed["horizon_days"] == h]
        assert abs(coverage(at, "q0.05", "q0.95") - 0.9) < 0.03
        assert abs(coverage(at, "q0.25", "q0.75") - 0.5) < 0.04
    # a table that stops at 14 days (the fault this guards against) stays too narrow at 28
    short = recalibrate_online(long, pd.DataFrame(), table[table["horizon_days"] <= 14],
                               LEVELS)
    assert coverage(short[short["horizon_days"] == 28], "q0.05", "q0.95") < 0.75


def test_default_forecast_is_the_ensemble_recalibrated_online(hubei_cases):
    from pairaid.forecast import forecast_cases
    from pairaid.forecast.registry import DEFAULT_MODEL

    args = {"region_codes": ["420800", "429021"], "origin": date(2020, 2, 14),
            "horizon_days": 3}
    raw = forecast_cases(hubei_cases, model=DEFAULT_MODEL, **args)
    default = forecast_cases(hubei_cases, model="default", **args)
    table = online_calibration(hubei_cases, region_codes=args["region_codes"],
                               origin=args["origin"])
    # with a finite prior weight the own errors known on the origin are used, and no row
    # after the origin is read: changing them leaves the table as it was
    own = online_calibration(hubei_cases, region_codes=args["region_codes"],
                             origin=args["origin"], prior=default_calibration(),
                             prior_weight=30.0)
    assert own.loc[own.horizon_days == 3, "n"].max() > 0
    assert not np.allclose(own["shift"], table["shift"])
    later = hubei_cases.copy()
    after = later["date"] > pd.Timestamp(args["origin"])
    later.loc[after, "confirmed_cum"] = later.loc[after, "confirmed_cum"] * 3
    again = online_calibration(later, region_codes=args["region_codes"],
                               origin=args["origin"], prior=default_calibration(),
                               prior_weight=30.0)
    pd.testing.assert_frame_equal(own, again)
    for target in ("new_confirmed", "census"):
        q = raw[raw.target == target].pivot_table(index=["region_code", "date"],
                                                   columns="quantile", values="value")
        steps = np.tile(np.arange(1, 4), 2)
        shifts = np.stack([shifts_for(table, target, np.array([s]), LEVELS)[0] for s in steps])
        expect = apply_shifts(q.to_numpy(), shifts)
        got = default[default.target == target].pivot_table(
            index=["region_code", "date"], columns="quantile", values="value")
        np.testing.assert_allclose(got.to_numpy(), expect)
