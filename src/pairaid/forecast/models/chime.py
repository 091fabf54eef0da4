"""CHIME-style SIR driven by the doubling time: the reference planners already know.

CHIME (COVID-19 Hospital Impact Model for Epidemics; Weissman et al. 2020, *Ann Intern Med*
173:21-28, doi:10.7326/M20-1260) turns a doubling time ``T_d`` into an SIR model: intrinsic
growth rate ``g = 2**(1/T_d) - 1`` [1/day], recovery rate ``gamma = 1/14`` [1/day] (CHIME's
default of 14 infectious days), ``beta = (g + gamma) / S0``, then runs
``S' = -beta S I``, ``I' = beta S I - gamma I`` in daily steps. As CHIME users did, the doubling
time comes from the cumulative case count: the slope of ``log C`` over the last 7 days
(least squares), with its standard error as the uncertainty of ``g``. New infections
``beta S I`` are scaled to match the mean daily count of the last 7 days (centred 3 days
before the origin), and NB observation noise (size fitted to the last 7 days) is added.
``S/N`` is 1 unless a population is given (case counts were far below the population).
"""

from __future__ import annotations

import numpy as np

from pairaid.forecast.events import RegionSeries
from pairaid.forecast.models.loglinear import fit_loglinear
from pairaid.forecast.nb import sample_nb

#: CHIME default infectious period [days] (Weissman et al. 2020, CHIME v1 defaults).
CHIME_INFECTIOUS_DAYS = 14.0
WINDOW = 7


def doubling_time_growth(cumulative: np.ndarray) -> tuple[float, float]:
    """Daily growth of cumulative cases and its standard error from the last 7 days.

    Parameters
    ----------
    cumulative : numpy.ndarray
        Cumulative counts up to the origin [persons]; NaN/non-positive entries are skipped.

    Returns
    -------
    rate, se : float
        Least-squares slope of ``log C`` [1/day] and its standard error. The doubling time
        is ``ln 2 / rate``.
    """
    c = cumulative[-WINDOW:]
    t = np.arange(-len(c) + 1, 1, dtype=float)
    ok = np.isfinite(c) & (c > 0)
    if ok.sum() < 3:
        return 0.0, 0.0
    t, logc = t[ok], np.log(c[ok])
    slope, intercept = np.polyfit(t, logc, 1)
    resid = logc - (slope * t + intercept)
    se = float(np.sqrt(np.sum(resid**2) / max(t.size - 2, 1) / np.sum((t - t.mean()) ** 2)))
    return float(slope), se


def chime_paths(
    series: RegionSeries,
    horizon: int,
    rng: np.random.Generator,
    n_samples: int,
    *,
    population: float | None = None,
) -> np.ndarray:
    """Sample paths of daily new cases from the CHIME-style SIR.

    Returns an array of shape (n_samples, horizon) [persons/day].
    """
    rate, se = doubling_time_growth(series.cumulative)
    t, y = series.fit_window(WINDOW)
    level = float(np.mean(y)) if y.size else 0.0
    size = float(np.exp(fit_loglinear(t, y, trend=False).x[2])) if y.size >= 3 else 1.0
    rates = rng.normal(rate, se, size=n_samples)
    # a cumulative log-slope r corresponds to T_d = ln2 / r and g = 2**(1/T_d) - 1
    g = np.expm1(np.maximum(rates, -0.5))
    gamma = 1.0 / CHIME_INFECTIOUS_DAYS
    n_pop = np.inf if population is None else float(population)
    # infections in reported units; I chosen so that new infections at the window centre
    # equal the recent mean daily count
    beta = g + gamma  # times S0/N = 1
    i = level / beta  # on day -3, the centre of the 7-day window
    s = np.full(n_samples, n_pop)
    out = np.empty((n_samples, horizon))
    for day in range(-3, horizon + 1):
        frac = 1.0 if np.isinf(n_pop) else s / n_pop
        new = beta * frac * i
        if day >= 1:
            out[:, day - 1] = new
        if not np.isinf(n_pop):
            s = np.maximum(s - new, 0.0)
        i = i + new - gamma * i
    return sample_nb(rng, out, size)
