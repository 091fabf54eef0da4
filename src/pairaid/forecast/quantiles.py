"""Quantile levels and conversion of sample paths to quantiles."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pairaid.errors import ConfigError

#: The 23 quantile levels of the COVID-19 Forecast Hub (Cramer et al. 2022, *Sci Data* 9:462,
#: doi:10.1038/s41597-022-01517-w): 0.01, 0.025, 0.05, 0.10, 0.15, ..., 0.90, 0.95, 0.975,
#: 0.99. Together they define the median and 11 central prediction intervals (2 % ... 98 %).
QUANTILES: tuple[float, ...] = (
    0.01,
    0.025,
    *(round(0.05 * i, 2) for i in range(1, 20)),
    0.975,
    0.99,
)


def check_quantile_levels(quantiles: Sequence[float]) -> np.ndarray:
    """Return the levels as a sorted array, or raise if they are not usable.

    Parameters
    ----------
    quantiles : sequence of float
        Quantile levels, each strictly between 0 and 1, no duplicates.

    Returns
    -------
    numpy.ndarray
        The levels, sorted ascending.

    Raises
    ------
    ConfigError
        If the sequence is empty, holds a level outside (0, 1) or a duplicate.
    """
    levels = np.asarray(list(quantiles), dtype=float)
    if levels.size == 0:
        raise ConfigError("quantiles: at least one quantile level is required")
    if not np.all((levels > 0.0) & (levels < 1.0)):
        raise ConfigError(
            f"quantiles: every level must lie strictly in (0, 1), got {levels.tolist()}")
    if np.unique(levels).size != levels.size:
        raise ConfigError(f"quantiles: duplicate levels in {levels.tolist()}")
    return np.sort(levels)


def quantiles_from_samples(samples: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Empirical quantiles of sample paths, monotone in level.

    Parameters
    ----------
    samples : numpy.ndarray, shape (n_samples, horizon)
        Sampled trajectories [persons].
    levels : numpy.ndarray, shape (n_levels,)
        Sorted quantile levels in (0, 1).

    Returns
    -------
    numpy.ndarray, shape (n_levels, horizon)
        Quantiles [persons]; non-decreasing along the first axis (the empirical quantile
        function is monotone; ``np.maximum.accumulate`` removes floating-point ties).
    """
    q = np.quantile(samples, levels, axis=0, method="linear")
    return np.maximum.accumulate(q, axis=0)
