"""Length of stay estimated from a region's own discharges, with its uncertainty.

Where a region reports recovered and deaths, the patients who left hospital on day ``t``
are ``removals(t) = census(t-1) + admissions(t) - census(t)`` (discharges + deaths;
census = confirmed - deaths - recovered, admissions = new confirmed, see
:mod:`pairaid.forecast.census`). Over the last :data:`DISCHARGE_WINDOW_DAYS` days the census
of the first day is projected forward with the observed admissions for every gamma
length-of-stay (LOS) distribution on a grid of means and shapes (the patients present leave
as their admission cohorts would, :func:`pairaid.forecast.census.project_census`); the
projected removals are compared with the observed ones through a negative-binomial
likelihood (size profiled over :data:`NB_SIZES`; discharges come in batches). With a
log-normal prior around the literature distribution (Rees et al. 2020; sd
:data:`PRIOR_LOG_SD_MEAN` on the mean, :data:`PRIOR_LOG_SD_SHAPE` on the shape) this gives a
posterior over the grid; forecast paths draw their LOS from it.

Every day of removals up to the window counts, however few: the posterior is as wide as
the data leave it. Where the data cannot say (fewer than :data:`MIN_REMOVALS` removals, or
no day of removals: fewer than :data:`MIN_KNOWN_DAYS` consecutive days with a known census
up to the origin) the literature
distribution is used with a fixed spread of its mean (sd of log mean
:data:`pairaid.forecast.census.LOS_DRAW_LOG_SD`), and the fit says so (``from_data =
False``).

**Calendar trend of the hazard.** Discharge rates in 2020 changed with the calendar, not
only with the age of the cohorts (wards emptied, discharge criteria changed): summed over the
30 provinces outside Hubei, a LOS fitted without a trend projected 10-15 % fewer removals
than were observed from 2020-02-10 on, and the census 8-14 days ahead ran 20-48 % too high
at the origins 02-16 ... 02-28 (``benchmarks/census_removals.py --regions donors``). So every
patient's discharge hazard on day ``t`` of the window is multiplied by
``exp(beta (t - origin))``, the grouped-data proportional-hazards model (Prentice & Gloeckler
1978, *Biometrics* 34:57-67: the probability of staying through a day is the baseline's
raised to ``exp(beta z)``, here with calendar time as the covariate ``z``), with
``beta`` on :data:`TREND_GRID` under a normal prior of sd :data:`PRIOR_SD_TREND`. The LOS of
the grid then describes the hazard *at the origin* (a fit without trend describes its
average over the window, about a week stale when discharges speed up). Forecasts continue
each path group's trend as far ahead as the window it was fitted on, then hold it
(:meth:`LosPosterior.multiplier`): the uncertainty of ``beta`` then widens the census
intervals with the horizon. Chosen on Hubei (the tuning set) before the held-out provinces
were scored: with the observed admissions, the 90 % posterior interval of the census
projected 7 and 14 days ahead covered 0.77 / 0.82 of the Hubei divisions' outcomes without a
trend, 0.79 / 0.83 with the trend fitted and held at the origin's level, 0.83 / 0.89 with it
continued (``benchmarks/census_removals.py --trend``).

This is a discrete-grid Bayesian fit (no optimiser): the grid covers means of 3-60 days,
shapes of 1-30 (coefficient of variation 1 to 0.18) and trends of +-3 prior sd; the posterior
is exact on the grid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from pairaid.forecast.census import LOS_DRAW_LOG_SD, LengthOfStay, multiplied_shares
from pairaid.forecast.nb import cached_fit, nb_negloglik_rows

#: Days of removals the LOS is fitted to [days].
DISCHARGE_WINDOW_DAYS = 14
#: Fewest consecutive days with a known census (ending at the origin) to fit [days]: two,
#: i.e. one day of removals. How much the removals say is weighed by the likelihood (and
#: :data:`MIN_REMOVALS`), not by a count of days: with 8 days required, every Hubei city
#: fell back to the literature LOS until 02-13 (city recovered counts are known from 02-06)
#: and its census forecast from 02-07/02-10 removed patients about 1.7x as fast as observed.
MIN_KNOWN_DAYS = 2
#: Fewest removals (discharges + deaths) in the window to fit [persons].
MIN_REMOVALS = 10
#: Prior sd of log(LOS mean) and log(LOS shape) around the literature values [-]; wide (the
#: study medians in China ranged 4-53 days, Rees et al. 2020).
PRIOR_LOG_SD_MEAN = 0.7
PRIOR_LOG_SD_SHAPE = 1.0
#: NB size values profiled in the removal likelihood [-].
NB_SIZES = (2.0, 5.0, 10.0, 30.0, 100.0, 1000.0)
MEAN_GRID = np.geomspace(3.0, 60.0, 25)
SHAPE_GRID = np.geomspace(1.0, 30.0, 10)
#: Prior sd of the calendar trend of the discharge hazard [1/day]: log(2)/14, one sd
#: doubles or halves the hazard over the 14-day window. Weakly informative, our choice
#: (not fitted to any outcome).
PRIOR_SD_TREND = float(np.log(2.0) / 14.0)
#: Trends on the grid [1/day]: +-3 prior sd.
TREND_GRID = np.linspace(-3.0, 3.0, 13) * PRIOR_SD_TREND


@dataclass(frozen=True)
class LosPosterior:
    """Posterior over gamma LOS distributions on a grid.

    Attributes
    ----------
    means : numpy.ndarray
        LOS means of the grid points [days].
    shapes : numpy.ndarray
        Gamma shapes of the grid points [-].
    weights : numpy.ndarray
        Posterior probabilities (sum 1) [-].
    from_data : bool
        True if fitted to the region's removals; False if the literature distribution was
        used because the data could not say.
    nb_size : float or None
        NB size ``k`` of daily removals at the posterior mode (discharges come in batches:
        ``var = mu + mu**2 / k``) [-]; None for the literature fallback.
    trends : numpy.ndarray or None
        Calendar trend of the discharge hazard of the grid points [1/day]; None = 0.
    window_days : int
        Days of removals the fit saw [days] (0 for the literature fallback).
    """

    means: np.ndarray
    shapes: np.ndarray
    weights: np.ndarray
    from_data: bool
    nb_size: float | None = None
    trends: np.ndarray | None = None
    window_days: int = 0

    @property
    def mean_days(self) -> float:
        """Posterior mean of the LOS mean [days]."""
        return float(np.sum(self.weights * self.means))

    def trend_of(self, i: int) -> float:
        """Calendar trend of the hazard of grid point ``i`` [1/day] (0 without one)."""
        return 0.0 if self.trends is None else float(self.trends[i])

    def multiplier(self, trend: float, horizon: int) -> np.ndarray | None:
        """Hazard multiplier on days origin+1 .. origin+``horizon`` for a calendar trend
        [-]: ``exp(trend * min(h, window_days))``, the trend continued as far ahead as the
        window it was fitted on, then held; None if ``trend`` is 0."""
        if trend == 0.0:
            return None
        return np.exp(trend * np.minimum(np.arange(1, horizon + 1), self.window_days))

    def draws(self, rng: np.random.Generator, n: int) -> list[tuple[LengthOfStay, float]]:
        """:meth:`groups` with each group's calendar trend of the hazard [1/day]."""
        if not self.from_data and self.weights.size == n:
            idx = np.arange(n)
        else:
            keys = (self.shapes, self.means) if self.trends is None else (
                self.trends, self.shapes, self.means)
            order = np.lexsort(keys)
            cdf = np.cumsum(self.weights[order])
            u = (rng.random() + np.arange(n)) / n * cdf[-1]
            idx = order[np.minimum(np.searchsorted(cdf, u, side="right"), order.size - 1)]
        return [(LengthOfStay(float(self.means[i]), float(self.shapes[i])),
                 self.trend_of(int(i))) for i in idx]

    def groups(self, rng: np.random.Generator, n: int) -> list[LengthOfStay]:
        """``n`` LOS distributions for ``n`` groups of paths: drawn from the posterior
        (via ``rng``) when fitted, the ``n`` fixed grid points of the literature fallback
        otherwise.

        Notes
        -----
        The draw is systematic resampling (Kitagawa 1996, *J Comput Graph Stat* 5:1-25):
        one uniform ``u``, the points at cumulative weight ``(u + i) / n`` of the grid
        ordered by LOS mean then shape. Each grid point is drawn ``floor`` or ``ceil`` of
        ``n`` times its weight, as unbiased as ``n`` independent draws but with far less
        Monte Carlo error over only ``n = 8`` groups.
        """
        return [los for los, _ in self.draws(rng, n)]


