"""SEIR model with a time-varying reproduction number R_t and negative-binomial reports.

Compartments (daily steps, counted in reported-case units): exposed ``E``, infectious
``I``; a case is reported when it leaves ``I`` (confirmation and isolation)::

    E[t+1] = E[t] + R_t * gamma * I[t] * S/N - sigma * E[t]
    I[t+1] = I[t] + sigma * E[t] - gamma * I[t]
    y[t]   ~ NB(gamma * I[t], k)

``S/N`` is taken as 1: reported cases in every Hubei division stayed below 1 % of its
population, so depletion of susceptibles does not matter at the forecast horizons (an
assumption; a population could be added without changing the fit). ``1/sigma`` = 5.2 days
(mean incubation period, Li et al. 2020, *N Engl J Med* 382:1199-1207,
doi:10.1056/NEJMoa2001316), ``1/gamma`` = 2.3 days, chosen so that the mean generation time
``1/sigma + 1/gamma`` equals the mean serial interval of 7.5 days of the same paper.

``log R_t`` is piecewise linear between knots every 7 days back from the origin, constant
before the first and after the last knot. The parameters (log initial infectious, log R_t at
each knot, log k) are fitted by penalised maximum likelihood (SLSQP with bounds): a Gaussian
random-walk penalty with sd 0.5 per week on successive knots keeps R_t smooth
(a weak prior; the estimate of R_t on the last knot is mostly informed by the data a
generation time before the origin). Forecasts damp the last ``log R_t`` towards 0
(``R_t`` towards 1) by a factor 0.9 per day (a damped trend, as in
:mod:`pairaid.forecast.models.loglinear`), add a random walk with sd 0.15 per week, draw
the fitted parameters from the Laplace (asymptotic normal) approximation and add NB
observation noise.
"""

from __future__ import annotations

import numpy as np

from pairaid.forecast.events import RegionSeries
from pairaid.forecast.nb import MLFit, cached_fit, fit_ml, nb_negloglik, sample_nb

SIGMA = 1.0 / 5.2
GAMMA = 1.0 / 2.3
KNOT_SPACING_DAYS = 7
RW_SD_PER_WEEK = 0.5
FORECAST_RW_SD_PER_WEEK = 0.15
#: Daily damping of log R_t towards 0 (R towards 1) over the forecast; the same factor as
#: the damped log-linear trend (set a priori, not tuned on the backtest).
R_DAMPING = 0.9
FIT_WINDOW_DAYS = 35
_LOG_K_BOUNDS = (np.log(0.5), np.log(1e4))


def log_rt_path(knot_values: np.ndarray, knot_times: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Piecewise-linear ``log R_t`` at days ``t`` (rows of ``knot_values`` are draws)."""
    kv = np.atleast_2d(knot_values)
    return np.stack([np.interp(t, knot_times, row) for row in kv])


def simulate_reports(
    log_i0: np.ndarray, log_rt: np.ndarray, log_r_first: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run the SEIR recursion.

    Parameters
    ----------
    log_i0 : numpy.ndarray, shape (n,)
        Log of the infectious compartment on the first day [log persons].
    log_rt : numpy.ndarray, shape (n, T)
        ``log R_t`` on each day.
    log_r_first : numpy.ndarray, shape (n,)
        ``log R`` used to set the initial exposed compartment,
        ``E0 = R * gamma / sigma * I0`` (the steady-state ratio).

    Returns
    -------
    reports, e_last, i_last : numpy.ndarray
        Expected reports per day (n, T) [persons/day]; ``E`` and ``I`` after the last day.
    """
    n, days = log_rt.shape
    i = np.exp(log_i0)
    e = np.exp(log_r_first) * GAMMA / SIGMA * i
    rt = np.exp(log_rt)
    out = np.empty((n, days))
    for d in range(days):
        out[:, d] = GAMMA * i
        new_e = rt[:, d] * GAMMA * i
        e, i = e + new_e - SIGMA * e, i + SIGMA * e - GAMMA * i
    return out, e, i


def _knots(first_t: float) -> np.ndarray:
    knots = np.arange(0.0, first_t - 1e-9, -float(KNOT_SPACING_DAYS))[::-1]
    if knots.size < 2:
        knots = np.array([first_t, 0.0])
    return knots


@cached_fit
def fit_seir(t: np.ndarray, y: np.ndarray) -> tuple[MLFit, np.ndarray, float]:
    """Penalised ML fit of the SEIR model to daily counts.

    Parameters
    ----------
    t : numpy.ndarray
        Day index of the observations (0 = origin) [days], increasing, integers.
    y : numpy.ndarray
        Daily counts [persons/day].

    Returns
    -------
    fit : MLFit
        Parameters ``(log I0, log R at each knot..., log k)``.
    knots : numpy.ndarray
        Knot times [days from origin].
    t0 : float
        First simulated day [days from origin].
    """
    t0 = float(t[0])
    days = np.arange(t0, 1.0)
    idx = (t - t0).astype(int)
    knots = _knots(t0)
    nk = knots.size
    penalty_scale = 1.0 / (2.0 * RW_SD_PER_WEEK**2) * (7.0 / KNOT_SPACING_DAYS)

    def nll(x: np.ndarray) -> float:
        log_rt = log_rt_path(x[1 : 1 + nk], knots, days)
        mu, _, _ = simulate_reports(x[:1], log_rt, x[1:2])
        rw = np.diff(x[1 : 1 + nk])
        return nb_negloglik(y, mu[0, idx], float(np.exp(x[-1]))) + penalty_scale * float(
            np.sum(rw**2)
        )

    y0 = max(float(np.mean(y[: min(3, y.size)])), 0.5)
    x0 = np.concatenate([[np.log(y0 / GAMMA)], np.zeros(nk), [np.log(10.0)]])
    bounds = [(-5.0, 16.0)] + [(np.log(0.05), np.log(10.0))] * nk + [_LOG_K_BOUNDS]
    return fit_ml(nll, x0, bounds=bounds), knots, t0


def seir_paths(
    series: RegionSeries, horizon: int, rng: np.random.Generator, n_samples: int
) -> np.ndarray:
    """Sample paths of daily new cases from the SEIR model.

    Returns an array of shape (n_samples, horizon) [persons/day].
    """
    t, y = series.fit_window(FIT_WINDOW_DAYS)
    if y.size < 7 or y.sum() <= 0:
        from pairaid.forecast.models.baselines import persistence_paths

        return persistence_paths(series, horizon, rng, n_samples)
    fit, knots, t0 = fit_seir(t, y)
    nk = knots.size
    draws = fit.draw(rng, n_samples)
    draws[:, 1 : 1 + nk] = np.clip(draws[:, 1 : 1 + nk], np.log(0.05), np.log(10.0))
    days = np.arange(t0, 1.0)
    hist = log_rt_path(draws[:, 1 : 1 + nk], knots, days)
    steps = rng.normal(0.0, FORECAST_RW_SD_PER_WEEK / np.sqrt(7.0), size=(n_samples, horizon))
    damp = R_DAMPING ** np.arange(1, horizon + 1, dtype=float)
    future = draws[:, [nk]] * damp[None, :] + np.cumsum(steps, axis=1)
    log_rt = np.concatenate([hist, future], axis=1)
    mu, _, _ = simulate_reports(draws[:, 0], log_rt, draws[:, 1])
    return sample_nb(rng, mu[:, -horizon:], np.exp(draws[:, [-1]]))
