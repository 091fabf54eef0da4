"""Each model recovers the parameters of synthetic data it generated itself.

Tolerances are stated per test; seeds are fixed, so the tests are deterministic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pairaid.forecast.ensemble import ensemble_paths, mixture
from pairaid.forecast.events import RegionSeries
from pairaid.forecast.models import MODELS
from pairaid.forecast.models.chime import chime_paths, doubling_time_growth
from pairaid.forecast.models.loglinear import fit_loglinear
from pairaid.forecast.models.richards import fit_richards, richards_daily
from pairaid.forecast.models.seir import GAMMA, fit_seir, log_rt_path, simulate_reports
from pairaid.forecast.nb import sample_nb
from pairaid.forecast.quantiles import QUANTILES, quantiles_from_samples
from pairaid.forecast.registry import ENSEMBLES


def series_from_daily(daily: np.ndarray, start_cum: float = 0.0) -> RegionSeries:
    dates = pd.date_range("2020-01-01", periods=daily.size + 1, freq="D")
    cum = start_cum + np.concatenate([[0.0], np.cumsum(daily)])
    raw = np.concatenate([[np.nan], daily.astype(float)])
    return RegionSeries("X", dates, cum, raw.copy(), raw)


def test_loglinear_recovers_growth_rate():
    """300 points of NB(exp(a + b t), k=20): b within 0.005/day, a within 0.1, k within 30 %."""
    rng = np.random.default_rng(1)
    t = np.arange(-299, 1, dtype=float) / 5.0
    y = sample_nb(rng, np.exp(np.log(300.0) + 0.03 * t), 20.0)
    fit = fit_loglinear(t, y)
    assert fit.x[1] == pytest.approx(0.03, abs=0.005)
    assert fit.x[0] == pytest.approx(np.log(300.0), abs=0.1)
    assert np.exp(fit.x[2]) == pytest.approx(20.0, rel=0.3)
    sd_b = np.sqrt(fit.cov[1, 1])
    assert abs(fit.x[1] - 0.03) < 3 * sd_b  # the reported uncertainty covers the truth


def test_persistence_recovers_level_and_exponential_the_growth():
    rng = np.random.default_rng(2)
    flat = series_from_daily(sample_nb(rng, np.full(30, 50.0), 50.0))
    paths = MODELS["persistence"](flat, 7, rng, 2000)
    assert np.median(paths) == pytest.approx(50.0, rel=0.1)
    grow = series_from_daily(np.round(1000 * np.exp(0.1 * np.arange(-29, 1))))
    paths = MODELS["exponential"](grow, 7, rng, 2000)
    med = np.median(paths, axis=0)
    # noise-free growth of 10 %/day: day 7 / day 1 = exp(0.6), within 5 %
    assert med[6] / med[0] == pytest.approx(np.exp(0.6), rel=0.05)


def test_richards_recovers_final_size_and_rate():
    """Past the turning point: K within 5 %, r within 20 %, t_m within 2 days."""
    rng = np.random.default_rng(3)
    theta = np.array([np.log(20000.0), np.log(0.2), -10.0, 0.0])
    t = np.arange(-50, 1, dtype=float)
    y = sample_nb(rng, richards_daily(t, theta)[0], 50.0)
    fit, _ = fit_richards(t, y)
    assert np.exp(fit.x[0]) == pytest.approx(20000.0, rel=0.05)
    assert np.exp(fit.x[1]) == pytest.approx(0.2, rel=0.2)
    assert fit.x[2] == pytest.approx(-10.0, abs=2.0)


def test_seir_recovers_reproduction_numbers():
    """R_t falling 2.5 -> 0.8 over 5 weeks: knots within 15 % except the last one (reports
    of the final week carry little information on it)."""
    rng = np.random.default_rng(4)
    knots = np.array([-28.0, -21.0, -14.0, -7.0, 0.0])
    true_r = np.array([2.5, 1.8, 1.2, 0.9, 0.8])
    days = np.arange(-34.0, 1.0)
    mu, _, _ = simulate_reports(
        np.array([np.log(100.0 / GAMMA)]),
        log_rt_path(np.log(true_r), knots, days),
        np.log(true_r[:1]),
    )
    y = sample_nb(rng, mu[0], 100.0)
    fit, fit_knots, _ = fit_seir(days, y)
    est = np.exp(np.interp(knots, fit_knots, fit.x[1 : 1 + fit_knots.size]))
    np.testing.assert_allclose(est[:-1], true_r[:-1], rtol=0.15)


def test_chime_doubling_time_and_growth():
    """Cumulative cases doubling every 5 days: T_d = 5 exactly; daily cases grow 2**(7/5)
    over a week (within 10 %)."""
    days = np.arange(30, dtype=float)
    cum = np.round(100 * 2 ** (days / 5.0))
    rate, se = doubling_time_growth(cum)
    assert np.log(2) / rate == pytest.approx(5.0, rel=0.01)
    daily = np.diff(cum)
    paths = chime_paths(
        series_from_daily(daily, start_cum=cum[0]), 8, np.random.default_rng(5), 4000
    )
    med = np.median(paths, axis=0)
    assert med[7] / med[0] == pytest.approx(2 ** (7 / 5.0), rel=0.1)


@pytest.mark.parametrize("name", sorted({**MODELS, **ENSEMBLES}))
def test_every_model_gives_monotone_non_negative_quantiles(name):
    rng = np.random.default_rng(6)
    t = np.arange(-40, 1, dtype=float)
    series = series_from_daily(sample_nb(rng, 200 * np.exp(-0.05 * t**2 / 100), 10.0))
    fn = {**MODELS, **ENSEMBLES}[name]
    paths = fn(series, 14, rng, 300)
    assert paths.shape == (300, 14) and np.all(paths >= 0)
    q = quantiles_from_samples(paths, np.asarray(QUANTILES))
    assert np.all(np.diff(q, axis=0) >= 0)


def test_mixture_uses_weights():
    members = [np.zeros((100, 2)), np.ones((100, 2))]
    out = mixture(members, np.array([0.3, 0.7]), np.random.default_rng(0))
    assert out.shape == (100, 2) and out[:, 0].sum() == 70


def test_score_weighted_ensemble_prefers_the_better_member():
    """Data at a constant 100/day: a member forecasting 100 gets almost all the weight over
    one forecasting 1000, so the ensemble median is 100."""

    def good(series, horizon, rng, n):
        return np.full((n, horizon), 100.0)

    def bad(series, horizon, rng, n):
        return np.full((n, horizon), 1000.0)

    series = series_from_daily(np.full(30, 100.0))
    rng = np.random.default_rng(0)
    equal = ensemble_paths(series, 5, rng, 1000, members=[good, bad], weighting="equal")
    scored = ensemble_paths(series, 5, rng, 1000, members=[good, bad], weighting="score")
    assert np.mean(equal == 1000.0) == pytest.approx(0.5, abs=0.01)
    assert np.median(scored) == 100.0 and np.mean(scored == 1000.0) < 0.01
