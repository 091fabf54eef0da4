"""WIS, coverage, MAE and MAPE against values computed by hand."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from pairaid.forecast.quantiles import QUANTILES
from pairaid.forecast.scoring import (
    absolute_percentage_error,
    count_pit_bounds,
    expected_interval_coverage,
    interval_coverage,
    interval_score,
    pairwise_relative_wis,
    pit_interval_coverage,
    weighted_interval_score,
)

LEVELS3 = np.array([0.25, 0.5, 0.75])
LEVELS5 = np.array([0.05, 0.25, 0.5, 0.75, 0.95])


def test_interval_score_hand_computed():
    # width 4, y 1 above the upper bound, alpha 0.5: 4 + 2/0.5 * 1 = 8
    assert interval_score(np.array([2.0]), np.array([6.0]), np.array([7.0]), 0.5)[0] == 8.0
    # below the lower bound by 2, alpha 0.1: 10 + 20 * 2 = 50
    assert interval_score(np.array([0.0]), np.array([10.0]), np.array([-2.0]), 0.1)[0] == 50.0


def test_wis_one_interval_hand_computed():
    q = np.array([[2.0, 4.0, 6.0], [2.0, 4.0, 6.0]])
    y = np.array([7.0, 4.0])
    # y=7: (1/2*|7-4| + 0.5/2 * IS_0.5) / (1 + 1/2) = (1.5 + 0.25*8) / 1.5 = 7/3
    # y=4: (0 + 0.25 * 4) / 1.5 = 2/3
    np.testing.assert_allclose(weighted_interval_score(LEVELS3, q, y), [7 / 3, 2 / 3])


def test_wis_two_intervals_hand_computed():
    q = np.array([0.0, 2.0, 4.0, 6.0, 10.0])
    # y=11: 1/2*7 = 3.5; 0.25*IS_0.5 = 0.25*(4 + 4*5) = 6; 0.05*IS_0.1 = 0.05*(10 + 20*1) = 1.5
    # (3.5 + 6 + 1.5) / 2.5 = 4.4
    assert weighted_interval_score(LEVELS5, q, np.array(11.0)) == pytest.approx(4.4)


def test_wis_of_point_mass_is_absolute_error():
    """A forecast with all quantiles equal to m scores |y - m| (Bracher et al. 2021, sec. 2)."""
    q = np.full(5, 3.0)
    assert weighted_interval_score(LEVELS5, q, np.array(8.0)) == pytest.approx(5.0)


def test_wis_rejects_asymmetric_levels():
    with pytest.raises(ValueError, match="symmetric"):
        weighted_interval_score(np.array([0.1, 0.5, 0.8]), np.zeros(3), np.array(1.0))


def test_coverage_hand_computed():
    q = np.array([[0.0, 2.0, 4.0, 6.0, 10.0]] * 4)
    y = np.array([1.0, 2.0, 10.0, 11.0])
    np.testing.assert_array_equal(
        interval_coverage(LEVELS5, q, y, 0.5), [False, True, False, False]
    )
    np.testing.assert_array_equal(interval_coverage(LEVELS5, q, y, 0.9), [True, True, True, False])
    with pytest.raises(ValueError, match="80"):
        interval_coverage(LEVELS5, q, y, 0.8)


def test_mape_skips_zero_observations():
    ape = absolute_percentage_error(np.array([5.0, 1.0]), np.array([10.0, 0.0]))
    assert ape[0] == 0.5 and np.isnan(ape[1])


def test_pairwise_relative_wis_three_models_two_forecasts_hand_computed():
    # WIS of forecasts f1, f2: A = (2, 4), B = (1, missing), C = (4, 2); baseline C.
    # theta_AB = 2/1 (common f1), theta_AC = 3/3, so theta_A = (1 * 2 * 1)^(1/3) = 2^(1/3)
    # theta_BA = 1/2, theta_BC = 1/4, theta_B = (1/2 * 1 * 1/4)^(1/3) = 1/2
    # theta_CA = 1, theta_CB = 4, theta_C = 4^(1/3)
    # relative: A = 2^(1/3) / 4^(1/3) = 2^(-1/3); B = (1/2) / 4^(1/3) = 2^(-5/3); C = 1
    scores = pd.DataFrame(
        {
            "model": ["A", "A", "B", "C", "C"],
            "forecast": ["f1", "f2", "f1", "f1", "f2"],
            "wis": [2.0, 4.0, 1.0, 4.0, 2.0],
        }
    )
    rel = pairwise_relative_wis(scores, baseline="C", key=["forecast"])
    assert rel["A"] == pytest.approx(2 ** (-1 / 3))
    assert rel["B"] == pytest.approx(2 ** (-5 / 3))  # not 1/3: B is compared on f1 only
    # (C's own relative WIS is 1 by definition: not a check)


def test_pairwise_relative_wis_equals_ratio_of_means_when_all_forecasts_are_common():
    scores = pd.DataFrame(
        {"model": ["A", "A", "B", "B"], "forecast": [1, 2, 1, 2], "wis": [1.0, 5.0, 2.0, 2.0]}
    )
    rel = pairwise_relative_wis(scores, baseline="B", key=["forecast"])
    assert rel["A"] == pytest.approx(3.0 / 2.0)
    assert pairwise_relative_wis(scores, baseline="Z", key=["forecast"]).isna().all()


def test_count_pit_bounds_hand_computed():
    levels = np.array([0.25, 0.5, 0.75])
    # quantiles 0, 0, 4: F(x) = 0.5 on [0, 4), linear from 0.5 to 0.75 over [0, 4] above
    # the tie: F(0.5) = 0.5 + 0.25 * 0.5 / 4 = 0.53125; P(Y < 0) = F(-0.5) = 0
    a, b = count_pit_bounds(levels, np.array([[0.0, 0.0, 4.0]]), np.array([0.0]))
    np.testing.assert_allclose([a[0], b[0]], [0.0, 0.53125])
    # central 50 % interval [0.25, 0.75]: (0.53125 - 0.25) / 0.53125 of the PIT range
    got = pit_interval_coverage(levels, np.array([[0.0, 0.0, 4.0]]), np.array([0.0]), 0.5)
    np.testing.assert_allclose(got, [0.28125 / 0.53125])
    # a large count between quantiles: a = b (no mass at one count), inside -> 1
    big = np.array([[100.0, 200.0, 300.0]])
    np.testing.assert_allclose(pit_interval_coverage(levels, big, np.array([150.0]), 0.5), [1])
    np.testing.assert_allclose(pit_interval_coverage(levels, big, np.array([350.0]), 0.5), [0])


def test_pit_coverage_of_a_calibrated_count_forecaster_is_nominal_where_closed_is_not():
    # Poisson(0.8) truth, forecast = its exact quantiles: P(Y = 0) = 0.45, so the closed
    # 90 % interval [0, q0.95] covers P(Y <= q0.95) >= 0.95; the PIT coverage is 0.9
    from scipy import stats

    levels = np.asarray(QUANTILES)
    rng = np.random.default_rng(0)
    y = rng.poisson(0.8, 20000).astype(float)
    q = np.tile(stats.poisson.ppf(levels, 0.8), (y.size, 1))
    closed = interval_coverage(levels, q, y, 0.9).mean()
    assert closed > 0.95
    # read as a distribution on counts by rounding, the piecewise-linear CDF of the
    # quantiles puts mass ~ P(Y = k) on each k: the randomized PIT is close to uniform
    pit = pit_interval_coverage(levels, q, y, 0.9).mean()
    assert abs(pit - 0.9) < 0.03


def test_expected_closed_coverage_by_hand_and_for_large_and_likely_zero_counts():
    levels = np.array([0.05, 0.5, 0.95])
    # quantiles 0.2, 2, 3.6: whole numbers 1..3 lie in the closed interval;
    # F(0.5) = 0.05 + 0.45 * 0.3 / 1.8 = 0.125, F(3.5) = 0.5 + 0.45 * 1.5 / 1.6 = 0.921875
    got = expected_interval_coverage(levels, np.array([[0.2, 2.0, 3.6]]), 0.9)
    np.testing.assert_allclose(got, [0.921875 - 0.125])
    # no whole number inside (0.2 .. 0.8): nothing can be covered
    np.testing.assert_allclose(
        expected_interval_coverage(levels, np.array([[0.2, 0.5, 0.8]]), 0.9), [0.0])
    hub = np.asarray(QUANTILES)
    from scipy import stats

    # a large count: the closed interval holds its nominal 0.9 (up to the mass of a count
    # at either end, rounding to whole numbers)
    big = stats.norm.ppf(hub, loc=10_000, scale=1_000)[None, :]
    assert abs(expected_interval_coverage(hub, big, 0.9)[0] - 0.9) < 0.001
    # a likely 0 (P(Y = 0) >= 0.05: q0.05 = 0): the interval covers every 0, so a
    # calibrated forecaster's closed coverage exceeds 0.9; it equals the closed coverage
    # of draws from the forecast as read on whole numbers (F(k + 1/2) - F(k - 1/2))
    poisson = stats.poisson.ppf(hub, 0.8)[None, :]
    expect = expected_interval_coverage(hub, poisson, 0.9)[0]
    assert expect > 0.95
    k = np.arange(0, 20, dtype=float)
    below, upto = count_pit_bounds(hub, np.tile(poisson, (k.size, 1)), k)
    inside = interval_coverage(hub, np.tile(poisson, (k.size, 1)), k, 0.9)
    assert expect == pytest.approx(float(((upto - below) * inside).sum()))


def test_scores_by_hand_on_unsigned_counts_and_messages():
    """Counts may come as unsigned integers: the interval score is computed in floats (no
    wrap-around of lower − y). Errors say what is wrong in the words of the docs."""
    from pairaid.forecast.scoring import interval_score

    u = np.uint64
    # lower 2, upper 4, y 5, alpha 0.5: width 2 + 2/0.5 x (5 - 4) = 6
    got = interval_score(np.array([2], u), np.array([4], u), np.array([5], u), 0.5)
    assert got.tolist() == [6.0]
    got = interval_score(np.array([6], u), np.array([8], u), np.array([5], u), 0.5)
    assert got.tolist() == [2.0 + 4.0 * 1]
    with pytest.raises(ValueError, match="^WIS needs the median plus symmetric pairs"):
        weighted_interval_score(np.array([0.1, 0.5, 0.8]), np.zeros(3), np.array(1.0))


def test_coverage_picks_the_exact_interval_bounds():
    """An 80 % interval among nine levels is 0.1-0.9 (not the nearest of another rule); a
    level set without the upper bound of the interval is refused."""
    levels = np.array([0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975])
    values = np.arange(1.0, 10.0)  # q0.1 = 3, q0.9 = 7
    y = np.array([2.5, 3.0, 7.0, 7.5])
    got = interval_coverage(levels, np.tile(values, (4, 1)), y, 0.8)
    assert got.tolist() == [False, True, True, False]
    with pytest.raises(ValueError, match="central 90% interval"):
        interval_coverage(np.array([0.05, 0.25, 0.5, 0.7]), np.zeros(4), np.array(1.0), 0.9)


def test_pairwise_relative_wis_with_partial_overlap_by_hand():
    """A made f1, f2; the baseline C only f1; D only f2 (C and D share nothing).
    theta_AC = 2/4, theta_AD = 6/3: theta_A = (1 x 1/2 x 2)^(1/3) = 1;
    theta_CA = 2: theta_C = (2 x 1)^(1/2) = sqrt 2 (no pair with D);
    theta_DA = 1/2: theta_D = (1/2 x 1)^(1/2) = 1/sqrt 2.
    Relative to C: A = 1/sqrt 2, D = 1/2, C = 1."""
    scores = pd.DataFrame({"model": ["A", "A", "C", "D"], "forecast": ["f1", "f2", "f1", "f2"],
                           "wis": [2.0, 6.0, 4.0, 3.0]})
    rel = pairwise_relative_wis(scores, baseline="C", key=["forecast"])
    assert rel["A"] == pytest.approx(2 ** -0.5)
    assert rel["D"] == pytest.approx(0.5)


def test_pairwise_relative_wis_leaves_out_zero_means_and_keeps_models_without_baseline():
    """Z scored 0 (a perfect forecast): its pairs are left out, so theta_A = (1 x 2/4)^(1/2),
    theta_B = (4/2 x 1)^(1/2), theta_Z = 1 (only its own pair): relative to B, A = 1/2 and
    Z = 1/sqrt 2. Without the baseline every model is NaN, each under its name."""
    scores = pd.DataFrame({"model": ["A", "B", "Z"], "forecast": ["f1"] * 3,
                           "wis": [2.0, 4.0, 0.0]})
    rel = pairwise_relative_wis(scores, baseline="B", key=["forecast"])
    assert rel["A"] == pytest.approx(0.5) and rel["Z"] == pytest.approx(2 ** -0.5)
    none = pairwise_relative_wis(scores, baseline="Y", key=["forecast"])
    assert sorted(none.index) == ["A", "B", "Z"] and none.isna().all()


def test_count_pit_bounds_at_the_ends_and_ties_by_hand():
    # F interpolates (2, 0.25), (4, 0.5), (6, 0.75); 0 below 2, 1 above 6, 0.75 at 6
    levels = np.array([0.25, 0.5, 0.75])
    values = np.tile([2.0, 4.0, 6.0], (4, 1))
    y = np.array([2.5, 5.5, 6.5, 1.0])
    a, b = count_pit_bounds(levels, values, y)
    # y = 2.5: F(2) = 0.25 (at the lowest quantile, not below it), F(3) = 0.375;
    # y = 5.5: F(5) = 0.625, F(6) = 0.75 (at the highest); y = 6.5: F(6), F(7) = 1;
    # y = 1: F(0.5) = F(1.5) = 0
    np.testing.assert_allclose(a, [0.25, 0.625, 0.75, 0.0])
    np.testing.assert_allclose(b, [0.375, 0.75, 1.0, 0.0])
    # tied quantiles 4, 4 at levels 0.4, 0.6: F jumps to 0.6 at 4 (the last level whose
    # quantile is <= 4), then rises to 0.8 at 6
    a, b = count_pit_bounds(np.array([0.2, 0.4, 0.6, 0.8]), np.array([[2.0, 4.0, 4.0, 6.0]]),
                            np.array([4.5]))
    np.testing.assert_allclose([a[0], b[0]], [0.6, 0.7])
    # one row per forecast: each observation is read against its own quantiles
    a, b = count_pit_bounds(levels, np.array([[2.0, 4.0, 6.0], [12.0, 14.0, 16.0]]),
                            np.array([4.0, 4.0]))
    np.testing.assert_allclose(a, [0.4375, 0.0])
    np.testing.assert_allclose(b, [0.5625, 0.0])


def test_pit_interval_coverage_by_hand():
    levels = np.array([0.25, 0.5, 0.75])
    values = np.array([[2.0, 4.0, 6.0]])
    # y = 4: PIT range [F(3.5), F(4.5)] = [0.4375, 0.5625]; the central 10 % interval
    # [0.45, 0.55] holds 0.1 / 0.125 = 0.8 of it, the central 50 % all of it
    np.testing.assert_allclose(pit_interval_coverage(levels, values, np.array([4.0]), 0.1),
                               [0.8])
    np.testing.assert_allclose(pit_interval_coverage(levels, values, np.array([4.0]), 0.5),
                               [1.0])
    # y = 2.5: [0.25, 0.375] against [0.45, 0.55]: no overlap
    np.testing.assert_allclose(pit_interval_coverage(levels, values, np.array([2.5]), 0.1),
                               [0.0])
    # the whole interval (coverage 1) holds every PIT, also a point mass at 0 or 1
    far = np.tile(values, (3, 1))
    np.testing.assert_allclose(
        pit_interval_coverage(levels, far, np.array([-10.0, 4.0, 50.0]), 1.0), [1, 1, 1])
    # a point mass at 0 lies outside the central 50 % interval [0.25, 0.75]
    np.testing.assert_allclose(
        pit_interval_coverage(levels, far, np.array([-10.0, 4.0, 50.0]), 0.5), [0, 1, 0])


def test_count_pit_bounds_refuse_fewer_forecasts_than_observations():
    # one row of quantiles for two observations: refused, not read for the first only
    with pytest.raises(ValueError):
        count_pit_bounds(np.array([0.25, 0.5, 0.75]), np.array([[2.0, 4.0, 6.0]]),
                         np.array([3.0, 5.0]))


def test_undefined_ratios_are_set_by_rule_without_a_numpy_warning():
    """MAPE of a zero observation (|1 - 0| / 0 and 0 / 0) is NaN and the PIT coverage of a
    point mass (width 0) is the indicator, both by rule: no RuntimeWarning reaches the
    planner's terminal."""
    levels = np.array([0.25, 0.5, 0.75])
    values = np.tile([2.0, 4.0, 6.0], (2, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ape = absolute_percentage_error(np.array([1.0, 0.0, 2.0]), np.array([0.0, 0.0, 4.0]))
        cov = pit_interval_coverage(levels, values, np.array([-10.0, 50.0]), 0.5)
    assert np.isnan(ape[:2]).all() and ape[2] == 0.5
    assert cov.tolist() == [0.0, 0.0]
