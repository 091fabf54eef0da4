"""Scenarios: joint sample paths of every recipient's census over the horizon.

A forecast table holds *marginal* quantiles per day; a plan evaluated on them never sees a
path that stays high for weeks, or two cities peaking together. A scenario is one sample
path per recipient over the whole horizon, drawn by the same model as the forecast
(:func:`pairaid.forecast.api.region_paths`: parametric bootstrap of the fitted model's
parameters, negative-binomial observation noise, then census through the length-of-stay
distribution with its own uncertainty). Paths of different recipients are drawn
independently given their fits. With the default model, the forecast's quantile
recalibration (:mod:`pairaid.forecast.online`) is carried to the paths by quantile
mapping (:func:`recalibrate_paths`), so that the paths' marginals are the forecast's.

Reproducibility whatever the number of workers: scenarios are cut into fixed chunks
(:func:`scenario_chunks`, by ``chunk_size``, never by worker count), and every
(chunk, recipient) has its own random stream from ``numpy.random.SeedSequence`` spawned
from the seed, so a chunk gives the same paths on any worker, in any order.

The *realised* scenario (:func:`realised_census`) is what happened: the observed census
after the decision date.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from pairaid.errors import ConfigError
from pairaid.forecast.api import region_paths, split_by_region
from pairaid.forecast.backtest import observed_values
from pairaid.forecast.calibration import shifts_for
from pairaid.forecast.census import LengthOfStay
from pairaid.forecast.registry import resolve_model

SCENARIO_LEVEL = 0.5
"""``quantile`` label of the single level of a one-path forecast table
(:func:`scenario_forecast`): a path has no quantile, the stages downstream need a level."""

DEFAULT_CHUNK_SIZE = 50
"""Scenarios per chunk (one Dask task) [-]: large enough that a task is not a tiny
scenario, small enough that 1,000 scenarios give 20 tasks to spread over workers."""


@dataclass(frozen=True)
class Chunk:
    """A block of consecutive scenarios and its random stream.

    Attributes
    ----------
    index : int
        Chunk number (0, 1, ...).
    start, stop : int
        Scenario numbers ``start .. stop - 1``.
    entropy : int
        Entropy of the root ``SeedSequence`` (from the seed).
    """

    index: int
    start: int
    stop: int
    entropy: int

    @property
    def size(self) -> int:
        """Number of scenarios in the chunk."""
        return self.stop - self.start

    def seed_sequence(self, *key: int) -> np.random.SeedSequence:
        """The ``SeedSequence`` of this chunk (and of a sub-stream ``key``): the child
        ``SeedSequence(seed).spawn(n)[index]`` would have, extended by ``key``."""
        return np.random.SeedSequence(self.entropy, spawn_key=(self.index, *key))


def scenario_chunks(n: int, *, seed: int, chunk_size: int = DEFAULT_CHUNK_SIZE) -> list[Chunk]:
    """Cut ``n`` scenarios into chunks of ``chunk_size`` (the last may be shorter).

    Raises
    ------
    ConfigError
        If ``n`` or ``chunk_size`` is below 1, or ``seed`` is negative.
    """
    if n < 1:
        raise ConfigError(f"scenarios: need at least 1, got {n}")
    if chunk_size < 1:
        raise ConfigError(f"chunk size: need at least 1, got {chunk_size}")
    if seed < 0:
        raise ConfigError(f"seed: must be >= 0, got {seed}")
    entropy = int(np.random.SeedSequence(seed).entropy)  # type: ignore[arg-type]
    return [Chunk(i, start, min(start + chunk_size, n), entropy)
            for i, start in enumerate(range(0, n, chunk_size))]


def region_key(region_code: str) -> int:
    """Stable integer key of a region code (its CRC-32), for its random sub-stream."""
    return zlib.crc32(region_code.encode())


def census_paths(cases: pd.DataFrame, *, region_codes: Sequence[str], origin: date,
                 horizon_days: int, chunk: Chunk,
                 parameters: Mapping[str, float] | None = None, model: str = "default",
                 events: str = "treat") -> np.ndarray:
    """Census sample paths of one chunk of scenarios.

    Parameters
    ----------
    cases : pandas.DataFrame
        The ``cases`` table (see :func:`pairaid.forecast.forecast_cases`); rows after
        ``origin`` are never used.
    region_codes : sequence of str
        Recipients.
    origin : datetime.date
        Decision date (last day of data used).
    horizon_days : int
        Days ahead [days].
    chunk : Chunk
        Which scenarios (and their random streams).
    parameters : mapping of str to float, optional
        ``los_mean_days``, ``los_shape`` as :func:`pairaid.forecast.forecast_cases`.
    model, events : str
        As :func:`pairaid.forecast.forecast_cases`.

    Returns
    -------
    numpy.ndarray, shape (chunk.size, len(region_codes), horizon_days)
        Census [persons] on days origin + 1 .. origin + horizon_days.
    """
    origin_ts = pd.Timestamp(origin).normalize()
    fn = resolve_model(model)
    los = LengthOfStay.from_parameters(parameters)
    by_region = split_by_region(cases)
    out = np.empty((chunk.size, len(region_codes), horizon_days))
    # the shifts depend on the table, the horizon and the number of paths only: once for
    # all regions
    table = None
    if model == "default":
        from pairaid.forecast.online import online_calibration

        table = online_calibration(cases, region_codes=list(region_codes), origin=origin,
                                   parameters=parameters, events=events)
    shifts = _rank_shifts(table, chunk.size, horizon_days) if table is not None else None
    for j, code in enumerate(region_codes):
        rng = np.random.default_rng(chunk.seed_sequence(region_key(code)))
        paths = region_paths(by_region[code], code, origin_ts, horizon_days, fn, los=los,
                             rng=rng, n_samples=chunk.size, events=events)
        out[:, j, :] = (recalibrate_paths(paths.census, table, shifts=shifts)
                        if table is not None and shifts is not None else paths.census)
    return out


def _rank_shifts(table: pd.DataFrame, n: int, h: int) -> np.ndarray:
    """Calibration shifts (H, n) of the path ranked k of n on each day 1 .. H."""
    levels = (np.arange(n) + 0.5) / n
    return np.asarray(shifts_for(table, "census", np.arange(1, h + 1), levels))


def recalibrate_paths(census: np.ndarray, table: pd.DataFrame, *,
                      shifts: np.ndarray | None = None) -> np.ndarray:
    """Carry the forecast's quantile recalibration to sample paths by quantile mapping.

    On each day, the path ranked ``k`` of ``n`` sits at level ``(k + 0.5) / n``; its value
    ``x`` becomes ``exp(log(1 + x) + d) - 1`` with ``d`` the calibration shift at that
    level and horizon (:func:`pairaid.forecast.calibration.shifts_for`), the transform
    :func:`pairaid.forecast.forecast_cases` applies to its quantiles. A path keeps its rank
    on every day it keeps it in the draw, so the time structure of paths is kept.

    Parameters
    ----------
    census : numpy.ndarray, shape (n, H)
        Paths [persons] on days 1 .. H after the origin.
    table : pandas.DataFrame
        Calibration table (:func:`pairaid.forecast.online.online_calibration`).
    shifts : numpy.ndarray, shape (H, n), optional
        The table's shifts by day and rank, when already computed for paths of this shape
        (they depend on ``table``, ``n`` and ``H`` only).

    Returns
    -------
    numpy.ndarray, shape (n, H)
        Recalibrated paths [persons], >= 0.
    """
    n, h = census.shape
    if shifts is None:
        shifts = _rank_shifts(table, n, h)  # (H, n) by rank
    ranks = np.argsort(np.argsort(census, axis=0, kind="stable"), axis=0, kind="stable")
    d = shifts[np.arange(h)[None, :], ranks]
    return np.maximum(np.expm1(np.log1p(np.maximum(census, 0.0)) + d), 0.0)


def scenario_forecast(census: np.ndarray, *, region_codes: Sequence[str],
                      origin: date) -> pd.DataFrame:
    """One scenario's census as a ``forecast`` table the later stages read.

    Parameters
    ----------
    census : numpy.ndarray, shape (len(region_codes), H)
        Census [persons] on days origin + 1 .. origin + H.

    Returns
    -------
    pandas.DataFrame
        ``region_code``, ``date``, ``target`` (``"census"``), ``quantile``
        (:data:`SCENARIO_LEVEL`), ``value`` [persons], ``estimated`` (False).
    """
    r, h = census.shape
    dates = pd.date_range(pd.Timestamp(origin) + pd.Timedelta(days=1), periods=h, freq="D")
    return pd.DataFrame({
        "region_code": np.repeat(np.asarray(region_codes, dtype=object), h),
        "date": np.tile(dates.to_numpy(), r),
        "target": "census",
        "quantile": SCENARIO_LEVEL,
        "value": census.reshape(-1).astype(float),
        "estimated": False,
    })


def realised_census(cases: pd.DataFrame, *, region_codes: Sequence[str], origin: date,
                    horizon_days: int) -> np.ndarray | None:
    """The observed census after the decision date: the *realised* scenario.

    Days without a known census inside the horizon are filled by linear interpolation
    between known days; a region with no known day after ``origin`` (or data ending
    before the horizon does) gives ``None``.

    Returns
    -------
    numpy.ndarray, shape (len(region_codes), horizon_days), or None
        Census [persons] (confirmed − deaths − recovered, as
        :func:`pairaid.forecast.backtest.observed_values`).
    """
    start = pd.Timestamp(origin) + pd.Timedelta(days=1)
    days = pd.date_range(start, periods=horizon_days, freq="D")
    rows = cases[cases["region_code"].isin(region_codes)]
    obs = observed_values(rows)["census"]
    out = np.empty((len(region_codes), horizon_days))
    for j, code in enumerate(region_codes):
        try:
            series = obs.xs(code, level=0)
        except KeyError:
            return None
        series = series.reindex(series.index.union(days)).astype(float)
        series = series.interpolate(method="time", limit_area="inside").reindex(days)
        if series.isna().any():
            return None
        out[j] = np.maximum(series.to_numpy(), 0.0)
    return out
