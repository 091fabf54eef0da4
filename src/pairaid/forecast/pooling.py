"""Partial pooling of a reported stock's growth towards the data set's total.

A region's stock forecast (:mod:`pairaid.forecast.occupancy`) extrapolates the region's
own recent growth. For a small stock that growth rests on a handful of patients: P.A.
Trento went from 2 to 19 patients in ICU in the week to 2020-03-15, and the ensemble's 0.9
quantile for 2020-03-29 was 1,184 where 75 were observed. The counts cannot tell a
sustained doubling every two days from the noise of a few admissions, and the members that
extrapolate a trend (``loglinear``, ``richards``) carry that growth, with its wide
parametric uncertainty, over 14 days; the linear pool keeps the widest member's tail.

The data set's total stock (every region summed) says how such stocks grow at the same
time, from many more patients. The growth of a region is taken partly from its own forecast
and partly from the total's, quantile level by quantile level, on the ``log(1 + x)`` scale,
with the weight of the region's own forecast growing with its stock:

    g_r(tau, h) = log(1 + q_r(tau, h)) - log(1 + s_r)
    G(tau, h)   = log(1 + Q(tau, h)) - log(1 + S)
    w_r         = s_r / (s_r + n0)
    q'(tau, h)  = (1 + s_r) exp(w_r g_r(tau, h) + (1 - w_r) G(tau, h)) - 1

with ``s_r`` the region's stock and ``S`` the total on the origin, ``q_r`` and ``Q`` their
forecast quantiles, and ``n0`` the stock at which the two growths weigh alike
(:data:`POOL_WEIGHT`). The weight follows the information in a count: the variance of a
log growth estimated from ``s`` patients shrinks like ``1 / s`` (Poisson), so ``w_r`` is
the precision weight of the region's growth against a prior worth ``n0`` patients
(empirical-Bayes shrinkage, Efron & Morris 1975). A weighted average of two non-decreasing
quantile functions is non-decreasing, so the quantiles stay monotone; the combination of
quantiles rather than of probabilities is quantile averaging (Vincentization; Lichtendahl,
Grushka-Cockayne & Winkler 2013), sharper than a linear pool.

References
----------
Efron B, Morris C. Data analysis using Stein's estimator and its generalizations. J Am
Stat Assoc 1975;70:311-319.
Lichtendahl KC, Grushka-Cockayne Y, Winkler RL. Is it better to average probabilities or
quantiles? Manage Sci 2013;59:1594-1611. doi:10.1287/mnsc.1120.1667
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Stock [patients] at which a region's own growth and the total's weigh alike: the
#: candidate chosen on 11 of the 21 Italian regions by a rule fixed beforehand (candidates
#: 10, 30, 100, 300, 1,000; lowest WIS among those keeping 90 % coverage >= 0.85;
#: docs/forecasting.md, "Pooled growth of small stocks").
POOL_WEIGHT = 10.0

#: ``region_code`` of the data set's total stock in the tables of this module.
POOL_CODE = "__total__"


def total_stock(cases: pd.DataFrame, column: str) -> pd.DataFrame:
    """The data set's total of the stock ``column`` per day, as a region :data:`POOL_CODE`.

    Parameters
    ----------
    cases : pandas.DataFrame
        ``cases`` table with ``date``, ``region_code`` and ``column`` [persons].
    column : str
        ``hospitalised`` or ``icu``.

    Returns
    -------
    pandas.DataFrame
        ``date``, ``region_code`` = :data:`POOL_CODE`, ``column`` [persons]: the sum over
        the regions on days when every region that ever reports the stock reports it;
        unknown (NA) on the other days.
    """
    known = cases[cases[column].notna()]
    regions = known["region_code"].nunique()
    daily = known.groupby("date")[column].agg(["sum", "count"])
    total = daily["sum"].astype(float).where(daily["count"] == regions)
    return pd.DataFrame({"date": daily.index, "region_code": POOL_CODE,
                         column: total.to_numpy()})


def pooled_growth(own: np.ndarray, stock: np.ndarray | float, total: np.ndarray,
                  total_stock: np.ndarray | float, *, weight: float = POOL_WEIGHT
                  ) -> np.ndarray:
    """A region's stock quantiles with its growth partly pooled with the total's.

    Parameters
    ----------
    own : numpy.ndarray, shape (..., n_levels)
        The region's forecast quantiles [persons], non-decreasing along the last axis.
    stock : float or numpy.ndarray broadcastable to ``own[..., :1]``
        The region's stock on the origin [persons].
    total : numpy.ndarray, same shape as ``own``
        The total's forecast quantiles at the same levels and horizons [persons].
    total_stock : float or numpy.ndarray like ``stock``
        The total stock on the origin [persons].
    weight : float
        ``n0`` [patients], see the module notes; 0 keeps ``own`` unchanged.

    Returns
    -------
    numpy.ndarray, shape of ``own``
        ``q'`` of the module notes [persons]: non-negative, non-decreasing along the last
        axis, equal to ``own`` where ``weight`` is 0.

    Examples
    --------
    A region with 19 patients whose own 0.9 quantile is 1,155, the total growing from 1,672
    to 3,344 (twice), ``n0`` = 100: ``w`` = 19 / 119 = 0.16; the own log growth is
    log(1,156 / 20) = 4.06, the total's log(3,345 / 1,673) = 0.69; pooled growth
    0.16 × 4.06 + 0.84 × 0.69 = 1.23, so q' = 20 × e^1.23 − 1 = 67.
    """
    own = np.asarray(own, dtype=float)
    s = np.asarray(stock, dtype=float)
    s_total = np.asarray(total_stock, dtype=float)
    w = s / (s + weight) if weight > 0 else np.ones_like(s)
    g_own = np.log1p(own) - np.log1p(s)
    g_total = np.log1p(np.asarray(total, dtype=float)) - np.log1p(s_total)
    out = np.expm1(np.log1p(s) + w * g_own + (1.0 - w) * g_total)
    return np.maximum.accumulate(np.maximum(out, 0.0), axis=-1)


def stocks_on(cases: pd.DataFrame, column: str, origins: pd.Series,
              regions: pd.Series) -> np.ndarray:
    """The stock ``column`` [persons] of each (``regions[i]``, ``origins[i]``); the
    total's (:func:`total_stock`) for :data:`POOL_CODE`; NaN where unknown."""
    table = pd.concat([cases[["date", "region_code", column]],
                       total_stock(cases, column)], ignore_index=True)
    values = table.set_index(["region_code", "date"])[column].astype(float)
    keys = pd.MultiIndex.from_arrays([regions.astype(str), pd.to_datetime(origins)])
    return values.reindex(keys).to_numpy(dtype=float)


