"""Ensembles of forecast models: equally weighted or weighted by recent scores.

Both are linear pools (mixtures) of the members' sample paths: member ``j`` contributes a
share ``w_j`` of the paths, so a path stays one coherent trajectory (needed for census).

* ``equal``: ``w_j = 1 / J``.
* ``score-weighted``: each member is refitted to the data up to ``origin - 7`` days and
  scored by the mean weighted interval score (WIS, Bracher et al. 2021) of its forecasts of
  the 7 days up to the origin (days excluded by the data-event treatment are skipped);
  ``w_j`` is proportional to ``1 / WIS_j`` (inverse-score weighting, as compared for
  COVID-19 forecasts by Taylor & Taylor 2022, *PLoS One* 17:e0266096,
  doi:10.1371/journal.pone.0266096; see also Ray et al., "Comparing trained and untrained
  probabilistic ensemble forecasts of COVID-19 cases and deaths in the United States",
  *Int J Forecast* 2023, PMC9247236). Only data up to the origin are used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from pairaid.forecast.events import RegionSeries
from pairaid.forecast.models import ModelFn
from pairaid.forecast.quantiles import QUANTILES, quantiles_from_samples
from pairaid.forecast.scoring import weighted_interval_score

#: Days held out to score the members of a score-weighted ensemble [days].
HOLDOUT_DAYS = 7


def truncate(series: RegionSeries, days: int) -> RegionSeries:
    """The series without its last ``days`` days (the origin moves back)."""
    return replace(
        series,
        dates=series.dates[:-days],
        cumulative=series.cumulative[:-days],
        daily=series.daily[:-days],
        raw_daily=series.raw_daily[:-days],
    )


def holdout_wis(model: ModelFn, series: RegionSeries, rng: np.random.Generator, n: int) -> float:
    """Mean WIS [persons/day] of ``model`` forecasting the last :data:`HOLDOUT_DAYS` days.

    Returns NaN if the series is too short or every held-out day is excluded.
    """
    if len(series.dates) <= HOLDOUT_DAYS + 7:
        return float("nan")
    past = truncate(series, HOLDOUT_DAYS)
    observed = series.daily[-HOLDOUT_DAYS:]
    keep = np.isfinite(observed)
    if not keep.any():
        return float("nan")
    levels = np.asarray(QUANTILES)
    q = quantiles_from_samples(model(past, HOLDOUT_DAYS, rng, n), levels)
    return float(np.mean(weighted_interval_score(levels, q.T[keep], observed[keep])))


def mixture(
    members: Sequence[np.ndarray], weights: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Linear pool of sample paths: ``round(w_j * n)`` random paths of member ``j``.

    Parameters
    ----------
    members : sequence of numpy.ndarray, each (n, H)
        Members' sample paths.
    weights : numpy.ndarray
        Non-negative weights, summing to 1.
    rng : numpy.random.Generator
        Random source.

    Returns
    -------
    numpy.ndarray, shape (n, H)
    """
    n = members[0].shape[0]
    counts = np.floor(weights * n).astype(int)
    counts[np.argmax(weights)] += n - counts.sum()
    parts = [
        m[rng.choice(m.shape[0], size=c, replace=False)]
        for m, c in zip(members, counts, strict=True)
        if c > 0
    ]
    return np.concatenate(parts, axis=0)


def ensemble_paths(
    series: RegionSeries,
    horizon: int,
    rng: np.random.Generator,
    n_samples: int,
    *,
    members: Sequence[ModelFn],
    weighting: str = "equal",
) -> np.ndarray:
    """Sample paths of an ensemble of ``members``.

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
    members : sequence of model functions
        Ensemble members.
    weighting : {"equal", "score"}
        Equal weights or inverse hold-out WIS weights.

    Returns
    -------
    numpy.ndarray, shape (n_samples, horizon)
        Daily new confirmed cases [persons/day].
    """
    paths = [m(series, horizon, rng, n_samples) for m in members]
    weights = np.full(len(members), 1.0 / len(members))
    if weighting == "score":
        wis = np.array([holdout_wis(m, series, rng, max(n_samples // 4, 200)) for m in members])
        if np.all(np.isfinite(wis)):
            inv = 1.0 / np.maximum(wis, 1e-6)
            weights = inv / inv.sum()
    return mixture(paths, weights, rng)
