"""Quantile levels and empirical quantiles of sample paths (pairaid.forecast.quantiles),
worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from pairaid.errors import ConfigError
from pairaid.forecast.quantiles import QUANTILES, check_quantile_levels, quantiles_from_samples


def test_the_hub_levels_are_the_23_of_cramer_et_al():
    # Cramer et al. 2022, Sci Data 9:462: 0.01, 0.025, 0.05, 0.10, ..., 0.95, 0.975, 0.99
    hub = [0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6,
           0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.975, 0.99]
    assert list(QUANTILES) == hub
    assert QUANTILES[11] == 0.5  # the median, exactly


def test_levels_are_returned_sorted_as_floats():
    levels = check_quantile_levels([0.9, 0.1, 0.5])
    assert levels.tolist() == [0.1, 0.5, 0.9]
    assert levels.dtype == np.float64
    assert check_quantile_levels(x for x in [0.25]).tolist() == [0.25]  # any iterable
    # single-precision levels (a float32 array) come back in double precision, as every
    # quantile column name and comparison downstream expects
    half = check_quantile_levels(np.array([0.5, 0.25], dtype=np.float32))
    assert half.dtype == np.float64 and half.tolist() == [0.25, 0.5]


@pytest.mark.parametrize(("levels", "message"), [
    ([], "quantiles: at least one quantile level is required"),
    ([0.0, 0.5], "quantiles: every level must lie strictly in (0, 1), got [0.0, 0.5]"),
    ([0.5, 1.0], "quantiles: every level must lie strictly in (0, 1), got [0.5, 1.0]"),
    ([-0.1], "quantiles: every level must lie strictly in (0, 1), got [-0.1]"),
    ([0.5, 0.2, 0.5], "quantiles: duplicate levels in [0.5, 0.2, 0.5]"),
])
def test_unusable_levels_are_refused_with_what_was_given(levels, message):
    with pytest.raises(ConfigError) as err:
        check_quantile_levels(levels)
    assert str(err.value) == message


def test_levels_just_inside_the_bounds_are_kept():
    assert check_quantile_levels([1e-9, 1 - 1e-9]).tolist() == [1e-9, 1 - 1e-9]


def test_quantiles_interpolate_linearly_between_sorted_samples():
    # 5 samples 0, 10, 20, 30, 40 on day 1 (given unsorted), all 7 on day 2: the level-p
    # quantile sits at position 4 p of the sorted samples (Hyndman & Fan type 7):
    # 0.1 -> 0.4 -> 4; 0.25 -> 1 -> 10; 0.5 -> 2 -> 20; 0.9 -> 3.6 -> 36
    samples = np.array([[30, 7], [0, 7], [40, 7], [10, 7], [20, 7]], dtype=float)
    q = quantiles_from_samples(samples, np.array([0.1, 0.25, 0.5, 0.9]))
    assert q.shape == (4, 2)
    assert q[:, 0] == pytest.approx([4.0, 10.0, 20.0, 36.0], abs=1e-12)
    assert q[:, 1].tolist() == [7.0] * 4


def test_quantiles_never_decrease_with_the_level():
    # a property every caller relies on (interval bounds in order), on tied samples
    rng = np.random.default_rng(3)
    samples = np.round(rng.gamma(2.0, 50.0, size=(1000, 30)), 1)
    q = quantiles_from_samples(samples, np.asarray(QUANTILES))
    assert np.all(np.diff(q, axis=0) >= 0)
    raw = np.quantile(samples, np.asarray(QUANTILES), axis=0)
    assert np.allclose(q, raw, rtol=0, atol=1e-9)  # and they are the empirical ones
