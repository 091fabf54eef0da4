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

This is a discrete-grid Bayesian fit (no optimiser): the grid covers means of 3-60 days and
shapes of 1-30 (coefficient of variation 1 to 0.18); the posterior is exact on the grid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from pairaid.forecast.census import LOS_DRAW_LOG_SD, LengthOfStay, project_census
from pairaid.forecast.nb import cached_fit, nb_negloglik

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
    """

    means: np.ndarray
    shapes: np.ndarray
    weights: np.ndarray
    from_data: bool
    nb_size: float | None = None

    @property
    def mean_days(self) -> float:
        """Posterior mean of the LOS mean [days]."""
        return float(np.sum(self.weights * self.means))

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
        if not self.from_data and self.weights.size == n:
            idx = np.arange(n)
        else:
            order = np.lexsort((self.shapes, self.means))
            cdf = np.cumsum(self.weights[order])
            u = (rng.random() + np.arange(n)) / n * cdf[-1]
            idx = order[np.minimum(np.searchsorted(cdf, u, side="right"), order.size - 1)]
        return [LengthOfStay(float(self.means[i]), float(self.shapes[i])) for i in idx]


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
    )


@cached_fit
def _fit(
    admissions: np.ndarray,
    census: np.ndarray,
    *,
    prior_mean: float,
    prior_shape: float,
    window: int,
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
    future = admissions[None, anchor + 1 :]
    c0 = float(census[anchor])
    m_grid, s_grid = np.meshgrid(MEAN_GRID, SHAPE_GRID, indexing="ij")
    means, shapes = m_grid.ravel(), s_grid.ravel()
    logpost = np.empty(means.size)
    sizes = np.empty(means.size)
    y = removals[use]
    for i, (m, s) in enumerate(zip(means, shapes, strict=True)):
        surv = LengthOfStay(float(m), float(s)).survival()
        pred = project_census(past, c0, future, surv)[0]
        prev = np.concatenate([[c0], pred[:-1]])
        mu = np.maximum(prev + admissions[anchor + 1 :] - pred, 1e-6)[use]
        nll = [nb_negloglik(y, mu, k) for k in NB_SIZES]
        ll = -min(nll)
        sizes[i] = NB_SIZES[int(np.argmin(nll))]
        lp = -(np.log(m / prior.mean_days) ** 2) / (2 * PRIOR_LOG_SD_MEAN**2) - (
            np.log(s / prior.shape) ** 2
        ) / (2 * PRIOR_LOG_SD_SHAPE**2)
        logpost[i] = ll + lp
    w = np.exp(logpost - logpost.max())
    return LosPosterior(means=means, shapes=shapes, weights=w / w.sum(), from_data=True,
                        nb_size=float(sizes[int(np.argmax(logpost))]))
