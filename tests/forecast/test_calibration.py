"""Quantile recalibration restores nominal coverage of a biased forecaster."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from pairaid.forecast.calibration import (
    apply_shifts,
    fit_calibration,
    fit_shifts,
    shifts_for,
)
from pairaid.forecast.quantiles import QUANTILES

LEVELS = np.asarray(QUANTILES)


def biased_forecasts(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Truth log-normal(mu, 0.5); forecaster log-normal(mu + 0.4, 0.2): too high, too
    narrow."""
    mu = rng.uniform(3.0, 8.0, n)
    y = np.exp(mu + 0.5 * rng.standard_normal(n))
    q = np.exp(mu[:, None] + 0.4 + 0.2 * stats.norm.ppf(LEVELS)[None, :])
    return q, y


def coverage(q: np.ndarray, y: np.ndarray, lo: float, hi: float) -> float:
    i, j = int(np.argmin(abs(LEVELS - lo))), int(np.argmin(abs(LEVELS - hi)))
    return float(np.mean((q[:, i] <= y) & (y <= q[:, j])))


def test_recalibration_on_a_biased_forecaster_restores_nominal_coverage():
    rng = np.random.default_rng(1)
    q_fit, y_fit = biased_forecasts(rng, 3000)
    q_new, y_new = biased_forecasts(rng, 3000)  # data not used to fit
    assert coverage(q_new, y_new, 0.05, 0.95) < 0.5  # badly calibrated before
    shifts = fit_shifts(LEVELS, q_fit, y_fit)
    fixed = apply_shifts(q_new, shifts)
    assert abs(coverage(fixed, y_new, 0.25, 0.75) - 0.5) < 0.03
    assert abs(coverage(fixed, y_new, 0.05, 0.95) - 0.9) < 0.03
    assert abs(np.mean(y_new < fixed[:, LEVELS == 0.5][:, 0]) - 0.5) < 0.03  # bias removed
    assert (np.diff(fixed, axis=1) >= 0).all()


def test_shift_hand_computed_and_table_lookup():
    # log1p residuals of one level over 3 forecasts: log(4/2), log(2/2), log(1/2) -> the
    # median is 0 (no shift); the 0.75 level (linear) is (0 + log 2) / 2
    q = np.array([[1.0], [1.0], [1.0]])
    y = np.array([3.0, 1.0, 0.0])
    assert fit_shifts(np.array([0.5]), q, y)[0] == 0.0
    np.testing.assert_allclose(fit_shifts(np.array([0.75]), q, y), [np.log(2) / 2])
    np.testing.assert_allclose(apply_shifts(np.array([[1.0, 3.0]]), np.log(2.0)), [[3.0, 7.0]])
    forecasts = pd.DataFrame({"target": "census", "horizon_days": [7, 7, 7],
                              "observed": y, **{f"q{lv:g}": q[:, 0] for lv in LEVELS}})
    table = fit_calibration(forecasts, LEVELS)
    assert set(table["horizon_days"]) == {7}
    got = shifts_for(table, "census", np.array([3, 7, 28]), np.array([0.5]))
    np.testing.assert_allclose(got, 0.0, atol=1e-12)  # 3 and 28 take the 7-day row
    assert (shifts_for(table, "new_confirmed", np.array([7]), LEVELS) == 0).all()
