"""Scores of quantile forecasts: WIS, interval coverage, MAE and MAPE of the median.

References
----------
Bracher J, Ray EL, Gneiting T, Reich NG. Evaluating epidemic forecasts in an interval
format. *PLoS Comput Biol* 2021;17(2):e1008618. doi:10.1371/journal.pcbi.1008618.
Gneiting T, Raftery AE. Strictly proper scoring rules, prediction, and estimation. *J Am
Stat Assoc* 2007;102:359-378 (interval score).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def interval_score(lower: np.ndarray, upper: np.ndarray, y: np.ndarray, alpha: float) -> np.ndarray:
    """Interval score of central (1 - alpha) prediction intervals [persons].

    ``IS_alpha = (u - l) + 2/alpha * (l - y) * 1(y < l) + 2/alpha * (y - u) * 1(y > u)``
    (Gneiting & Raftery 2007, eq. 43; Bracher et al. 2021, eq. 1).

    Parameters
    ----------
    lower, upper : numpy.ndarray
        Interval bounds [persons].
    y : numpy.ndarray
        Observations [persons].
    alpha : float
        1 - nominal coverage, in (0, 1).

    Returns
    -------
    numpy.ndarray
        Score per observation; lower is better.
    """
    lower, upper, y = (np.asarray(a, dtype=float) for a in (lower, upper, y))
    return (
        (upper - lower)
        + 2.0 / alpha * np.maximum(lower - y, 0.0)
        + 2.0 / alpha * np.maximum(y - upper, 0.0)
    )


def weighted_interval_score(levels: np.ndarray, values: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Weighted interval score (WIS) of quantile forecasts [persons].

    ``WIS = 1/(K + 1/2) * (1/2 |y - m| + sum_k alpha_k/2 * IS_{alpha_k})`` over the median
    ``m`` and ``K`` central intervals (Bracher et al. 2021, eq. 3). Computed through the
    identity ``alpha/2 * IS_alpha = rho_{alpha/2}(y, l) + rho_{1 - alpha/2}(y, u)`` and
    ``1/2 |y - m| = rho_{1/2}(y, m)``, with the pinball loss
    ``rho_tau(y, q) = (1(y <= q) - tau)(q - y)``: WIS = sum of pinball losses over the
    ``2K + 1`` levels, divided by ``K + 1/2``.

    Parameters
    ----------
    levels : numpy.ndarray, shape (L,)
        Quantile levels; must be the median plus symmetric pairs (``L = 2K + 1``).
    values : numpy.ndarray, shape (..., L)
        Predictive quantiles [persons].
    y : numpy.ndarray, shape (...)
        Observations [persons].

    Returns
    -------
    numpy.ndarray, shape (...)
        WIS per forecast; lower is better; 0 for a point mass on the observation.

    Raises
    ------
    ValueError
        If the levels are not a median plus symmetric pairs.
    """
    levels = np.asarray(levels, dtype=float)
    if levels.size % 2 != 1 or not np.allclose(np.sort(levels) + np.sort(levels)[::-1], 1.0):
        raise ValueError("WIS needs the median plus symmetric pairs of quantile levels")
    values = np.asarray(values, dtype=float)
    y = np.asarray(y, dtype=float)[..., None]
    pinball = ((y <= values).astype(float) - levels) * (values - y)
    k = (levels.size - 1) / 2
    return np.asarray(pinball.sum(axis=-1) / (k + 0.5))


def interval_coverage(
    levels: np.ndarray, values: np.ndarray, y: np.ndarray, coverage: float
) -> np.ndarray:
    """Whether each observation lies in the central prediction interval (bounds included).

    Parameters
    ----------
    levels : numpy.ndarray, shape (L,)
        Quantile levels; must contain ``(1 - coverage)/2`` and ``(1 + coverage)/2``.
    values : numpy.ndarray, shape (..., L)
        Predictive quantiles [persons].
    y : numpy.ndarray, shape (...)
        Observations [persons].
    coverage : float
        Nominal coverage, e.g. 0.5 or 0.9.

    Returns
    -------
    numpy.ndarray of bool, shape (...)
    """
    lo, hi = _interval_columns(levels, coverage)
    values = np.asarray(values, dtype=float)
    y = np.asarray(y, dtype=float)
    return np.asarray((values[..., lo] <= y) & (y <= values[..., hi]))


