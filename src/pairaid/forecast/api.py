"""The forecast stage: ``forecast_cases(cases, ...) -> forecast table``."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from scipy import special

from pairaid.errors import ConfigError, InputError, Problem
from pairaid.forecast.census import (
    LOS_DRAW_LOG_SD,
    LengthOfStay,
    fit_los_mean,
    project_census,
    starting_census,
)
from pairaid.forecast.events import admissions_for_census, observed_census, region_series
from pairaid.forecast.models import ModelFn
from pairaid.forecast.quantiles import QUANTILES, check_quantile_levels, quantiles_from_samples
from pairaid.forecast.registry import DEFAULT_MODEL, model_names, resolve_model

#: Sample paths drawn per region [-]; 23 quantile levels down to 0.01 need >= ~500.
N_SAMPLES = 1000
_LOS_GROUPS = 8

FORECAST_COLUMNS = ["region_code", "date", "target", "quantile", "value", "estimated"]


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
    """

    new_confirmed: np.ndarray
    census: np.ndarray
    census_estimated: bool


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
    mean = fit_los_mean(admissions, observed, prior=los)
    # LOS uncertainty: the paths are split into groups, each with a LOS mean at an equally
    # spaced quantile of a log-normal around the fitted mean
    groups = np.array_split(np.arange(new.shape[0]), _LOS_GROUPS)
    levels = (np.arange(_LOS_GROUPS) + 0.5) / _LOS_GROUPS
    means = mean * np.exp(LOS_DRAW_LOG_SD * special.ndtri(levels))
    census = np.empty_like(new)
    for idx, m in zip(groups, means, strict=True):
        surv = LengthOfStay(float(m), los.shape).survival()
        census[idx] = project_census(admissions, c0, new[idx], surv)
    return RegionPaths(new_confirmed=new, census=census, census_estimated=estimated)


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
        :class:`pairaid.forecast.census.LengthOfStay`. Where the census is known on the 8
        days up to the origin, the mean is refitted to it with ``los_mean_days`` as the
        prior centre (:func:`pairaid.forecast.census.fit_los_mean`). Other names are
        ignored.
    quantiles : sequence of float
        Quantile levels in (0, 1); default the 23 COVID-19 Forecast Hub levels.
    model : str
        ``"default"`` or a name from :func:`pairaid.forecast.registry.model_names`.
    seed : int
        Random seed; equal inputs and seed give equal output.
    events : {"treat", "ignore"}
        Data-event treatment (:mod:`pairaid.forecast.events`).

    Returns
    -------
    pandas.DataFrame
        The ``forecast`` table: ``region_code`` (str), ``date`` (datetime64),
        ``target`` (``"new_confirmed"`` [persons/day] or ``"census"`` [persons]),
        ``quantile`` (float), ``value`` [persons], ``estimated`` (bool: the census rows of a
        region whose starting census used an estimated recovered count). Values are
        non-decreasing in ``quantile`` within each (region, date, target).

    Raises
    ------
    InputError
        If ``cases`` lacks a column, a region has no rows, or no known count on the origin.
    ConfigError
        If ``model``, ``quantiles``, ``horizon_days``, ``events`` or a parameter is invalid.
    """
    origin_ts = pd.Timestamp(origin).normalize()
    levels = check_quantile_levels(quantiles)
    fn = resolve_model(model)
    los = LengthOfStay.from_parameters(parameters)
    _check_inputs(cases, region_codes, origin_ts, horizon_days)
    dates = pd.date_range(origin_ts + pd.Timedelta(days=1), periods=horizon_days, freq="D")
    frames = []
    by_region = split_by_region(cases)
    for code in region_codes:
        paths = region_paths(
            by_region[code],
            code,
            origin_ts,
            horizon_days,
            fn,
            los=los,
            rng=region_rng(seed, code, origin_ts),
            events=events,
        )
        for target, samples, est in (
            ("new_confirmed", paths.new_confirmed, False),
            ("census", paths.census, paths.census_estimated),
        ):
            q = quantiles_from_samples(samples, levels)
            frames.append(
                pd.DataFrame(
                    {
                        "region_code": code,
                        "date": np.repeat(dates.to_numpy(), len(levels)),
                        "target": target,
                        "quantile": np.tile(levels, horizon_days),
                        "value": q.T.reshape(-1),
                        "estimated": est,
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
