"""Persistence baseline with widening intervals against hand-computed quantiles."""

from __future__ import annotations

import numpy as np

from pairaid.forecast.baseline import baseline_quantiles, persistence_levels

LEVELS = np.array([0.25, 0.5, 0.75])


def test_baseline_quantiles_of_a_census_like_series_hand_computed():
    x = np.array([10.0, 12.0, 8.0, 14.0, 10.0, 16.0])
    q = baseline_quantiles(x, np.array([1, 2]), LEVELS, window=1)
    # h=1: changes 2, -4, 6, -4, 6 and their negatives; sorted
    # -6 -6 -4 -4 -2 2 4 4 6 6; type-7 quantiles: 0.25 -> -4, 0.5 -> 0, 0.75 -> 4; level 16
    np.testing.assert_allclose(q[:, 0], [12.0, 16.0, 20.0])
    # h=2: changes -2, 2, 2, 2 and negatives: four -2, four 2 -> -2, 0, 2; narrower than at
    # h=1, so the h=1 spread is kept (intervals never narrow)
    np.testing.assert_allclose(q[:, 1], [12.0, 16.0, 20.0])
    y = np.array([0.0, 1.0, 3.0, 4.0, 6.0, 7.0])
    q = baseline_quantiles(y, np.array([1, 2]), LEVELS, window=1)
    # h=1: changes 1 2 1 2 1 and negatives: -2 -2 -1 -1 -1 1 1 1 2 2 -> -1, 0, 1; level 7
    np.testing.assert_allclose(q[:, 0], [6.0, 7.0, 8.0])
    # h=2: changes 3 3 3 3 and negatives -> -3, 0, 3
    np.testing.assert_allclose(q[:, 1], [4.0, 7.0, 10.0])


def test_baseline_level_is_the_mean_of_known_days_in_the_window():
    x = np.array([3.0, np.nan, 6.0, 9.0, 3.0])
    np.testing.assert_allclose(persistence_levels(x, 3), [3.0, 3.0, 4.5, 7.5, 6.0])
    q = baseline_quantiles(x, np.array([1]), LEVELS, window=3)
    # errors x[t+1] - L[t]: (nan), 6 - 3, 9 - 4.5, 3 - 7.5 = 3, 4.5, -4.5; symmetrised and
    # sorted -4.5 -4.5 -3 3 4.5 4.5: 0.25 -> -4.5 + 0.25 * 1.5 = -4.125, 0.5 -> 0,
    # 0.75 -> 4.125; level 6
    np.testing.assert_allclose(q[:, 0], [1.875, 6.0, 10.125])


def test_baseline_is_clipped_at_zero_and_widens_without_history():
    x = np.array([0.0, 10.0, 0.0, 10.0, 0.0])
    q = baseline_quantiles(x, np.array([1]), LEVELS, window=1)
    np.testing.assert_allclose(q[:, 0], [0.0, 0.0, 10.0])
    point = baseline_quantiles(np.array([5.0]), np.array([3]), LEVELS, window=1)
    np.testing.assert_allclose(point[:, 0], [5.0, 5.0, 5.0])
    assert np.isnan(baseline_quantiles(np.array([np.nan]), np.array([1]), LEVELS, window=1)).all()


def test_baseline_intervals_never_narrow_with_the_horizon():
    # 1-day changes are large (+-10), 2-day changes are 0: the 2-day interval keeps the
    # 1-day width instead of collapsing to a point
    x = np.array([0.0, 10.0, 0.0, 10.0, 0.0, 10.0])
    q = baseline_quantiles(x, np.array([1, 2]), LEVELS, window=1)
    np.testing.assert_allclose(q[:, 0], [0.0, 10.0, 20.0])
    np.testing.assert_allclose(q[:, 1], [0.0, 10.0, 20.0])