def _interval_columns(levels: np.ndarray, coverage: float) -> tuple[int, int]:
    """Positions of the levels ``(1 - coverage)/2`` and ``(1 + coverage)/2``; ValueError if
    either is missing."""
    levels = np.asarray(levels, dtype=float)
    lo = int(np.argmin(np.abs(levels - (1 - coverage) / 2)))
    hi = int(np.argmin(np.abs(levels - (1 + coverage) / 2)))
    if not (
        np.isclose(levels[lo], (1 - coverage) / 2) and np.isclose(levels[hi], (1 + coverage) / 2)
    ):
        raise ValueError(f"levels lack the bounds of the central {coverage:.0%} interval")
    return lo, hi


def count_pit_bounds(
    levels: np.ndarray, values: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Bounds ``P(Y < y)`` and ``P(Y <= y)`` of an integer count under a quantile forecast.

    The forecast's CDF ``F`` is the piecewise-linear interpolation of its quantiles (levels
    against values; 0 below the lowest, 1 above the highest), read as a distribution on
    whole numbers by rounding to the nearest count: ``P(Y <= y) = F(y + 1/2)`` and
    ``P(Y < y) = F(y - 1/2)``. The randomized PIT of Czado, Gneiting & Held (2009) is
    uniform between the two bounds; for a count with no mass (large counts) they coincide.

    Parameters
    ----------
    levels : numpy.ndarray, shape (L,)
        Quantile levels, increasing.
    values : numpy.ndarray, shape (n, L)
        Quantiles [persons], non-decreasing along the row.
    y : numpy.ndarray, shape (n,)
        Observed counts [persons].

    Returns
    -------
    tuple of numpy.ndarray, shape (n,)
        ``(P(Y < y), P(Y <= y))`` [-].

    References
    ----------
    Czado C, Gneiting T, Held L. Predictive model assessment for count data. *Biometrics*
    2009;65:1254-1261. doi:10.1111/j.1541-0420.2009.01191.x.
    """
    lv = np.asarray(levels, dtype=float)
    q = np.atleast_2d(np.asarray(values, dtype=float))
    obs = np.atleast_1d(np.asarray(y, dtype=float))

    def cdf(x: np.ndarray) -> np.ndarray:
        out = np.empty(x.shape)
        for i, (row, v) in enumerate(zip(q, x, strict=True)):
            if v < row[0]:
                out[i] = 0.0
            elif v >= row[-1]:
                out[i] = 1.0 if v > row[-1] else lv[-1]
            else:
                j = int(np.searchsorted(row, v, side="right")) - 1  # last q_j <= v
                out[i] = lv[j] + (lv[j + 1] - lv[j]) * (v - row[j]) / (row[j + 1] - row[j])
        return out

    return cdf(obs - 0.5), cdf(obs + 0.5)


def pit_interval_coverage(
    levels: np.ndarray, values: np.ndarray, y: np.ndarray, coverage: float
) -> np.ndarray:
    """Probability that the randomized PIT of a count falls in the central interval.

    With ``[a, b] = [P(Y < y), P(Y <= y)]`` (:func:`count_pit_bounds`) and the central
    interval ``[(1 - c)/2, (1 + c)/2]`` of levels, the randomized PIT ``U ~ Uniform(a, b)``
    lies in it with probability ``|[a, b] ∩ [(1 - c)/2, (1 + c)/2]| / (b - a)`` (the
    indicator when ``a = b``). For a forecaster calibrated on counts its mean is ``c``
    exactly, also where many observations are 0 — unlike the closed-interval coverage
    (:func:`interval_coverage`, as the Forecast Hubs compute it), which for a calibrated
    forecast with ``P(Y = 0) >= (1 - c)/2`` covers every 0 and so exceeds ``c``.

    Returns
    -------
    numpy.ndarray of float, shape (n,)
        Expected coverage per forecast [-].
    """
    a, b = count_pit_bounds(levels, values, y)
    lo, hi = (1 - coverage) / 2, (1 + coverage) / 2
    width = b - a
    overlap = np.clip(np.minimum(b, hi) - np.maximum(a, lo), 0.0, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(width > 0, overlap / width, ((a >= lo) & (a <= hi)).astype(float))


def expected_interval_coverage(
    levels: np.ndarray, values: np.ndarray, coverage: float
) -> np.ndarray:
    """Closed-interval coverage each forecast expects of itself, on whole numbers.

    The probability, under the forecast's own distribution read on whole numbers as in
    :func:`count_pit_bounds` (``P(Y <= k) = F(k + 1/2)``, ``F`` piecewise linear through
    the quantiles), that a count falls in its closed central interval ``[q_lo, q_hi]``:
    ``F(floor(q_hi) + 1/2) - F(ceil(q_lo) - 1/2)`` (0 if no whole number lies in it). Its
    mean over forecasts is the closed coverage (:func:`interval_coverage`) a forecaster
    calibrated on counts would show: ``coverage`` for large counts, more where 0 is
    likely (a forecast with ``P(Y = 0) >= (1 - coverage)/2`` has ``q_lo = 0`` and covers
    every 0).

    Parameters
    ----------
    levels : numpy.ndarray, shape (L,)
        Quantile levels, increasing; must contain the interval's bounds.
    values : numpy.ndarray, shape (n, L)
        Quantiles [persons], non-decreasing along the row.
    coverage : float
        Nominal coverage, e.g. 0.9.

    Returns
    -------
    numpy.ndarray of float, shape (n,)
        Expected closed coverage per forecast [-]; NaN where a quantile is unknown.

    Raises
    ------
    ValueError
        If ``levels`` lack the interval's bounds.
    """
    lo, hi = _interval_columns(levels, coverage)
    q = np.atleast_2d(np.asarray(values, dtype=float))
    out = np.full(q.shape[0], np.nan)
    ok = np.isfinite(q).all(axis=1)
    first = np.ceil(q[ok, lo])
    last = np.floor(q[ok, hi])
    below_first, _ = count_pit_bounds(levels, q[ok], first)
    _, up_to_last = count_pit_bounds(levels, q[ok], last)
    out[ok] = np.where(last >= first, np.clip(up_to_last - below_first, 0.0, 1.0), 0.0)
    return out


def absolute_error(median: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``|y - median|`` [persons]."""
    return np.abs(np.asarray(y, dtype=float) - np.asarray(median, dtype=float))


