"""Quantile recalibration of forecasts from past forecast errors.

For each quantile level ``tau`` (and each target and horizon) the recalibration learns one
shift ``d_tau`` on the ``log(1 + x)`` scale from past forecasts and what was then observed:
``d_tau`` is the empirical ``tau``-quantile of ``log(1 + y) - log(1 + q_tau)`` over the
calibration set. The recalibrated quantile is ``q'_tau = exp(log(1 + q_tau) + d_tau) - 1``,
so that, on the calibration set, a share ``tau`` of the observations falls below
``q'_tau`` (exactly, up to ties and interpolation): every interval then covers its nominal
share where the calibration set resembles the data it is applied to. This is split
conformal prediction applied level by level (Vovk et al. 2005; for quantile forecasts,
conformalised quantile regression, Romano, Patterson & Candès 2019, with a one-sided score
per level) on a multiplicative scale, so that one table serves regions of any size.
Quantiles are re-sorted after the shift (monotone rearrangement, Chernozhukov,
Fernández-Val & Galichon 2010) and clipped at 0.

The table of shifts is data (``pairaid/data/forecast/calibration.csv``, columns
``target``, ``horizon_days``, ``quantile``, ``shift``), fitted by
``benchmarks/forecast_heldout.py --write`` on the training set named in
docs/forecasting.md.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

CALIBRATION_COLUMNS = ["target", "horizon_days", "quantile", "shift"]


def fit_shifts(levels: np.ndarray, quantiles: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Per-level shifts ``d_tau`` on the ``log(1 + x)`` scale.

    Parameters
    ----------
    levels : numpy.ndarray, shape (L,)
        Quantile levels in (0, 1).
    quantiles : numpy.ndarray, shape (n, L)
        Past forecasts' quantiles [persons].
    observed : numpy.ndarray, shape (n,)
        What was observed [persons] (negative values count as 0).

    Returns
    -------
    numpy.ndarray, shape (L,)
        Shifts [-]; 0 where there is no finite pair.
    """
    q = np.log1p(np.maximum(np.asarray(quantiles, dtype=float), 0.0))
    y = np.log1p(np.maximum(np.asarray(observed, dtype=float), 0.0))
    resid = y[:, None] - q
    out = np.zeros(len(levels))
    for j, tau in enumerate(levels):
        r = resid[:, j]
        r = r[np.isfinite(r)]
        if r.size:
            out[j] = float(np.quantile(r, tau, method="linear"))
    return out


def apply_shifts(quantiles: np.ndarray, shifts: np.ndarray) -> np.ndarray:
    """Recalibrated quantiles ``exp(log(1 + q) + d) - 1``, re-sorted, clipped at 0.

    Parameters
    ----------
    quantiles : numpy.ndarray, shape (..., L)
        Quantiles [persons], levels along the last axis.
    shifts : numpy.ndarray, shape (L,) or broadcastable
        Shifts from :func:`fit_shifts` [-].

    Returns
    -------
    numpy.ndarray
        Same shape, non-decreasing along the last axis.
    """
    q = np.log1p(np.maximum(np.asarray(quantiles, dtype=float), 0.0)) + shifts
    return np.maximum(np.sort(np.expm1(q), axis=-1), 0.0)


def fit_calibration(forecasts: pd.DataFrame, levels: np.ndarray) -> pd.DataFrame:
    """Calibration table from backtest forecasts (one set of shifts per target, horizon).

    Parameters
    ----------
    forecasts : pandas.DataFrame
        Rows of :func:`pairaid.forecast.backtest.run_backtest` of one model: ``target``,
        ``horizon_days``, ``observed`` [persons] and ``q<level>`` columns [persons].
    levels : numpy.ndarray
        Quantile levels of the ``q`` columns.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CALIBRATION_COLUMNS`.
    """
    qcols = [f"q{lv:g}" for lv in levels]
    rows = []
    known = forecasts.loc[forecasts["observed"].notna()]
    for (target, h), g in known.groupby(["target", "horizon_days"], sort=True):
        shifts = fit_shifts(levels, g[qcols].to_numpy(float), g["observed"].to_numpy(float))
        for lv, d in zip(levels, shifts, strict=True):
            rows.append({"target": target, "horizon_days": int(str(h)), "quantile": float(lv),
                         "shift": float(d)})
    return pd.DataFrame(rows, columns=CALIBRATION_COLUMNS)


def shifts_for(
    table: pd.DataFrame, target: str, horizons: np.ndarray, levels: np.ndarray
) -> np.ndarray:
    """Shifts for given horizons and levels, from a calibration table.

    Horizons beyond the table's longest use the longest; levels between the table's are
    interpolated linearly, levels outside it take the nearest end.

    Returns
    -------
    numpy.ndarray, shape (H, L)
        Shifts [-]; zeros if the table has no rows for ``target``.
    """
    rows = table.loc[table["target"] == target]
    out = np.zeros((len(horizons), len(levels)))
    if rows.empty:
        return out
    have = np.sort(rows["horizon_days"].unique())
    by_horizon = {h: g.sort_values("quantile") for h, g in rows.groupby("horizon_days")}
    at: dict[object, np.ndarray] = {}  # each horizon of the table interpolated once
    for i, h in enumerate(horizons):
        use = have[have <= h].max() if (have <= h).any() else have.min()
        if use not in at:
            sub = by_horizon[use]
            at[use] = np.interp(levels, sub["quantile"].to_numpy(float),
                                sub["shift"].to_numpy(float))
        out[i] = at[use]
    return out


@lru_cache(maxsize=1)
def default_calibration() -> pd.DataFrame:
    """The shipped calibration table of the default model (callers must not modify it).

    Read from ``pairaid/data/forecast/calibration.csv`` (columns
    :data:`CALIBRATION_COLUMNS`).
    """
    path = resources.files("pairaid") / "data" / "forecast" / "calibration.csv"
    return pd.read_csv(str(path), dtype={"target": str})