def literature_posterior(prior: LengthOfStay, n_groups: int = 8) -> LosPosterior:
    """The literature distribution with a log-normal spread of its mean (not data-based)."""
    levels = (np.arange(n_groups) + 0.5) / n_groups
    means = prior.mean_days * np.exp(LOS_DRAW_LOG_SD * special.ndtri(levels))
    return LosPosterior(
        means=means,
        shapes=np.full(n_groups, prior.shape),
        weights=np.full(n_groups, 1.0 / n_groups),
        from_data=False,
    )


def observed_removals(admissions: np.ndarray, census: np.ndarray) -> np.ndarray:
    """``census(t-1) + admissions(t) - census(t)`` [persons/day]; NaN on the first day or
    where a census is unknown."""
    out = np.full(len(census), np.nan)
    out[1:] = census[:-1] + admissions[1:] - census[1:]
    return out


def fit_los_posterior(
    admissions: np.ndarray,
    census: np.ndarray,
    *,
    prior: LengthOfStay,
    window: int = DISCHARGE_WINDOW_DAYS,
    trend: bool = True,
) -> LosPosterior:
    """Posterior over gamma LOS distributions from the region's recent removals.

    Parameters
    ----------
    admissions : numpy.ndarray, shape (T,)
        Admissions per day up to the origin [persons/day]
        (:func:`pairaid.forecast.events.admissions_for_census`).
    census : numpy.ndarray, shape (T,)
        Observed census per day [persons]; NaN = unknown.
    prior : LengthOfStay
        Literature distribution (prior centre, and the fallback).
    window : int
        Days of removals used [days]; fewer if the census is known on fewer days.
    trend : bool
        Fit a calendar trend of the discharge hazard (:data:`TREND_GRID`); False: a
        hazard constant in calendar time (the fit before issue 11's third round).

    Returns
    -------
    LosPosterior
        Fitted to the data (``from_data``) or the literature fallback.
    """
    return _fit(
        np.asarray(admissions, dtype=float),
        np.asarray(census, dtype=float),
        prior_mean=float(prior.mean_days),
        prior_shape=float(prior.shape),
        window=int(window),
        trends=TREND_GRID if trend else np.zeros(1),
    )


