"""The persistence baseline with widening intervals: the reference of the relative WIS.

The COVID-19 Forecast Hub baseline (``COVIDhub-baseline``; Cramer et al. 2022, *PNAS*
119:e2113561119, doi:10.1073/pnas.2113561119) predicts that the latest observed level
persists (median = last level) and takes its uncertainty from the changes the series itself
showed in the past, symmetrised so that the median stays at the last level; its intervals
widen with the horizon. This module is the daily-data version used by ``pairaid
backtest``:

* **level** ``L_t``: for daily new cases the mean of the last :data:`LEVEL_WINDOW_DAYS`
  known daily counts up to day ``t`` (a single day's count is too noisy a level); for the
  census the census of day ``t``.
* **errors** at horizon ``h``: ``e_t(h) = x_{t+h} - L_t`` for every past day ``t`` with
  ``t + h <= origin`` and both values known (the errors the baseline itself would have made
  at horizon ``h``), symmetrised: ``E_h = {e} ∪ {-e}``.
* **quantiles**: ``q_tau(h) = max(0, L_origin + D_tau(h))`` with ``D_tau(h)`` the linear
  interpolation quantile (type 7, Hyndman & Fan 1996) of ``E_h``, made to widen with the
  horizon: for ``tau > 1/2`` the largest and for ``tau < 1/2`` the smallest value over
  horizons ``1 .. h`` (an empirical ``E_h`` can be narrower than ``E_{h-1}``; the Hub's
  random walk never narrows). With no past error the forecast is a point mass at
  ``L_origin``.

Unlike the Hub's random walk of one-step changes, the ``h``-step errors are taken directly
(same median, same symmetry, no independence assumption between days).
"""

from __future__ import annotations

import numpy as np

#: Days averaged for the level of daily new cases [days] (one week, as the Hub's weekly
#: incidence).
LEVEL_WINDOW_DAYS = 7


def persistence_levels(values: np.ndarray, window: int) -> np.ndarray:
    """Level ``L_t`` for every day: mean of the last ``window`` known values up to ``t``.

    Parameters
    ----------
    values : numpy.ndarray, shape (T,)
        Daily values [persons/day or persons]; NaN = unknown.
    window : int
        Days looked back (``1`` = the value itself) [days].

    Returns
    -------
    numpy.ndarray, shape (T,)
        Levels; NaN where no value is known in the window or the day itself is unknown
        and ``window == 1``.
    """
    x = np.asarray(values, dtype=float)
    out = np.full(x.shape, np.nan)
    for t in range(len(x)):
        recent = x[max(0, t - window + 1) : t + 1]
        recent = recent[np.isfinite(recent)]
        if recent.size:
            out[t] = recent.mean()
    return out


def baseline_quantiles(
    values: np.ndarray, horizons: np.ndarray, levels: np.ndarray, *, window: int
) -> np.ndarray:
    """Quantiles of the persistence baseline at the origin (the last entry of ``values``).

    Parameters
    ----------
    values : numpy.ndarray, shape (T,)
        The series up to and including the origin [persons/day or persons]; NaN =
        unknown (or excluded by the data-event treatment).
    horizons : numpy.ndarray of int, shape (H,)
        Days ahead [days], each >= 1.
    levels : numpy.ndarray, shape (L,)
        Quantile levels in (0, 1), sorted.
    window : int
        Level window (:data:`LEVEL_WINDOW_DAYS` for daily cases, 1 for census) [days].

    Returns
    -------
    numpy.ndarray, shape (L, H)
        Quantiles [same unit as ``values``], non-negative and non-decreasing in the level;
        NaN everywhere if no level is known at the origin.
    """
    x = np.asarray(values, dtype=float)
    lv = np.asarray(levels, dtype=float)
    out = np.full((lv.size, len(horizons)), np.nan)
    if x.size == 0:
        return out
    level = persistence_levels(x, window)
    last = level[-1]
    if not np.isfinite(last):
        return out
    steps = np.arange(1, int(max(horizons, default=0)) + 1)
    spread = np.zeros((lv.size, steps.size))
    for h in steps:
        errors = x[h:] - level[:-h] if h < x.size else np.array([])
        errors = errors[np.isfinite(errors)]
        if errors.size:
            spread[:, h - 1] = np.quantile(np.concatenate([errors, -errors]), lv, method="linear")
    upper = lv > 0.5
    spread[upper] = np.maximum.accumulate(spread[upper], axis=1)
    spread[~upper] = np.minimum.accumulate(spread[~upper], axis=1)
    for j, h in enumerate(horizons):
        out[:, j] = np.maximum(last + spread[:, int(h) - 1], 0.0)
    return np.maximum.accumulate(out, axis=0)
