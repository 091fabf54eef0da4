"""The PIT-space alternative of benchmarks/forecast_heldout.py on known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from pairaid.forecast.quantiles import QUANTILES

LEVELS = np.asarray(QUANTILES)


HELDOUT = "benchmarks/forecast_heldout.py"


def test_pit_levels_of_a_too_narrow_forecaster_match_the_normal_answer(load_script):
    # forecaster log-normal(8, 0.25), truth log-normal(8, 0.5): PIT = Phi(2 Z), so
    # H^-1(tau) = Phi(2 Phi^-1(tau)); at tau = 0.25: Phi(-1.349) = 0.0887, at 0.5: 0.5
    bench = load_script(HELDOUT)
    n = 4000
    q = np.tile(np.exp(8.0 + 0.25 * stats.norm.ppf(LEVELS)), (n, 1))
    # the truth's quantiles at (i + 1/2) / n: a sample without sampling noise
    y = np.round(np.exp(8.0 + 0.5 * stats.norm.ppf((np.arange(n) + 0.5) / n)))
    c = bench.pit_levels(q, y)
    for tau in (0.25, 0.5, 0.75):
        expect = stats.norm.cdf(2.0 * stats.norm.ppf(tau))
        assert abs(c[LEVELS == tau][0] - expect) < 0.01
    # a calibrated forecaster maps every level (0.1 .. 0.9) to itself
    calibrated = bench.pit_levels(np.tile(np.exp(8.0 + 0.5 * stats.norm.ppf(LEVELS)), (n, 1)), y)
    inner = (LEVELS >= 0.1) & (LEVELS <= 0.9)
    np.testing.assert_allclose(calibrated[inner], LEVELS[inner], atol=0.02)


def test_at_levels_reads_the_forecast_back_and_extrapolates_log_normal_tails(load_script):
    bench = load_script(HELDOUT)
    q = np.exp(3.0 + 0.4 * stats.norm.ppf(LEVELS))[None, :] - 1.0
    np.testing.assert_allclose(bench.at_levels(q, LEVELS), q, rtol=1e-9)
    # log(1 + q) is linear in the normal score, so the tail beyond 0.99 is exact
    far = np.array([0.001, 0.5, 0.999])
    np.testing.assert_allclose(
        bench.at_levels(q, far)[0], np.exp(3.0 + 0.4 * stats.norm.ppf(far)) - 1.0, rtol=1e-9
    )


def test_decide_replaces_the_reference_only_by_the_margin_and_within_coverage(load_script):
    bench = load_script(HELDOUT)

    def table(rows):
        return pd.DataFrame(rows, columns=["model", "pit90_in_range", "mean_log_rel_wis"])

    ref = ("ensemble", True, -0.86)
    # 0.02 lower is below the margin of 0.03: the reference stays
    assert bench.decide(table([ref, ("a", True, -0.88)]), "ensemble").startswith("keep")
    # 0.04 lower wins; a lower candidate outside the coverage condition does not count
    res = table([ref, ("a", True, -0.90), ("b", False, -1.20), ("c", True, -0.89)])
    assert bench.decide(res, "ensemble").startswith("a ")
    assert bench.decide(table([ref, ("b", False, -1.20)]), "ensemble").startswith("keep")
