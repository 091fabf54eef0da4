"""Naive baselines: persistence and 7-day exponential extrapolation.

Both are the NB log-linear model of :mod:`pairaid.forecast.models.loglinear` on the last 7
days: persistence fixes the growth rate to 0 (flat at the recent level, as the COVID-19
Forecast Hub baseline keeps the last level; Cramer et al. 2022, *PNAS* 119:e2113561119,
doi:10.1073/pnas.2113561119); exponential extrapolates the fitted 7-day growth rate
undamped. (Exponential was the relative-WIS reference of issue 3; the backtest now uses
:mod:`pairaid.forecast.baseline`.)
"""

from __future__ import annotations

import numpy as np

from pairaid.forecast.events import RegionSeries
from pairaid.forecast.models.loglinear import loglinear_paths

#: Window of both baselines [days].
BASELINE_WINDOW = 7


def persistence_paths(
    series: RegionSeries, horizon: int, rng: np.random.Generator, n_samples: int
) -> np.ndarray:
    """Flat forecast at the NB-fitted mean of the last 7 days [persons/day].

    Returns an array of shape (n_samples, horizon).
    """
    return loglinear_paths(
        series, horizon, rng, n_samples, window=BASELINE_WINDOW, damping=1.0, trend=False
    )


def exponential_paths(
    series: RegionSeries, horizon: int, rng: np.random.Generator, n_samples: int
) -> np.ndarray:
    """Undamped exponential extrapolation of the last 7 days [persons/day].

    Returns an array of shape (n_samples, horizon).
    """
    return loglinear_paths(
        series, horizon, rng, n_samples, window=BASELINE_WINDOW, damping=1.0, trend=True
    )
