"""Data events: turn a reported cumulative series into daily counts a model can fit.

Two kinds of reporting event break the naive ``diff`` of cumulative confirmed cases in the
Hubei 2020 bulletins (see the data set's ``SOURCES.md``):

* **Change of case definition** (2020-02-12): from this day Hubei counted clinically
  diagnosed cases (5th edition of the national diagnosis and treatment guideline). The daily
  increment of that day is routine new cases *plus* a backlog of earlier patients (Wuhan
  +13,436 in one day). Treatment: the increment of the definition-change day is excluded
  from every likelihood (treated as missing), i.e. the cumulative series gets a **level
  shift** on that day; later days are kept, since they are counted under the new
  definition that also holds for the forecast period. Census still counts the backlog
  patients: :func:`admissions_for_census` keeps the full increment.
* **Re-count decreases** (e.g. 2020-02-19/20): a city's cumulative count falls and is
  partly restored the next day. Treatment: a day with a negative increment and the day
  after it are excluded from the likelihood (both are artefacts of the review, not
  epidemic signal); the cumulative level is kept as reported. The census of a re-count
  day is not taken at face value either (:func:`observed_census`): it is carried forward
  from the day before with no admissions and the deaths and discharges reported that day
  (Jingmen 2020-02-19: 687 − 1 − 20 = 666 instead of the reported 559; case c0007).

A one-day *spike* (a typo such as 24360 for 2436, which the next day falls back below by
far more than a re-count does) never reaches these functions: reading the data set replaces
it by the straight line between its neighbours and says so (:mod:`pairaid.plausibility`).

An unknown day (a missing row or an empty ``confirmed_cum``) between two known counts is a
**gap**: how many cases were reported across it is known, only not on which day. The rise
across a gap is shared equally among its days (the cumulative count is interpolated
linearly, :func:`interpolate_gaps`), for fitting and for census admissions alike; dropping
the gap's days instead lost the cases altogether (Xiaogan with 2020-02-05 unknown: the
increments of 02-05 and 02-06, 424 and 255 of the 7 days' 1,522 cases, fell out of every
fitting window, and its staff gap from 2020-02-10 fell by 23 %).
Unknown days after the last known count stay unknown (NaN).

With ``treatment="ignore"`` the raw increments are used, negative ones clipped to 0 (the
count models need non-negative data); the backtest runs both treatments to show the effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from pairaid.errors import ConfigError

#: Date of the Hubei change of case definition (clinically diagnosed cases counted).
DEFINITION_CHANGE_DATES: tuple[date, ...] = (date(2020, 2, 12),)

EVENT_TREATMENTS = ("treat", "ignore")


@dataclass(frozen=True)
class RegionSeries:
    """One region's case history up to the forecast origin, ready for fitting.

    Attributes
    ----------
    region_code : str
        GB/T 2260 (or other) region key.
    dates : pandas.DatetimeIndex
        Consecutive days, the last one is the forecast origin.
    cumulative : numpy.ndarray
        Reported cumulative confirmed cases [persons]; NaN = unknown.
    daily : numpy.ndarray
        Daily new confirmed cases used for fitting [persons/day]; NaN = unknown or excluded
        by the data-event treatment.
    raw_daily : numpy.ndarray
        Reported daily increments [persons/day] (may be negative; NaN = unknown).
    """

    region_code: str
    dates: pd.DatetimeIndex
    cumulative: np.ndarray
    daily: np.ndarray
    raw_daily: np.ndarray

    @property
    def origin(self) -> pd.Timestamp:
        """The forecast origin (last date of the history)."""
        return pd.Timestamp(self.dates[-1])

    def fit_window(self, days: int) -> tuple[np.ndarray, np.ndarray]:
        """Last ``days`` days as (t, y) with excluded days dropped; t = 0 at the origin."""
        y = self.daily[-days:]
        t = np.arange(-len(y) + 1, 1, dtype=float)
        keep = np.isfinite(y)
        return t[keep], y[keep]


def interpolate_gaps(cumulative: np.ndarray) -> np.ndarray:
    """The cumulative series with each unknown day between two known ones filled by linear
    interpolation [persons]; unknown days before the first and after the last known day stay
    NaN.

    Parameters
    ----------
    cumulative : numpy.ndarray
        Cumulative counts per consecutive day [persons]; NaN = unknown.

    Returns
    -------
    numpy.ndarray
        Same length; a copy.
    """
    cum = np.array(cumulative, dtype=float)
    known = np.flatnonzero(np.isfinite(cum))
    if known.size > 1:
        span = np.arange(known[0], known[-1] + 1)
        cum[span] = np.interp(span, known, cum[known])
    return cum


def daily_from_cumulative(
    dates: pd.DatetimeIndex, cumulative: np.ndarray, *, treatment: str = "treat"
) -> tuple[np.ndarray, np.ndarray]:
    """Daily increments of a cumulative series, with the data-event treatment applied.

    Parameters
    ----------
    dates : pandas.DatetimeIndex
        Consecutive days.
    cumulative : numpy.ndarray
        Cumulative confirmed cases [persons]; NaN = unknown.
    treatment : {"treat", "ignore"}
        ``"treat"`` excludes the definition-change day, negative-increment days and the days
        after them (NaN); ``"ignore"`` clips negative increments to 0 and keeps every day.
        Either way the rise across a gap is shared equally among its days
        (:func:`interpolate_gaps`).

    Returns
    -------
    daily : numpy.ndarray
        Increments for fitting [persons/day] (NaN = unknown: before the first or after the
        last known day, or excluded).
    raw : numpy.ndarray
        Reported increments [persons/day] (NaN where either day is unknown).

    Raises
    ------
    ConfigError
        If ``treatment`` is not one of ``EVENT_TREATMENTS``.
    """
    if treatment not in EVENT_TREATMENTS:
        raise ConfigError(f"events: unknown treatment {treatment!r}; use one of {EVENT_TREATMENTS}")
    cum = np.asarray(cumulative, dtype=float)
    raw = np.full(cum.shape, np.nan)
    raw[1:] = cum[1:] - cum[:-1]
    filled = interpolate_gaps(cum)
    daily = np.full(cum.shape, np.nan)
    daily[1:] = filled[1:] - filled[:-1]
    if treatment == "ignore":
        return np.where(daily < 0, 0.0, daily), raw
    negative = np.flatnonzero(daily < 0)
    daily[negative] = np.nan
    after = negative + 1
    daily[after[after < len(daily)]] = np.nan
    change = dates.normalize().isin([pd.Timestamp(d) for d in DEFINITION_CHANGE_DATES])
    daily[change] = np.nan
    return daily, raw


def observed_census(
    confirmed: np.ndarray,
    deaths: np.ndarray,
    recovered: np.ndarray,
    *,
    treatment: str = "treat",
) -> tuple[np.ndarray, np.ndarray]:
    """Patients in care per day, ``confirmed - deaths - recovered``, with the data-event
    treatment applied to re-count days.

    On a day whose confirmed count fell (a re-count), the drop is a reporting artefact:
    the census of that day is the previous day's census, plus no admissions (as in
    :func:`admissions_for_census`), minus the deaths and discharges reported that day (a
    deaths or discharges count that fell too counts as none left, as below).
    On a day whose deaths or discharges count fell (a re-count of those: Italy's
    ``recovered_cum_decreased`` flag, Hubei's Shiyan 2020-03-13), the census is the previous
    day's plus that day's admissions minus the deaths and discharges that did not fall: a
    revised-down count does not bring patients back into care overnight (the c0007 kind).
    Consecutive re-count days chain. The day after a re-count is taken as reported.

    Parameters
    ----------
    confirmed, deaths, recovered : numpy.ndarray, shape (T,)
        Cumulative counts per consecutive day [persons]; NaN = unknown.
    treatment : {"treat", "ignore"}
        ``"ignore"`` takes every day as reported.

    Returns
    -------
    census : numpy.ndarray, shape (T,)
        Census per day [persons]; NaN where unknown (also on a re-count day whose previous
        census, deaths or discharges are unknown).
    carried : numpy.ndarray of bool, shape (T,)
        True on re-count days of any of the three counts (the value is an estimate, not a
        reported count).

    Raises
    ------
    ConfigError
        If ``treatment`` is not one of ``EVENT_TREATMENTS``.
    """
    if treatment not in EVENT_TREATMENTS:
        raise ConfigError(f"events: unknown treatment {treatment!r}; use one of {EVENT_TREATMENTS}")
    conf, dead, rec = (np.asarray(a, dtype=float) for a in (confirmed, deaths, recovered))
    census = conf - dead - rec
    carried = np.zeros(census.shape, dtype=bool)
    if treatment == "ignore":
        return census, carried
    step = [np.concatenate([[0.0], a[1:] - a[:-1]]) for a in (conf, dead, rec)]
    # a fall of any cumulative count is a re-count (confirmed, or deaths or discharges
    # revised down: Hubei and Italy report both); no step of such a day is taken below 0
    fell = np.zeros(census.shape, dtype=bool)
    for d in step:
        fell |= d < 0
    admitted = np.where(step[0] < 0, 0.0, step[0])
    for i in np.flatnonzero(fell):
        # a count that fell on the same day as confirmed is a re-count too: it brings
        # nobody back into care (Jingmen 2020-02-19 with recovered 181 -> 150 gave 717)
        left = max(step[1][i], 0.0) + max(step[2][i], 0.0)
        census[i] = census[i - 1] + admitted[i] - left  # NaN when any term is unknown
        carried[i] = True
    return census, carried


def region_series(
    cases: pd.DataFrame, region_code: str, origin: pd.Timestamp, *, treatment: str = "treat"
) -> RegionSeries:
    """Cut one region's history at the origin and apply the data-event treatment.

    Parameters
    ----------
    cases : pandas.DataFrame
        The ``cases`` table: ``date`` (datetime64), ``region_code`` (str),
        ``confirmed_cum`` [persons] (nullable integer, NA = unknown).
    region_code : str
        Region to cut.
    origin : pandas.Timestamp
        Forecast origin; rows after it are never read.
    treatment : {"treat", "ignore"}
        Data-event treatment, see :func:`daily_from_cumulative`.

    Returns
    -------
    RegionSeries
        History from the region's first row to the origin, one entry per day (missing days
        are NaN).
    """
    rows = cases.loc[(cases["region_code"] == region_code) & (cases["date"] <= origin)]
    start = rows["date"].min()
    dates = pd.date_range(start, origin, freq="D")
    cum = (
        rows.set_index("date")["confirmed_cum"]
        .astype("Float64")
        .reindex(dates)
        .to_numpy(dtype=float, na_value=np.nan)
    )
    daily, raw = daily_from_cumulative(dates, cum, treatment=treatment)
    return RegionSeries(region_code, dates, cum, daily, raw)


def admissions_for_census(series: RegionSeries) -> np.ndarray:
    """Daily hospital admissions behind the observed census [persons/day].

    Every reported increment counts as admitted patients, including the backlog of the
    definition-change day; the first known cumulative value counts as admitted on its own
    day; the rise across a gap is shared equally among its days (:func:`interpolate_gaps`);
    negative increments, and unknown days after the last known one, count as 0.

    Parameters
    ----------
    series : RegionSeries
        History up to the origin.

    Returns
    -------
    numpy.ndarray
        Admissions per day, same length as ``series.dates``.
    """
    filled = np.full(len(series.cumulative), np.nan)
    filled[1:] = np.diff(interpolate_gaps(series.cumulative))
    adm = np.maximum(np.where(np.isfinite(filled), filled, 0.0), 0.0)
    known = np.flatnonzero(np.isfinite(series.cumulative))
    if known.size:
        first = known[0]
        adm[first] = series.cumulative[first]
        adm[:first] = 0.0
    return adm