def pool_rows(forecast: pd.DataFrame, cases: pd.DataFrame, column: str, *,
              keys: list[str], value_columns: list[str],
              weight: float = POOL_WEIGHT) -> pd.DataFrame:
    """Apply :func:`pooled_growth` to every region's rows of a stock forecast.

    Parameters
    ----------
    forecast : pandas.DataFrame
        Forecast rows of one stock, the total's among them (``region_code`` =
        :data:`POOL_CODE`), with ``origin`` (datetime) and ``region_code``; the quantiles of
        one forecast are in ``value_columns`` (one column per level, levels ascending)
        [persons].
    cases : pandas.DataFrame
        ``cases`` table holding the stock ``column`` [persons].
    column : str
        ``hospitalised`` or ``icu``.
    keys : list of str
        Columns besides ``region_code`` that match a region's row with the total's (e.g.
        ``origin`` and ``horizon_days``).
    value_columns : list of str
        Quantile columns, levels ascending.
    weight : float
        ``n0`` [patients] (:data:`POOL_WEIGHT`).

    Returns
    -------
    pandas.DataFrame
        ``forecast`` without the total's rows, the region rows' ``value_columns`` pooled;
        rows without a known stock on the origin or a total's row are left as they were.
    """
    is_total = forecast["region_code"] == POOL_CODE
    total = forecast.loc[is_total, keys + value_columns]
    out = forecast.loc[~is_total].reset_index(drop=True)
    if total.empty or out.empty:
        return out
    matched = out[keys].merge(total, on=keys, how="left")
    own = out[value_columns].to_numpy(dtype=float)
    tot = matched[value_columns].to_numpy(dtype=float)
    s = stocks_on(cases, column, out["origin"], out["region_code"])[:, None]
    s_total = stocks_on(cases, column, out["origin"],
                        pd.Series(POOL_CODE, index=out.index))[:, None]
    ok = (np.isfinite(s) & np.isfinite(s_total) & np.isfinite(tot).all(axis=1,
                                                                       keepdims=True))[:, 0]
    pooled = own.copy()
    pooled[ok] = pooled_growth(own[ok], s[ok], tot[ok], s_total[ok], weight=weight)
    out[value_columns] = pooled
    return out
