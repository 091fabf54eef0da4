"""Weekly incidence: new confirmed cases in the 7 days ending on a date, the Hubs' case target.

The COVID-19 Forecast Hubs do not score daily case counts: their case targets are weekly
incidence, ``"N wk ahead inc case"`` = cases reported in the 7 days ending on the target
date (Cramer et al. 2022, *Sci Data* 9:462, doi:10.1038/s41597-022-01517-w; Cramer et al.
2022, *PNAS* 119:e2113561119). This module gives that target at a daily resolution, target
:data:`WEEKLY_TARGET` [persons per 7 days], for any horizon ``h >= 1``:

* **forecast**: for each sample path, the sum of its daily new cases over the days
  ``h - 6 .. h`` after the origin; days on or before the origin inside that window (``h <
  7``) contribute the cases already reported on them (the rise of the reported cumulative
  count, gaps shared equally among their days as in :func:`pairaid.forecast.events.
  interpolate_gaps`; a re-count decrease counts as reported), the same in every path;
  a path's sum below 0 counts as 0. Quantiles are then taken over the paths'
  sums (:func:`weekly_paths`), never by summing daily quantiles (a sum of quantiles is
  not the quantile of the sum).
* **observed** (:func:`observed_weekly`): ``confirmed_cum(t) - confirmed_cum(t - 7)`` as
  reported, i.e. the sum of the reported daily increments as published, re-count
  decreases and the 2020-02-12 backlog included, the treatment the daily target's
  observation has (:func:`pairaid.forecast.backtest.observed_values`); unknown (NaN) if
  either count is unknown.
* **baseline** (:func:`weekly_baseline_quantiles`): the Hub baseline on weekly sums
  (:mod:`pairaid.forecast.baseline` with a level window of 1 day): median = the last
  weekly sum, spread from its own past ``h``-day changes, symmetrised, never narrowing
  with the horizon.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pairaid.forecast.baseline import baseline_quantiles, persistence_levels
from pairaid.forecast.events import RegionSeries, interpolate_gaps

#: Target name of weekly incidence in forecast and backtest tables [persons per 7 days].
WEEKLY_TARGET = "new_confirmed_week"
#: Days summed by the weekly target [days] (the Hubs' epidemiological week).
WEEK_DAYS = 7
#: Daily targets of the ``forecast`` table, the default output of
#: :func:`pairaid.forecast.forecast_cases` (``pairaid plan`` writes these only).
DAILY_TARGETS: tuple[str, ...] = ("new_confirmed", "census")
#: Every case target a forecast or a backtest can carry.
CASE_TARGETS: tuple[str, ...] = (*DAILY_TARGETS, WEEKLY_TARGET)


def reported_in_window(series: RegionSeries, horizon: int) -> np.ndarray:
    """Cases already reported, on or before the origin, in each weekly window ahead.

    Parameters
    ----------
    series : RegionSeries
        The region's history up to the origin (its last day).
    horizon : int
        Longest horizon ``H`` [days].

    Returns
    -------
    numpy.ndarray, shape (H,)
        For ``h = 1 .. H``: the reported rise of the cumulative count over the days
        ``origin + h - 6 .. origin`` [persons] (0 for ``h >= 7``); gaps are interpolated,
        days before the first known count count as 0.
    """
    filled = interpolate_gaps(series.cumulative)
    daily = np.zeros(filled.shape)
    daily[1:] = np.nan_to_num(filled[1:] - filled[:-1], nan=0.0)
    out = np.zeros(horizon)
    for h in range(1, min(horizon, WEEK_DAYS - 1) + 1):
        days = WEEK_DAYS - h  # origin - days + 1 .. origin
        out[h - 1] = daily[-days:].sum()
    return out


def weekly_paths(daily: np.ndarray, before: np.ndarray) -> np.ndarray:
    """Weekly sums of sample paths of daily new cases.

    Parameters
    ----------
    daily : numpy.ndarray, shape (n, H)
        Sample paths of daily new cases, days ``1 .. H`` after the origin [persons/day].
    before : numpy.ndarray, shape (H,)
        Cases reported on or before the origin in each window
        (:func:`reported_in_window`) [persons].

    Returns
    -------
    numpy.ndarray, shape (n, H)
        Per path, the sum over the 7 days ending on day ``h`` [persons per 7 days],
        at least 0 (``before`` is negative where a re-count decrease outweighs the
        window's other reported days; a count of cases is not forecast below 0).
    """
    x = np.asarray(daily, dtype=float)
    cum = np.concatenate([np.zeros((x.shape[0], 1)), np.cumsum(x, axis=1)], axis=1)
    h = np.arange(1, x.shape[1] + 1)
    start = np.maximum(h - WEEK_DAYS, 0)
    return np.maximum(cum[:, h] - cum[:, start] + np.asarray(before, dtype=float)[None, :], 0.0)


def observed_weekly(cases: pd.DataFrame) -> pd.Series:
    """Reported new confirmed cases in the 7 days ending on each (region, date).

    Parameters
    ----------
    cases : pandas.DataFrame
        The ``cases`` table: ``date``, ``region_code``, ``confirmed_cum`` [persons].

    Returns
    -------
    pandas.Series
        Indexed by (``region_code``, ``date``): ``confirmed_cum(t) - confirmed_cum(t -
        7)`` [persons per 7 days]; NaN where either is unknown (a missing row counts as
        unknown). May be negative after a re-count, as reported.
    """
    df = cases[["region_code", "date", "confirmed_cum"]].copy()
    df["region_code"] = df["region_code"].astype(str)
    df["confirmed_cum"] = df["confirmed_cum"].astype("Float64").astype(float)
    now = df.set_index(["region_code", "date"])["confirmed_cum"]
    week_ago = df.assign(date=df["date"] + pd.Timedelta(days=WEEK_DAYS)).set_index(
        ["region_code", "date"]
    )["confirmed_cum"]
    out = now - week_ago.reindex(now.index)
    return out.rename(WEEKLY_TARGET).sort_index()


def weekly_history(series: RegionSeries) -> np.ndarray:
    """Weekly sums up to the origin as the baseline reads them [persons per 7 days].

    ``7 x`` the mean of the known daily counts of the fitting series (the data-event
    treatment applied, so the 2020-02-12 backlog and re-count days are left out and
    filled by the mean of the window's other days) over the 7 days ending on each day;
    NaN where none is known.
    """
    return WEEK_DAYS * persistence_levels(series.daily, WEEK_DAYS)


def weekly_baseline_quantiles(
    series: RegionSeries, horizons: np.ndarray, levels: np.ndarray
) -> np.ndarray:
    """Quantiles of the Hub baseline for weekly incidence.

    Parameters
    ----------
    series : RegionSeries
        History up to the origin.
    horizons : numpy.ndarray of int, shape (H,)
        Days ahead [days].
    levels : numpy.ndarray, shape (L,)
        Quantile levels, sorted.

    Returns
    -------
    numpy.ndarray, shape (L, H)
        :func:`pairaid.forecast.baseline.baseline_quantiles` of :func:`weekly_history`
        with a level window of 1 day [persons per 7 days].
    """
    return baseline_quantiles(weekly_history(series), horizons, levels, window=1)
