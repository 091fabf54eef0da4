"""Richards (generalised logistic) growth of cumulative cases.

Cumulative cases follow ``C(t) = K * (1 + xi * exp(-r (t - t_m)))**(-1/xi)`` (Richards 1959,
*J Exp Bot* 10:290-300; applied to epidemics by Hsieh & Cheng 2006, *Emerg Infect Dis*
12:122-127, and Chowell 2017, *Infect Dis Model* 2:379-398): final size ``K`` [persons],
growth rate ``r`` [1/day], turning point ``t_m`` [day], shape ``xi`` [-] (``xi = 1`` is the
logistic). The expected daily count is ``C(t) - C(t-1)`` and reported daily counts are
``NB(C(t) - C(t-1), k)``; the parameters are fitted by maximum likelihood on the daily counts
since the start of the series (excluded days, see :mod:`pairaid.forecast.events`, are left
out, so the level shift of the 2020-02-12 definition change does not bias the fit).
Uncertainty: parametric bootstrap from the asymptotic normal law of the estimate
(parameters kept within the fitting bounds), then NB observation noise.
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


def richards_cumulative(t: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """``C(t)`` [persons] for ``theta = (log K, log r, t_m, log xi)``.

    ``theta`` of shape (4,) or (n, 4) gives a result of shape (1, len(t)) or (n, len(t)).
    """
    theta = np.atleast_2d(theta)
    log_k, log_r, t_m, log_xi = theta[:, 0:1], theta[:, 1:2], theta[:, 2:3], theta[:, 3:4]
    xi = np.exp(log_xi)
    z = np.clip(-np.exp(log_r) * (t[None, :] - t_m), -50.0, 50.0)
    return np.asarray(np.exp(log_k - np.log1p(xi * np.exp(z)) / xi))


def richards_daily(t: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Expected daily count ``C(t) - C(t - 1)`` [persons/day] at integer days ``t``.

    Returns shape (1, len(t)) or (n, len(t)) as :func:`richards_cumulative`.
    """
    t = np.asarray(t, dtype=float)
    start = float(t.min())
    grid = np.arange(start - 1.0, float(t.max()) + 1.0)
    cum = richards_cumulative(grid, theta)
    idx = np.rint(t - start).astype(int)
    return np.maximum(np.diff(cum, axis=1)[:, idx], 1e-9)


def _bounds(total: float) -> list[tuple[float, float]]:
    base = np.log(max(total, 1.0))
    return [
        (base, base + np.log(50.0)),  # log K: at least what is already counted
        (np.log(0.01), np.log(1.5)),  # log r
        (-60.0, 90.0),  # t_m [days from origin]
        (np.log(0.05), np.log(10.0)),  # log xi
        _LOG_K_BOUNDS,
    ]


@cached_fit
def fit_richards(t: np.ndarray, y: np.ndarray) -> tuple[MLFit, list[tuple[float, float]]]:
    """ML fit of the Richards model with NB counts.

    A second starting point is tried when the first fit ends on a bound (on the Hubei
    backtest, every case where the second start was better was of that kind).

    Parameters
    ----------
    t : numpy.ndarray
        Day index (0 = origin) [days].
    y : numpy.ndarray
        Daily counts [persons/day].

    Returns
    -------
    fit : MLFit
        Parameters ``(log K, log r, t_m, log xi, log k)``.
    bounds : list of (low, high)
        The bounds used (draws are clipped to them).
    """
    total = float(np.sum(y))
    bounds = _bounds(total)

    def nll(x: np.ndarray) -> float:
        return nb_negloglik(y, richards_daily(t, x[:4])[0], float(np.exp(x[4])))

    def nll_rows(xs: np.ndarray) -> np.ndarray:  # nll of each row, in one call
        return nb_negloglik_rows(y, richards_daily(t, xs[:, :4]), np.exp(xs[:, 4]))

    lo = np.array([b[0] for b in bounds])
    hi = np.array([b[1] for b in bounds])
    best: MLFit | None = None
    for t_m, growth in ((0.0, 0.15), (-10.0, 0.2)):
        x0 = np.array([np.log(max(total, 1.0) * 2.0), np.log(growth), t_m, 0.0, np.log(10.0)])
        fit = fit_ml(nll, np.clip(x0, lo, hi), bounds=bounds, rows=nll_rows)
        if best is None or fit.nll < best.nll:
            best = fit
        at_bound = np.isclose(best.x, lo, atol=1e-3) | np.isclose(best.x, hi, atol=1e-3)
        if not at_bound.any():
            break  # an interior optimum: the second start is only tried from a bound
    assert best is not None
    return best, bounds


def richards_paths(
    series: RegionSeries, horizon: int, rng: np.random.Generator, n_samples: int
) -> np.ndarray:
    """Sample paths of daily new cases from the Richards model.

    Returns an array of shape (n_samples, horizon) [persons/day].
    """
    t, y = series.fit_window(len(series.daily))
    if y.size < 5 or y.sum() <= 0:
        from pairaid.forecast.models.baselines import persistence_paths

        return persistence_paths(series, horizon, rng, n_samples)
    fit, bounds = fit_richards(t, y)
    draws = fit.draw(rng, n_samples)
    lo = np.array([b[0] for b in bounds])
    hi = np.array([b[1] for b in bounds])
    draws = np.clip(draws, lo, hi)
    future = np.arange(1, horizon + 1, dtype=float)
    mu = richards_daily(future, draws[:, :4])
    return sample_nb(rng, mu, np.exp(draws[:, [4]]))
