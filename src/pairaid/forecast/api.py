"""The forecast stage: ``forecast_cases(cases, ...) -> forecast table``."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from pairaid.errors import ConfigError, InputError, Problem
from pairaid.forecast.calibration import apply_shifts, shifts_for
from pairaid.forecast.census import LengthOfStay, project_census, starting_census
from pairaid.forecast.discharges import fit_los_posterior
from pairaid.forecast.events import admissions_for_census, observed_census, region_series
from pairaid.forecast.models import ModelFn
from pairaid.forecast.quantiles import QUANTILES, check_quantile_levels, quantiles_from_samples
from pairaid.forecast.registry import DEFAULT_MODEL, model_names, resolve_model
from pairaid.forecast.weekly import (
    CASE_TARGETS,
    DAILY_TARGETS,
    WEEKLY_TARGET,
    reported_in_window,
    weekly_paths,
)
from pairaid.forecast.workers import paths_by_region

#: Sample paths drawn per region [-]; 23 quantile levels down to 0.01 need >= ~500.
N_SAMPLES = 1000
_LOS_GROUPS = 8

FORECAST_COLUMNS = [
    "region_code",
    "date",
    "target",
    "quantile",
    "value",
    "estimated",
    "los_source",
]


@dataclass(frozen=True)
class RegionPaths:
    """Sample paths of one region's forecast.

    Attributes
    ----------
    new_confirmed : numpy.ndarray, shape (n, H)
        Daily new confirmed cases [persons/day].
    census : numpy.ndarray, shape (n, H)
        Census [persons].
    census_estimated : bool
        The starting census used an estimated recovered count.
    los_from_data : bool
        The length of stay was fitted to the region's own removals (else literature).
    reported_before : numpy.ndarray, shape (H,), optional
        Cases reported on or before the origin in the 7-day window ending on each day
        ahead (:func:`pairaid.forecast.weekly.reported_in_window`) [persons]; zeros if
        not given.
    """

    new_confirmed: np.ndarray
    census: np.ndarray
    census_estimated: bool
    los_from_data: bool = False
    reported_before: np.ndarray | None = None

    def target(self, name: str) -> np.ndarray:
        """Sample paths of one target (:data:`pairaid.forecast.weekly.CASE_TARGETS`),
        shape (n, H): daily new cases [persons/day], census [persons] or weekly incidence
        [persons per 7 days], the latter summed per path (:func:`pairaid.forecast.weekly.
        weekly_paths`)."""
        if name == WEEKLY_TARGET:
            before = (self.reported_before if self.reported_before is not None
                      else np.zeros(self.new_confirmed.shape[1]))
            return weekly_paths(self.new_confirmed, before)
        return self.census if name == "census" else self.new_confirmed


def split_by_region(cases: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The ``cases`` table split into one frame per region (cheaper repeated slicing)."""
    return {str(code): frame for code, frame in cases.groupby("region_code", sort=False)}


def region_rng(seed: int, region_code: str, origin: pd.Timestamp) -> np.random.Generator:
    """Reproducible random source per (seed, region, origin)."""
    key = zlib.crc32(f"{region_code}|{origin.date().isoformat()}".encode())
    return np.random.default_rng([seed, key])


def region_paths(
    cases: pd.DataFrame,
    region_code: str,
    origin: pd.Timestamp,
    horizon: int,
    model: ModelFn,
    *,
    los: LengthOfStay,
    rng: np.random.Generator,
    n_samples: int = N_SAMPLES,
    events: str = "treat",
) -> RegionPaths:
    """Fit ``model`` to one region's data up to ``origin`` and sample its future.

    Parameters
    ----------
    cases : pandas.DataFrame
        The ``cases`` table (see :func:`forecast_cases`); rows after ``origin`` are ignored.
    region_code : str
        Region.
    origin : pandas.Timestamp
        Forecast origin (last day of data used).
    horizon : int
        Days ahead [days].
    model : callable
        A model function, see :mod:`pairaid.forecast.models`.
    los : LengthOfStay
        Length-of-stay distribution.
    rng : numpy.random.Generator
        Random source.
    n_samples : int
        Number of sample paths.
    events : {"treat", "ignore"}
        Data-event treatment (see :mod:`pairaid.forecast.events`).

    Returns
    -------
    RegionPaths
    """
    series = region_series(cases, region_code, origin, treatment=events)
    new = model(series, horizon, rng, n_samples)
    rows = (
        cases.loc[(cases["region_code"] == region_code) & (cases["date"] <= origin)]
        .set_index("date")
        .reindex(series.dates)
    )

    def col(name: str) -> np.ndarray:
        return rows[name].astype("Float64").to_numpy(dtype=float, na_value=np.nan)

    admissions = admissions_for_census(series)
    confirmed, deaths, recovered = col("confirmed_cum"), col("deaths_cum"), col("recovered_cum")
    c0, estimated = starting_census(confirmed, deaths, recovered, admissions, los.survival(),
                                    events=events)
    observed, _ = observed_census(confirmed, deaths, recovered, treatment=events)
    # LOS from the region's own removals (discharges + deaths) where they say enough, else
    # the literature distribution; the paths are split into groups, each with one LOS
    # distribution drawn from the posterior
    posterior = fit_los_posterior(admissions, observed, prior=los)
    groups = np.array_split(np.arange(new.shape[0]), _LOS_GROUPS)
    census = np.empty_like(new)
    for idx, (dist, trend) in zip(groups, posterior.draws(rng, _LOS_GROUPS), strict=True):
        census[idx] = project_census(
            admissions, c0, new[idx], dist.survival(), rng, batch_size=posterior.nb_size,
            hazard_multiplier=posterior.multiplier(trend, new.shape[1]),
        )
    return RegionPaths(
        new_confirmed=new,
        census=census,
        census_estimated=estimated,
        los_from_data=posterior.from_data,
        reported_before=reported_in_window(series, horizon),
    )