@cached_fit
def _fit(
    admissions: np.ndarray,
    census: np.ndarray,
    *,
    prior_mean: float,
    prior_shape: float,
    window: int,
    trends: np.ndarray,
) -> LosPosterior:
    prior = LengthOfStay(prior_mean, prior_shape)
    known = np.isfinite(census)
    run = 0
    for k in known[::-1]:
        if not k:
            break
        run += 1
    days = min(run, window + 1)
    if days < MIN_KNOWN_DAYS or census[-days] <= 0:
        return literature_posterior(prior)
    anchor = len(census) - days
    removals = observed_removals(admissions, census)[anchor + 1 :]
    use = np.isfinite(removals) & (removals >= 0)
    if removals[use].sum() < MIN_REMOVALS:
        return literature_posterior(prior)
    past = admissions[: anchor + 1]
    future = admissions[anchor + 1 :]
    c0 = float(census[anchor])
    y = removals[use]
    # hazard multiplier exp(beta (k - W)) on day k = 1 .. W of the window: 1 at the origin
    offset = np.arange(1, len(future) + 1) - len(future)
    multipliers = np.exp(trends[:, None] * offset[None, :])
    m_grid, s_grid = np.meshgrid(MEAN_GRID, SHAPE_GRID, indexing="ij")
    n_t = len(trends)
    means = np.repeat(m_grid.ravel(), n_t)
    shapes = np.repeat(s_grid.ravel(), n_t)
    grid_trends = np.tile(trends, m_grid.size)
    mu = np.empty((means.size, int(use.sum())))
    for g, (m, s) in enumerate(zip(m_grid.ravel(), s_grid.ravel(), strict=True)):
        remain, kernel = multiplied_shares(past, LengthOfStay(float(m), float(s)).survival(),
                                           multipliers)
        pred = c0 * remain + np.einsum("bih,i->bh", kernel, future)  # (trends, W)
        prev = np.concatenate([np.full((n_t, 1), c0), pred[:, :-1]], axis=1)
        mu[g * n_t : (g + 1) * n_t] = np.maximum(prev + future[None, :] - pred, 1e-6)[:, use]
    # one likelihood evaluation per NB size over the whole grid; size profiled out
    nll = np.stack([nb_negloglik_rows(y, mu, np.full(len(mu), k)) for k in NB_SIZES])
    log_prior = (
        -(np.log(means / prior.mean_days) ** 2) / (2 * PRIOR_LOG_SD_MEAN**2)
        - (np.log(shapes / prior.shape) ** 2) / (2 * PRIOR_LOG_SD_SHAPE**2)
        - grid_trends**2 / (2 * PRIOR_SD_TREND**2)
    )
    logpost = -nll.min(axis=0) + log_prior
    sizes = np.asarray(NB_SIZES)[np.argmin(nll, axis=0)]
    w = np.exp(logpost - logpost.max())
    return LosPosterior(means=means, shapes=shapes, weights=w / w.sum(), from_data=True,
                        nb_size=float(sizes[int(np.argmax(logpost))]), trends=grid_trends,
                        window_days=len(future))