def absolute_percentage_error(median: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``|y - median| / |y|`` [-]; NaN where ``y == 0`` (undefined; left out of MAPE)."""
    y = np.asarray(y, dtype=float)
    err = absolute_error(median, y)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(y != 0, err / np.abs(y), np.nan)


def pairwise_relative_wis(
    scores: pd.DataFrame, *, baseline: str, key: Sequence[str]
) -> pd.Series:
    """Relative WIS of each model by the pairwise tournament of Cramer et al. (2022).

    For every pair of models ``(i, j)``, ``theta_ij`` = mean WIS of ``i`` / mean WIS of ``j``
    over the forecasts both made (same ``key``). Each model's score is the geometric mean
    ``theta_i = (prod_j theta_ij)^(1/M)`` over the ``M`` models (``theta_ii = 1``
    included), and its relative WIS is ``theta_i / theta_baseline``. Models are thus
    compared on common forecasts even when some forecasts are missing; when every model made
    every forecast this equals mean WIS / mean WIS of the baseline.

    Parameters
    ----------
    scores : pandas.DataFrame
        One row per scored forecast: ``model`` (str), ``wis`` [persons] and the ``key``
        columns.
    baseline : str
        Model the ratios are relative to.
    key : sequence of str
        Columns that identify a forecast across models (e.g. origin, region, target,
        horizon).

    Returns
    -------
    pandas.Series
        Relative WIS [-] indexed by model; NaN if the baseline is absent. Pairs with no
        common forecast or a zero mean WIS are left out of the geometric mean.

    References
    ----------
    Cramer EY, Ray EL, Lopez VK, et al. Evaluation of individual and ensemble
    probabilistic forecasts of COVID-19 mortality in the United States. *PNAS*
    2022;119(15):e2113561119, doi:10.1073/pnas.2113561119 (Methods, "relative WIS").
    """
    wide = scores.pivot_table(index=list(key), columns="model", values="wis", aggfunc="mean")
    models = list(wide.columns)
    theta = {}
    for i in models:
        logs = []
        for j in models:
            if i == j:
                logs.append(0.0)
                continue
            both = wide[[i, j]].dropna()
            if both.empty:
                continue
            num, den = float(both[i].mean()), float(both[j].mean())
            if num > 0 and den > 0:
                logs.append(np.log(num / den))
        theta[i] = float(np.exp(np.mean(logs))) if logs else np.nan
    out = pd.Series(theta, dtype=float)
    if baseline not in out.index or not np.isfinite(out[baseline]):
        return pd.Series(np.nan, index=out.index, dtype=float)
    return out / out[baseline]