def _check_inputs(
    cases: pd.DataFrame, region_codes: Sequence[str], origin: pd.Timestamp, horizon_days: int
) -> None:
    problems: list[Problem] = []
    for column in ("date", "region_code", "confirmed_cum", "deaths_cum", "recovered_cum"):
        if column not in cases.columns:
            problems.append(Problem("cases", "required column is missing", column=column))
    if problems:
        raise InputError(problems)
    known = set(cases["region_code"].astype(str))
    for code in region_codes:
        if code not in known:
            problems.append(Problem("cases", f"no rows for region {code!r}", column="region_code"))
        elif not (
            (cases["region_code"] == code)
            & (cases["date"] == origin)
            & cases["confirmed_cum"].notna()
        ).any():
            problems.append(
                Problem(
                    "cases",
                    f"region {code!r} has no known confirmed_cum on the origin "
                    f"{origin.date().isoformat()}",
                    column="confirmed_cum",
                )
            )
    if problems:
        raise InputError(problems)
    if horizon_days < 1:
        raise ConfigError(f"horizon_days: must be at least 1, got {horizon_days}")


def forecast_cases(
    cases: pd.DataFrame,
    *,
    region_codes: Sequence[str],
    origin: date,
    horizon_days: int,
    parameters: Mapping[str, float] | None = None,
    quantiles: Sequence[float] = QUANTILES,
    model: str = "default",
    seed: int = 0,
    events: str = "treat",
    workers: int = 1,
    targets: Sequence[str] = DAILY_TARGETS,
) -> pd.DataFrame:
    """Forecast daily new confirmed cases and hospital census with quantiles.

    Each region's model is fitted to its data up to and including ``origin`` only; the
    future is sampled (parametric bootstrap of the fitted parameters plus negative-binomial
    observation noise) and summarised by quantiles. Census = confirmed patients in hospital
    (every confirmed case hospitalised or isolated under care, Hubei Feb 2020), starting
    from the observed census at the origin, plus forecast admissions through the
    length-of-stay distribution (:mod:`pairaid.forecast.census`).

    Parameters
    ----------
    cases : pandas.DataFrame
        The ``cases`` table: ``date`` (datetime64, midnight), ``region_code`` (str),
        ``confirmed_cum``, ``deaths_cum``, ``recovered_cum`` [persons] (nullable Int64,
        NA = unknown), counts as of 24:00 of ``date``.
    region_codes : sequence of str
        Regions to forecast.
    origin : datetime.date
        Forecast origin: last day of data used.
    horizon_days : int
        Number of days ahead [days]; the output covers origin+1 .. origin+horizon_days.
    parameters : mapping of str to float, optional
        ``los_mean_days`` [days] (default 15.1) and ``los_shape`` [-] (default 4.71): see
        :class:`pairaid.forecast.census.LengthOfStay`. Where the region's discharges and
        deaths are known over the days up to the origin, the LOS mean and shape are fitted
        to them with these values as the prior centre
        (:func:`pairaid.forecast.discharges.fit_los_posterior`). Other names are ignored.
    quantiles : sequence of float
        Quantile levels in (0, 1); default the 23 COVID-19 Forecast Hub levels.
    model : str
        ``"default"`` (the model :data:`pairaid.forecast.registry.DEFAULT_MODEL` with its
        quantile recalibration from what is known on ``origin`` and a prior table fitted
        on other regions, :mod:`pairaid.forecast.online`) or a name from
        :func:`pairaid.forecast.registry.model_names` (that model as it is, no
        recalibration).
    seed : int
        Random seed; equal inputs and seed give equal output.
    events : {"treat", "ignore"}
        Data-event treatment (:mod:`pairaid.forecast.events`).
    workers : int
        Processes that draw the regions' paths, 1 or 2 (one forked process, see
        :func:`pairaid.forecast.workers.paths_by_region`); the forecast is the same.
    targets : sequence of str
        Targets to output, from :data:`pairaid.forecast.weekly.CASE_TARGETS`; default the
        daily ones (``new_confirmed``, ``census``). ``new_confirmed_week`` adds weekly
        incidence, the Forecast Hubs' case target: new confirmed cases in the 7 days ending
        on the date [persons per 7 days], quantiles over the paths' sums, days on or before
        the origin taken as reported (:mod:`pairaid.forecast.weekly`). The paths, and so
        the other targets, do not depend on this choice.

    Returns
    -------
    pandas.DataFrame
        The ``forecast`` table: ``region_code`` (str), ``date`` (datetime64),
        ``target`` (``"new_confirmed"`` [persons/day], ``"census"`` [persons] or, if
        asked, ``"new_confirmed_week"`` [persons per 7 days]), ``quantile`` (float),
        ``value`` [persons], ``estimated`` (bool: the census rows of a
        region whose starting census used an estimated recovered count), ``los_source``
        (census rows: ``"data"`` if the length of stay was fitted to the region's own
        discharges and deaths, ``"literature"`` if the data could not say and the
        literature distribution was used, :mod:`pairaid.forecast.discharges`; ``""`` on
        new-case rows). Values are non-decreasing in ``quantile`` within each (region,
        date, target).

    Raises
    ------
    InputError
        If ``cases`` lacks a column, a region has no rows, or no known count on the origin.
    ConfigError
        If ``model``, ``quantiles``, ``horizon_days``, ``events``, ``targets`` or a
        parameter is invalid.
    """
    targets = (targets,) if isinstance(targets, str) else tuple(dict.fromkeys(targets))
    unknown = [t for t in targets if t not in CASE_TARGETS]
    if unknown or not targets:
        what = f"unknown target {unknown[0]!r}" if unknown else "no target given"
        raise ConfigError(f"targets: {what}; use some of {list(CASE_TARGETS)}")
    origin_ts = pd.Timestamp(origin).normalize()
    levels = check_quantile_levels(quantiles)
    fn = resolve_model(model)
    los = LengthOfStay.from_parameters(parameters)
    _check_inputs(cases, region_codes, origin_ts, horizon_days)
    table = None
    if model == "default":
        from pairaid.forecast.online import online_calibration

        table = online_calibration(cases, region_codes=list(region_codes), origin=origin,
                                   parameters=parameters, events=events, seed=seed)
    dates = pd.date_range(origin_ts + pd.Timedelta(days=1), periods=horizon_days, freq="D")
    frames = []
    steps = np.arange(1, horizon_days + 1)
    shifts = {target: shifts_for(table, target, steps, levels)
              for target in targets} if table is not None else {}
    by_region = split_by_region(cases)

    def job(code: str) -> RegionPaths:
        return region_paths(
            by_region[code],
            code,
            origin_ts,
            horizon_days,
            fn,
            los=los,
            rng=region_rng(seed, code, origin_ts),
            events=events,
        )

    drawn = paths_by_region(job, list(region_codes), workers=workers)
    for code in region_codes:
        paths = drawn[code]
        for target in targets:
            est = paths.census_estimated if target == "census" else False
            q = quantiles_from_samples(paths.target(target), levels)
            if table is not None:
                q = apply_shifts(q.T, shifts[target]).T
            frames.append(
                pd.DataFrame(
                    {
                        "region_code": code,
                        "date": np.repeat(dates.to_numpy(), len(levels)),
                        "target": target,
                        "quantile": np.tile(levels, horizon_days),
                        "value": q.T.reshape(-1),
                        "estimated": est,
                        "los_source": ("data" if paths.los_from_data else "literature")
                        if target == "census"
                        else "",
                    }
                )
            )
    if not frames:
        return pd.DataFrame({c: [] for c in FORECAST_COLUMNS})
    out = pd.concat(frames, ignore_index=True)
    out["region_code"] = out["region_code"].astype(str)
    out["estimated"] = out["estimated"].astype(bool)
    return out[FORECAST_COLUMNS]


__all__ = ["DEFAULT_MODEL", "N_SAMPLES", "forecast_cases", "model_names", "region_paths"]
