"""The forecast a plan run works on: pairaid's own or a given one, and what was observed.

:func:`run_forecast` chooses between a given forecast (checked and cut to the decision
window), a forecast of the reported hospital and ICU occupancy (where the data set reports
it) and one from the case counts; :func:`observed_series` is the observed side of the run.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from pairaid.config import PlanConfig
from pairaid.datasets import Dataset, region_names
from pairaid.errors import ConfigError
from pairaid.forecast import forecast_cases
from pairaid.forecast.backtest import observed_values
from pairaid.forecast.events import region_series
from pairaid.forecast.occupancy import forecast_occupancy, reported_stocks


def run_forecast(dataset: Dataset, config: PlanConfig, params: dict[str, float],
                 recipients: list[str], forecast: pd.DataFrame | None = None, *,
                 workers: int = 1) -> tuple[pd.DataFrame, bool, list[str]]:
    """The forecast of a run's recipients over its horizon.

    Parameters
    ----------
    dataset : Dataset
    config : PlanConfig
    params : dict of str to float
        Model parameters of the run.
    recipients : list of str
    forecast : pandas.DataFrame, optional
        A given ``forecast`` table (checked by :func:`check_forecast`, cut by
        :func:`decision_window`); else pairaid forecasts the reported occupancy where the
        data set has it for every recipient (:func:`pairaid.forecast.occupancy.
        reported_stocks`: hospital and ICU, or hospital alone), the census from case counts
        otherwise.
    workers : int
        Processes that draw the case forecast's paths (``forecast_cases(workers=...)``);
        the run is the same with any number.

    Returns
    -------
    forecast : pandas.DataFrame
    occupancy : bool
        Whether the census is the reported occupancy (hospital stock, and ICU if reported).
    notes : list of str
        What the user should know about the forecast, in their terms.

    Raises
    ------
    pairaid.errors.ConfigError
        A given forecast misses recipients or days, or ``planning_quantile`` is not one
        of its quantile levels.
    """
    notes: list[str] = []
    stocks = reported_stocks(dataset.cases, recipients, config.decision_date) \
        if forecast is None else ()
    occupancy = bool(stocks)
    if forecast is None and not stocks:
        unused = unused_stock_note(dataset.cases, recipients, config.decision_date)
        notes += [unused] if unused else []
    if forecast is not None:
        check_forecast(forecast, config, recipients)
        forecast, note = decision_window(forecast, config, recipients)
        notes += [note] if note else []
    elif occupancy:
        forecast = forecast_occupancy(dataset.cases, region_codes=recipients,
                                      origin=config.decision_date,
                                      horizon_days=config.horizon_days, parameters=params,
                                      model=config.model, seed=config.seed, stocks=stocks)
        reported = ("patients in hospital and in ICU as the data set reports them (cases.csv "
                    "hospitalised, icu)" if len(stocks) == 2 else
                    "patients in hospital as the data set reports them (cases.csv "
                    "hospitalised; no icu count on the decision date for every recipient, so "
                    "ICU needs come from the parameters' share of critical patients)")
        notes.append(f"census = {reported}, each forecast from its observed value"
                     + ("; the default model forecasts these stocks without its "
                        "recalibration table, which was learnt on the census derived from "
                        "confirmed cases, and pools a small stock's growth with the total's "
                        "(docs/forecasting.md)" if config.model == "default" else ""))
    else:
        forecast = forecast_cases(dataset.cases, region_codes=recipients,
                                  origin=config.decision_date,
                                  horizon_days=config.horizon_days, parameters=params,
                                  model=config.model, seed=config.seed, workers=workers)
        note = unknown_days_note(dataset, recipients, config.decision_date)
        notes += [note] if note else []
    levels = forecast["quantile"].astype(float).unique()
    if not np.isclose(levels, config.planning_quantile).any():
        raise ConfigError(f"setting 'planning_quantile' (--quantile) = "
                          f"{config.planning_quantile}: not a forecast quantile level; use "
                          f"one of {sorted(levels.tolist())}")
    return forecast, occupancy, notes


def unused_stock_note(cases: pd.DataFrame, recipients: list[str], origin: date) -> str:
    """A note when some, not all, recipients report ``hospitalised`` on ``origin``: the
    census then comes from case counts for every recipient, not from the patients the data
    set says are in hospital (the c0009 kind: the census starts from who is in care now)."""
    if "hospitalised" not in cases.columns:
        return ""
    day = cases[(cases["date"] == pd.Timestamp(origin)) & cases["region_code"].isin(recipients)]
    known = sorted(set(day.loc[day["hospitalised"].notna(), "region_code"]))
    if not known:
        return ""
    missing = sorted(set(recipients) - set(known))
    return (f"cases.csv reports patients in hospital (hospitalised) on the decision date for "
            f"{', '.join(known)} but not for {', '.join(missing)}: the census of every "
            "recipient is derived from confirmed − deaths − recovered instead")


def check_forecast(forecast: pd.DataFrame, config: PlanConfig,
                   recipients: list[str]) -> None:
    """Check that a given (external) forecast covers every recipient and day of the horizon.

    Raises
    ------
    pairaid.errors.ConfigError
        Naming the recipients or days without census rows.
    """
    census = forecast[forecast["target"] == "census"]
    start = pd.Timestamp(config.decision_date) + pd.Timedelta(days=1)
    days = pd.date_range(start, periods=config.horizon_days, freq="D")
    missing = [c for c in recipients if c not in set(census["region_code"])]
    if missing:
        raise ConfigError(f"the forecast has no census rows for recipients {missing}")
    inside = census[census["date"].isin(days)]
    short = sorted(c for c, g in inside.groupby("region_code")
                   if g["date"].nunique() < len(days) and c in recipients)
    short += sorted(set(recipients) - set(inside["region_code"]))
    if short:
        raise ConfigError(f"the forecast does not cover every day {days[0].date()} … "
                          f"{days[-1].date()} (decision date + 1 … + horizon) for "
                          f"recipients {sorted(set(short))}")


def decision_window(forecast: pd.DataFrame, config: PlanConfig, recipients: list[str]
                    ) -> tuple[pd.DataFrame, str | None]:
    """Keep only the rows of a given forecast that the plan is about.

    The plan covers the recipients on the days decision date + 1 … + horizon. A Forecast
    Hub file often holds more (other horizons, other locations, or rows dated before the
    forecast: reichlab/covid19-forecast-hub#280, case c0002); planning for them would send
    staff for days already past or not asked about.

    Returns
    -------
    forecast : pandas.DataFrame
        The rows for ``recipients`` dated inside the window.
    note : str or None
        How many rows were left out and why, or None when none was.
    """
    start = pd.Timestamp(config.decision_date) + pd.Timedelta(days=1)
    end = pd.Timestamp(config.decision_date) + pd.Timedelta(days=config.horizon_days)
    dates = pd.to_datetime(forecast["date"])
    early, late = dates < start, dates > end
    other = ~forecast["region_code"].isin(recipients)
    keep = ~(early | late | other)
    if keep.all():
        return forecast, None
    parts = [f"{int(n)} {what}" for n, what in (
        ((early & ~other).sum(), f"dated on or before the decision date {config.decision_date}"),
        ((late & ~other).sum(), f"dated after the horizon ({end.date()}, --horizon "
                                f"{config.horizon_days})"),
        (other.sum(), "for regions that are not recipients of this plan")) if n]
    note = (f"{int((~keep).sum())} of {len(forecast)} rows of the given forecast are outside "
            f"the plan and were ignored: {'; '.join(parts)}. The plan uses "
            f"{start.date()} … {end.date()}.")
    return forecast[keep].reset_index(drop=True), note


UNKNOWN_DAYS_LISTED = 5
"""A region's unknown days are listed up to this many; more are summarised as a count with
the first and last (one stray row could otherwise list thousands)."""


def _days_in_words(days: list[pd.Timestamp]) -> str:
    if len(days) <= UNKNOWN_DAYS_LISTED:
        return ", ".join(f"{d:%Y-%m-%d}" for d in days)
    return f"{len(days):,} days from {days[0]:%Y-%m-%d} to {days[-1]:%Y-%m-%d}"


def unknown_days_note(dataset: Dataset, recipients: list[str], origin: date) -> str | None:
    """A note naming the recipients whose confirmed case count is unknown on some day the
    case forecast fits on, with those days and what the forecast did with them; None if
    there is none.

    The days are those from a recipient's first known ``confirmed_cum`` to ``origin``
    (missing rows and empty cells alike): the longest window a model fits on (Richards,
    all of it). Donors are not listed: only their census on the decision date enters the
    plan (a warning names a donor unknown on that day). A region's days are listed up to
    :data:`UNKNOWN_DAYS_LISTED`, else counted with the first and last.

    Parameters
    ----------
    dataset : Dataset
    recipients : list of str
        Region codes forecast from case counts.
    origin : datetime.date
        The decision date (forecast origin).
    """
    names = region_names(dataset.regions)
    cut = dataset.cases[dataset.cases["date"] <= pd.Timestamp(origin)]
    found: list[str] = []
    after = False
    for code in recipients:
        if not (cut["region_code"] == code).any():
            continue
        series = region_series(cut, code, pd.Timestamp(origin))
        known = np.flatnonzero(np.isfinite(series.cumulative))
        if not known.size:
            continue
        unknown = [int(i) for i in np.flatnonzero(~np.isfinite(series.cumulative)) if i > known[0]]
        if unknown:
            after |= unknown[-1] > known[-1]
            found.append(f"{names.get(code, code)} ({code}) on "
                         + _days_in_words([series.dates[i] for i in unknown]))
    if not found:
        return None
    return ("confirmed_cum unknown (cases.csv) on days the case forecast fits on: "
            f"{'; '.join(found)}. The rise across each gap between two known days is shared "
            "equally among its days (how many were confirmed is known, not on which day)"
            + ("; days after the last known count are left out of the fit and count no "
               "admissions" if after else "") + ". Check these days if you can fill them.")


def observed_series(cases: pd.DataFrame, region_codes: list[str], *,
                    stock: bool = False) -> pd.DataFrame:
    """Observed daily new confirmed cases and census of ``region_codes``.

    With ``stock``, the census is the reported patients in hospital (``cases.csv``
    ``hospitalised``), as the forecast of such a run is, and ``icu_census`` the reported
    patients in ICU (``icu``).

    Returns
    -------
    pandas.DataFrame
        ``region_code``, ``date``, ``new_confirmed`` [persons/day], ``census`` [persons],
        as :func:`pairaid.forecast.backtest.observed_values` defines them (reported
        increments, negative on re-count days; NaN where unknown); with ``stock`` also
        ``icu_census`` [persons].
    """
    rows = cases[cases["region_code"].isin(region_codes)]
    out = observed_values(rows).reset_index()
    out = out.rename(columns={"level_0": "region_code", "level_1": "date"})
    if stock:
        keys = pd.MultiIndex.from_arrays([out["region_code"], out["date"]])
        for column, target in (("hospitalised", "census"), ("icu", "icu_census")):
            if column not in rows.columns:
                out[target] = np.nan
                continue
            held = rows.set_index(["region_code", "date"])[column].astype(float)
            out[target] = held.reindex(keys).to_numpy()
    return out
