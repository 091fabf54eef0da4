"""Rolling-origin backtest of the forecast models on a case table.

For every model entry and forecast origin, each region's model is fitted to the data up to
the origin only (:func:`pairaid.forecast.api.region_paths`), and its quantile forecasts for
``origin + h`` (``h`` in the horizons) are compared with what was reported: the daily new
confirmed count of that day (the reported increment, as published, even when negative)
and the census (confirmed - deaths - recovered, where all three are known).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from pairaid.forecast.api import N_SAMPLES, region_paths, region_rng, split_by_region
from pairaid.forecast.census import LengthOfStay
from pairaid.forecast.quantiles import QUANTILES, quantiles_from_samples
from pairaid.forecast.registry import DEFAULT_MODEL, model_names, resolve_model
from pairaid.forecast.scoring import (
    absolute_error,
    absolute_percentage_error,
    interval_coverage,
    weighted_interval_score,
)

#: Forecast origins of issue 3: every 3 days from 2020-02-01 up to 2020-03-01.
DEFAULT_ORIGINS: tuple[date, ...] = tuple(
    date(2020, 2, 1) + timedelta(days=3 * k) for k in range(10)
)
DEFAULT_HORIZONS: tuple[int, ...] = (7, 14)
#: Reference model of the relative WIS.
REFERENCE_MODEL = "exponential"

SCORE_COLUMNS = [
    "model",
    "target",
    "horizon_days",
    "n",
    "mae",
    "mape",
    "wis",
    "rel_wis",
    "rel_wis_median",
    "coverage_50",
    "coverage_90",
]


@dataclass(frozen=True)
class BacktestEntry:
    """One line of the backtest: a model with a data-event treatment.

    Attributes
    ----------
    label : str
        Name in the score table.
    model : str
        Model name (see :func:`pairaid.forecast.registry.model_names`).
    events : str
        Data-event treatment, ``"treat"`` or ``"ignore"``.
    """

    label: str
    model: str
    events: str = "treat"


def default_entries() -> list[BacktestEntry]:
    """Every model with the data-event treatment, plus the default model without it."""
    entries = [BacktestEntry(name, name) for name in model_names()]
    entries.append(BacktestEntry(f"{DEFAULT_MODEL}[events=ignore]", DEFAULT_MODEL, "ignore"))
    return entries


def observed_values(cases: pd.DataFrame) -> pd.DataFrame:
    """Reported daily new confirmed and census per region and day (NaN = unknown).

    Returns
    -------
    pandas.DataFrame
        Indexed by (``region_code``, ``date``), columns ``new_confirmed`` [persons/day] (the
        reported increment, may be negative) and ``census`` [persons].
    """
    df = cases.sort_values(["region_code", "date"])
    vals = {
        c: df[c].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        for c in ("confirmed_cum", "deaths_cum", "recovered_cum")
    }
    prev = df.groupby("region_code")["confirmed_cum"].shift(1)
    prev_ok = df.groupby("region_code")["date"].shift(1) == df["date"] - pd.Timedelta(days=1)
    prev_vals = prev.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    new = np.where(prev_ok.to_numpy(), vals["confirmed_cum"] - prev_vals, np.nan)
    census = vals["confirmed_cum"] - vals["deaths_cum"] - vals["recovered_cum"]
    index = pd.MultiIndex.from_arrays([df["region_code"].astype(str), df["date"]])
    return pd.DataFrame({"new_confirmed": new, "census": census}, index=index)


def forecast_one_origin(
    cases: pd.DataFrame,
    entry: BacktestEntry,
    origin: date,
    *,
    region_codes: Sequence[str],
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    n_samples: int = N_SAMPLES,
    seed: int = 0,
) -> pd.DataFrame:
    """Forecasts of one entry at one origin, with the observed values.

    Returns
    -------
    pandas.DataFrame
        One row per (region, horizon, target): ``model``, ``origin``, ``region_code``,
        ``horizon_days``, ``target``, ``observed`` [persons], and one column per quantile
        level ``q0.01`` ... ``q0.99`` [persons].
    """
    levels = np.asarray(QUANTILES)
    fn = resolve_model(entry.model)
    los = LengthOfStay()
    origin_ts = pd.Timestamp(origin)
    horizon = max(horizons)
    observed = observed_values(cases)
    records = []
    by_region = split_by_region(cases)
    for region in region_codes:
        paths = region_paths(
            by_region[region],
            region,
            origin_ts,
            horizon,
            fn,
            los=los,
            rng=region_rng(seed, region, origin_ts),
            n_samples=n_samples,
            events=entry.events,
        )
        for target, samples in (("new_confirmed", paths.new_confirmed), ("census", paths.census)):
            q = quantiles_from_samples(samples, levels)
            for h in horizons:
                key = (region, origin_ts + pd.Timedelta(days=h))
                value = float(observed[target].get(key, np.nan))
                rec = {
                    "model": entry.label,
                    "origin": origin_ts,
                    "region_code": region,
                    "horizon_days": h,
                    "target": target,
                    "observed": value,
                }
                rec.update(
                    {f"q{lv:g}": float(v) for lv, v in zip(levels, q[:, h - 1], strict=True)}
                )
                records.append(rec)
    return pd.DataFrame.from_records(records)


_CASES: pd.DataFrame | None = None


def _init_worker(cases: pd.DataFrame) -> None:
    global _CASES
    _CASES = cases


def _task(
    args: tuple[tuple[BacktestEntry, ...], date, tuple[str, ...], tuple[int, ...], int, int],
) -> pd.DataFrame:
    entries, origin, regions, horizons, n_samples, seed = args
    assert _CASES is not None
    return pd.concat(
        [
            forecast_one_origin(
                _CASES,
                entry,
                origin,
                region_codes=regions,
                horizons=horizons,
                n_samples=n_samples,
                seed=seed,
            )
            for entry in entries
        ],
        ignore_index=True,
    )


def run_backtest(
    cases: pd.DataFrame,
    *,
    region_codes: Sequence[str],
    entries: Sequence[BacktestEntry] | None = None,
    origins: Sequence[date] = DEFAULT_ORIGINS,
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    n_samples: int = N_SAMPLES,
    seed: int = 0,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """All forecasts of a rolling-origin backtest, with observations.

    Parameters
    ----------
    cases : pandas.DataFrame
        The ``cases`` table (full history; each fit only sees rows up to its origin).
    region_codes : sequence of str
        Regions to forecast.
    entries : sequence of BacktestEntry, optional
        Models to run; default :func:`default_entries`.
    origins : sequence of datetime.date
        Forecast origins.
    horizons : sequence of int
        Horizons to score [days].
    n_samples : int
        Sample paths per forecast.
    seed : int
        Random seed.
    workers : int, optional
        Worker processes (default: number of CPUs); 1 runs in this process. One task per
        origin.
    progress : callable, optional
        ``progress(done, total)`` counting (entry, origin) forecasts, after each origin.

    Returns
    -------
    pandas.DataFrame
        Rows of :func:`forecast_one_origin` for every entry and origin.
    """
    entries = list(entries) if entries is not None else default_entries()
    # one task per origin: every entry of an origin runs in one process, so the ensembles
    # reuse their members' fits (see pairaid.forecast.nb.cached_fit)
    tasks = [
        (tuple(entries), o, tuple(region_codes), tuple(horizons), n_samples, seed) for o in origins
    ]
    total = len(tasks) * len(entries)
    workers = workers or os.cpu_count() or 1
    frames: list[pd.DataFrame] = []
    if workers <= 1:
        _init_worker(cases)
        for i, t in enumerate(tasks, 1):
            frames.append(_task(t))
            if progress:
                progress(i * len(entries), total)
    else:
        with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(cases,)) as pool:
            futures = [pool.submit(_task, t) for t in tasks]
            for i, fut in enumerate(as_completed(futures), 1):
                frames.append(fut.result())
                if progress:
                    progress(i * len(entries), total)
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(
        ["model", "origin", "region_code", "target", "horizon_days"]
    ).reset_index(drop=True)


def score_backtest(forecasts: pd.DataFrame, *, reference: str = REFERENCE_MODEL) -> pd.DataFrame:
    """Score table per model, target and horizon.

    Parameters
    ----------
    forecasts : pandas.DataFrame
        Output of :func:`run_backtest`; rows with unknown ``observed`` are left out.
    reference : str
        Model label of the relative-WIS reference (the exponential baseline).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SCORE_COLUMNS`: ``n`` scored forecasts; ``mae`` [persons] and ``mape``
        [-] of the median (MAPE over observations != 0); ``wis`` mean WIS [persons];
        ``rel_wis`` = mean WIS / mean WIS of the reference over the same (origin, region)
        pairs; ``rel_wis_median`` = median over origins of the per-origin ratio of mean WIS;
        ``coverage_50``, ``coverage_90`` = share of observations inside the central 50 % and
        90 % prediction intervals [-].
    """
    levels = np.asarray(QUANTILES)
    qcols = [f"q{lv:g}" for lv in levels]
    df = forecasts.loc[forecasts["observed"].notna()].copy()
    vals = df[qcols].to_numpy(dtype=float)
    y = df["observed"].to_numpy(dtype=float)
    df["wis"] = weighted_interval_score(levels, vals, y)
    df["ae"] = absolute_error(df["q0.5"].to_numpy(dtype=float), y)
    df["ape"] = absolute_percentage_error(df["q0.5"].to_numpy(dtype=float), y)
    df["in50"] = interval_coverage(levels, vals, y, 0.5)
    df["in90"] = interval_coverage(levels, vals, y, 0.9)
    key = ["origin", "region_code", "target", "horizon_days"]
    ref = df.loc[df["model"] == reference, [*key, "wis"]].rename(columns={"wis": "ref_wis"})
    df = df.merge(ref, on=key, how="left")
    rows = []
    for keys, g in df.groupby(["model", "target", "horizon_days"], sort=True):
        model, target, h = keys
        paired = g.loc[g["ref_wis"].notna()]
        per_origin = paired.groupby("origin")[["wis", "ref_wis"]].mean()
        ratios = (per_origin["wis"] / per_origin["ref_wis"]).replace([np.inf, -np.inf], np.nan)
        rows.append(
            {
                "model": model,
                "target": target,
                "horizon_days": int(str(h)),
                "n": len(g),
                "mae": g["ae"].mean(),
                "mape": g["ape"].mean(),
                "wis": g["wis"].mean(),
                "rel_wis": paired["wis"].mean() / paired["ref_wis"].mean()
                if len(paired) and paired["ref_wis"].mean() > 0
                else np.nan,
                "rel_wis_median": float(np.nanmedian(ratios)) if ratios.notna().any() else np.nan,
                "coverage_50": g["in50"].mean(),
                "coverage_90": g["in90"].mean(),
            }
        )
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)
