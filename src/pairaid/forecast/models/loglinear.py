"""Negative-binomial log-linear growth on recent daily cases (and its damped variant).

Model: ``y_t ~ NB(mu_t, k)``, ``log mu_t = a + b t`` over the last ``window`` days
(``t = 0`` at the origin), fitted by maximum likelihood (SLSQP with bounds). Forecast:
``log mu_{h} = a + b * sum_{j=1..h} phi**j`` with damping ``phi`` (``phi = 1`` is plain
exponential extrapolation; ``phi < 1`` is the damped trend of Gardner & McKenzie 1985,
*Manage Sci* 31:1237-1246, doi:10.1287/mnsc.31.10.1237). Uncertainty: parametric bootstrap of
``(a, b, log k)`` from the asymptotic normal distribution of the ML estimate, then NB
observation noise.
"""

from __future__ import annotations

import numpy as np

from pairaid.forecast.events import RegionSeries
from pairaid.forecast.nb import (
    MLFit,
    cached_fit,
    fit_ml,
    nb_negloglik,
    nb_negloglik_rows,
    sample_nb,
)

_LOG_K_BOUNDS = (np.log(0.5), np.log(1e4))
#: Bounds of (a, b, log k): growth rates beyond +-0.5/day (doubling or halving in < 1.4
#: days) are outside anything reported for COVID-19 case counts.
_BOUNDS = [(-7.0, 15.0), (-0.5, 0.5), _LOG_K_BOUNDS]
#: Below this many cases in the window the trend is not identifiable; a flat level is fitted.
MIN_CASES_FOR_TREND = 10


@cached_fit
def fit_loglinear(t: np.ndarray, y: np.ndarray, *, trend: bool = True) -> MLFit:
    """ML fit of ``y ~ NB(exp(a + b t), k)``.

    Parameters
    ----------
    t : numpy.ndarray
        Day index (0 = origin, negative before) [days].
    y : numpy.ndarray
        Daily counts [persons/day], non-negative.
    trend : bool
        Fit the growth rate ``b`` [1/day]; ``False`` fixes ``b = 0`` (flat level).

    Returns
    -------
    MLFit
        Parameters ``(a, b, log k)`` (``b`` present and 0-variance when ``trend=False``).
    """
    mean = max(float(np.mean(y)), 0.01)
    if trend:

        def nll(x: np.ndarray) -> float:
            return nb_negloglik(y, np.exp(x[0] + x[1] * t), float(np.exp(x[2])))

        def nll_rows(xs: np.ndarray) -> np.ndarray:  # nll of each row, in one call
            return nb_negloglik_rows(y, np.exp(xs[:, 0:1] + xs[:, 1:2] * t), np.exp(xs[:, 2]))

        fit = fit_ml(
            nll,
            np.array([np.log(mean), 0.0, np.log(10.0)]),
            bounds=_BOUNDS,
            max_sd=1.5,
            rows=nll_rows,
        )
        return fit

    def nll_flat(x: np.ndarray) -> float:
        return nb_negloglik(y, np.full(y.shape, np.exp(x[0])), float(np.exp(x[1])))

    def nll_flat_rows(xs: np.ndarray) -> np.ndarray:
        mu = np.broadcast_to(np.exp(xs[:, 0:1]), (len(xs), y.size))
        return nb_negloglik_rows(y, mu, np.exp(xs[:, 1]))

    flat = fit_ml(
        nll_flat,
        np.array([np.log(mean), np.log(10.0)]),
        bounds=[(-7.0, 15.0), _LOG_K_BOUNDS],
        max_sd=1.5,
        rows=nll_flat_rows,
    )
    cov = np.zeros((3, 3))
    cov[np.ix_([0, 2], [0, 2])] = flat.cov
    return MLFit(x=np.array([flat.x[0], 0.0, flat.x[1]]), cov=cov, nll=flat.nll)


def loglinear_paths(
    series: RegionSeries,
    horizon: int,
    rng: np.random.Generator,
    n_samples: int,
    *,
    window: int = 14,
    damping: float = 1.0,
    trend: bool = True,
) -> np.ndarray:
    """Sample paths of daily new cases from the NB log-linear model.

    Parameters
    ----------
    series : RegionSeries
        History up to the origin.
    horizon : int
        Days ahead [days].
    rng : numpy.random.Generator
        Random source.
    n_samples : int
        Number of paths.
    window : int
        Fitting window [days].
    damping : float
        Damping factor ``phi`` of the trend per day (1 = undamped).
    trend : bool
        Fit a trend (``False``: flat level, the persistence model).

    Returns
    -------
    numpy.ndarray, shape (n_samples, horizon)
        Daily new confirmed cases [persons/day].

    Notes
    -----
    With fewer than :data:`MIN_CASES_FOR_TREND` cases in the window the growth rate is
    not identifiable and a flat level is fitted instead; draws are kept within the fitting
    bounds.
    """
    t, y = series.fit_window(window)
    if y.size < 3:
        level = (
            float(np.nanmean(series.daily[-window:])) if np.isfinite(series.daily).any() else 0.0
        )
        mu = np.full((n_samples, horizon), max(level, 0.0))
        return sample_nb(rng, mu, 1.0)
    if y.sum() < MIN_CASES_FOR_TREND:
        trend = False
    fit = fit_loglinear(t, y, trend=trend)
    draws = np.clip(fit.draw(rng, n_samples), [b[0] for b in _BOUNDS], [b[1] for b in _BOUNDS])
    steps = np.cumsum(damping ** np.arange(1, horizon + 1, dtype=float))
    log_mu = draws[:, [0]] + draws[:, [1]] * steps[None, :]
    mu = np.exp(np.clip(log_mu, -20.0, 16.0))
    size = np.exp(np.clip(draws[:, [2]], *_LOG_K_BOUNDS))
    return sample_nb(rng, mu, size)
