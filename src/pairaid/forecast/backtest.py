"""Rolling-origin backtest of the forecast models on a case table.

For every model entry and forecast origin, each region's model is fitted to the data up to
the origin only (:func:`pairaid.forecast.api.region_paths`), and its quantile forecasts for
``origin + h`` (``h`` in the horizons) are compared with what was reported: the daily new
confirmed count of that day (the reported increment, as published, even when negative),
the census (confirmed - deaths - recovered, where all three are known) and the weekly
incidence, the Forecast Hubs' case target (cases reported in the 7 days ending on that
day, :mod:`pairaid.forecast.weekly`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from pairaid.forecast.api import N_SAMPLES, region_paths, region_rng, split_by_region
from pairaid.forecast.baseline import LEVEL_WINDOW_DAYS, baseline_quantiles
from pairaid.forecast.calibration import default_calibration
from pairaid.forecast.census import LengthOfStay
from pairaid.forecast.events import region_series
from pairaid.forecast.quantiles import QUANTILES, quantiles_from_samples
from pairaid.forecast.registry import DEFAULT_MODEL, model_names, resolve_model
from pairaid.forecast.scoring import (
    absolute_error,
    absolute_percentage_error,
    expected_interval_coverage,
    interval_coverage,
    pairwise_relative_wis,
    pit_interval_coverage,
    weighted_interval_score,
)
from pairaid.forecast.weekly import (
    CASE_TARGETS,
    WEEKLY_TARGET,
    observed_weekly,
    weekly_baseline_quantiles,
)

#: Forecast origins of issue 3: every 3 days from 2020-02-01 up to 2020-03-01.
DEFAULT_ORIGINS: tuple[date, ...] = tuple(
    date(2020, 2, 1) + timedelta(days=3 * k) for k in range(10)
)
DEFAULT_HORIZONS: tuple[int, ...] = (7, 14)
#: Reference model of the relative WIS: persistence with widening intervals (the Forecast
#: Hub baseline, :mod:`pairaid.forecast.baseline`). It is not a sampling model: the
#: backtest computes its quantiles directly.
REFERENCE_MODEL = "baseline"

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
    "rel_wis_p10",
    "rel_wis_p90",
    "coverage_50",
    "coverage_90",
    "expected_coverage_90",
    "pit_coverage_50",
    "pit_coverage_90",
    "zero_share",
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
    calibrated : bool
        Recalibrate the quantiles online, from the model's own errors observable at each
        origin and the prior table (:mod:`pairaid.forecast.online`), as
        ``forecast_cases(model="default")`` does.
    """

    label: str
    model: str
    events: str = "treat"
    calibrated: bool = False


def default_entries() -> list[BacktestEntry]:
    """The baseline, every model with the data-event treatment, and the default model
    without it."""
    entries = [BacktestEntry(REFERENCE_MODEL, REFERENCE_MODEL)]
    entries += [BacktestEntry(name, name) for name in model_names()]
    entries.append(BacktestEntry("default", DEFAULT_MODEL, calibrated=True))
    entries.append(
        BacktestEntry("default[events=ignore]", DEFAULT_MODEL, "ignore", calibrated=True)
    )
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


def _quantile_rows(
    entry: BacktestEntry,
    cases: pd.DataFrame,
    region: str,
    origin_ts: pd.Timestamp,
    horizons: Sequence[int],
    *,
    n_samples: int,
    seed: int,
    los: LengthOfStay,
    targets: Sequence[str] = CASE_TARGETS,
) -> dict[str, np.ndarray]:
    """Quantiles (levels x max horizon) per target of one entry, region and origin (raw:
    the online recalibration of calibrated entries is applied by :func:`run_backtest`)."""
    levels = np.asarray(QUANTILES)
    horizon = max(horizons)
    if entry.model == REFERENCE_MODEL:
        series = region_series(cases, region, origin_ts, treatment=entry.events)
        census = observed_values(cases)["census"].droplevel(0).reindex(series.dates)
        steps = np.arange(1, horizon + 1)
        baseline = {
            "new_confirmed": lambda: baseline_quantiles(
                series.daily, steps, levels, window=LEVEL_WINDOW_DAYS
            ),
            "census": lambda: baseline_quantiles(census.to_numpy(dtype=float), steps, levels,
                                                 window=1),
            WEEKLY_TARGET: lambda: weekly_baseline_quantiles(series, steps, levels),
        }
        return {t: baseline[t]() for t in targets}
    paths = region_paths(
        cases,
        region,
        origin_ts,
        horizon,
        resolve_model(entry.model),
        los=los,
        rng=region_rng(seed, region, origin_ts),
        n_samples=n_samples,
        events=entry.events,
    )
    return {t: quantiles_from_samples(paths.target(t), levels) for t in targets}


def forecast_one_origin(
    cases: pd.DataFrame,
    entry: BacktestEntry,
    origin: date,
    *,
    region_codes: Sequence[str],
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    n_samples: int = N_SAMPLES,
    seed: int = 0,
    los: LengthOfStay | None = None,
    targets: Sequence[str] = CASE_TARGETS,
) -> pd.DataFrame:
    """Forecasts of one entry at one origin, with the observed values (raw quantiles).

    ``los`` is the length-of-stay prior of the census (default
    :class:`pairaid.forecast.census.LengthOfStay`, the hospital stay in China). The observed
    values are read from ``cases`` (pass the rows known on a date to score only what was
    known then). ``targets``: from :data:`pairaid.forecast.weekly.CASE_TARGETS` (default
    all: daily new cases, census, weekly incidence).

    Returns
    -------
    pandas.DataFrame
        One row per (region, horizon, target): ``model``, ``origin``, ``region_code``,
        ``horizon_days``, ``target``, ``observed`` [persons], and one column per quantile
        level ``q0.01`` ... ``q0.99`` [persons].
    """
    levels = np.asarray(QUANTILES)
    origin_ts = pd.Timestamp(origin)
    observed = observed_values(cases)
    observed[WEEKLY_TARGET] = observed_weekly(cases).reindex(observed.index)
    records = []
    by_region = split_by_region(cases)
    los = los or LengthOfStay()
    for region in region_codes:
        quantiles = _quantile_rows(
            entry, by_region[region], region, origin_ts, horizons, n_samples=n_samples,
            seed=seed, los=los, targets=targets,
        )
        for target, q in quantiles.items():
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


#: One forecast job of a task: entry, horizons, regions.
_Job = tuple[BacktestEntry, tuple[int, ...], tuple[str, ...]]
#: Label suffix of the raw forecasts at earlier origins that feed the online recalibration.
HISTORY_SUFFIX = "#history"


def _task(args: tuple[tuple[_Job, ...], date, int, int, LengthOfStay | None, tuple[str, ...]]
          ) -> pd.DataFrame:
    jobs, origin, n_samples, seed, los, targets = args
    assert _CASES is not None
    frames = [
        forecast_one_origin(
            _CASES,
            entry,
            origin,
            region_codes=regions,
            horizons=horizons,
            n_samples=n_samples,
            seed=seed,
            los=los,
            targets=targets,
        )
        for entry, horizons, regions in jobs
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _jobs_per_origin(
    cases: pd.DataFrame, entries: Sequence[BacktestEntry], origins: Sequence[date],
    region_codes: Sequence[str], horizons: Sequence[int], window: int, history: bool,
) -> dict[date, list[_Job]]:
    """Scored entries at the origins; raw history of calibrated entries at earlier origins."""
    from pairaid.forecast.online import OWN_HORIZON, forecastable, history_origins

    jobs: dict[date, list[_Job]] = {}
    for o in origins:
        jobs.setdefault(o, []).extend(
            (e, tuple(horizons), tuple(region_codes)) for e in entries)
    calibrated = [e for e in entries if e.calibrated]
    if calibrated and history:
        earlier = sorted({h.date() for o in origins for h in history_origins(pd.Timestamp(o),
                                                                  window=window)})
        for o in earlier:
            regions = tuple(forecastable(cases, region_codes, pd.Timestamp(o)))
            if regions:
                jobs.setdefault(o, []).extend(
                    (BacktestEntry(e.label + HISTORY_SUFFIX, e.model, e.events),
                     tuple(range(1, OWN_HORIZON + 1)), regions) for e in calibrated)
    return jobs


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
    prior: pd.DataFrame | None = None,
    keep_history: bool = False,
    window: int | None = None,
    prior_weight: float | None = None,
    los: LengthOfStay | None = None,
    targets: Sequence[str] = CASE_TARGETS,
) -> pd.DataFrame:
    """All forecasts of a rolling-origin backtest, with observations.

    Calibrated entries are recalibrated online (:mod:`pairaid.forecast.online`): at each
    origin from their raw forecasts at the earlier origins it needs (run here too, for the
    same regions) whose outcomes are known by then, and the prior table.

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
        ``progress(done, total)`` counting (entry, origin) forecasts of the scored origins,
        after each task (earlier origins run for the online recalibration are spread over
        the count).
    prior : pandas.DataFrame, optional
        Prior table of the online recalibration (default the shipped one,
        :func:`pairaid.forecast.calibration.default_calibration`).
    keep_history : bool
        Keep the raw earlier-origin rows (labelled ``<label>#history``) in the output.
    window, prior_weight : optional
        Online recalibration settings (default :data:`pairaid.forecast.online.WINDOW_DAYS`,
        :data:`pairaid.forecast.online.PRIOR_WEIGHT`).
    los : LengthOfStay, optional
        Length-of-stay prior of the census (default: the hospital stay in China,
        :class:`pairaid.forecast.census.LengthOfStay`).
    targets : sequence of str
        Targets scored (:data:`pairaid.forecast.weekly.CASE_TARGETS`, the default: daily
        new cases, census and weekly incidence).

    Returns
    -------
    pandas.DataFrame
        Rows of :func:`forecast_one_origin` for every entry and origin.
    """
    from pairaid.forecast.online import PRIOR_WEIGHT, WINDOW_DAYS, recalibrate_online

    window = WINDOW_DAYS if window is None else window
    prior_weight = PRIOR_WEIGHT if prior_weight is None else prior_weight
    entries = list(entries) if entries is not None else default_entries()
    jobs = _jobs_per_origin(cases, entries, origins, region_codes, horizons, window,
                            history=keep_history or not math.isinf(prior_weight))
    # one task per origin: every entry of an origin runs in one process, so the ensembles
    # reuse their members' fits (see pairaid.forecast.nb.cached_fit)
    tasks = [(tuple(j), o, n_samples, seed, los, tuple(targets))
             for o, j in sorted(jobs.items())]
    # progress in (entry, origin) forecasts of the scored origins, as before the history
    total = len(entries) * len(origins)

    def report(i: int) -> None:
        if progress:
            progress(round(i / len(tasks) * total), total)

    workers = workers or os.cpu_count() or 1
    frames: list[pd.DataFrame] = []
    if workers <= 1:
        _init_worker(cases)
        for i, t in enumerate(tasks, 1):
            frames.append(_task(t))
            report(i)
    else:
        with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(cases,)) as pool:
            futures = [pool.submit(_task, t) for t in tasks]
            for i, fut in enumerate(as_completed(futures), 1):
                frames.append(fut.result())
                report(i)
    out = pd.concat(frames, ignore_index=True)
    levels = np.asarray(QUANTILES)
    prior = default_calibration() if prior is None else prior
    for e in entries:
        if not e.calibrated:
            continue
        mine = out["model"] == e.label
        history = out.loc[out["model"] == e.label + HISTORY_SUFFIX]
        out.loc[mine] = recalibrate_online(out.loc[mine], history, prior, levels,
                                           window=window, prior_weight=prior_weight)
    if not keep_history:
        out = out.loc[~out["model"].str.endswith(HISTORY_SUFFIX)]
    return out.sort_values(
        ["model", "origin", "region_code", "target", "horizon_days"]
    ).reset_index(drop=True)


def scored_forecasts(forecasts: pd.DataFrame) -> pd.DataFrame:
    """Every forecast with a known observation, with its scores.

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`run_backtest` with ``observed`` known, plus ``wis`` [persons],
        ``ae`` [persons] and ``ape`` [-] of the median, ``in50`` and ``in90`` (bool: the
        observation lies in the central 50 % / 90 % interval, bounds included), ``pit50``
        and ``pit90`` (probability that the randomized PIT of the count lies in the
        central interval, :func:`pairaid.forecast.scoring.pit_interval_coverage`), ``exp90``
        (the closed 90 % coverage the forecast expects of itself,
        :func:`pairaid.forecast.scoring.expected_interval_coverage`).
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
    df["pit50"] = pit_interval_coverage(levels, vals, y, 0.5)
    df["pit90"] = pit_interval_coverage(levels, vals, y, 0.9)
    df["exp90"] = expected_interval_coverage(levels, vals, 0.9)
    return df


FORECAST_KEY = ["origin", "region_code", "target", "horizon_days"]


def relative_wis_by(
    scored: pd.DataFrame, by: str, *, reference: str = REFERENCE_MODEL
) -> pd.DataFrame:
    """Pairwise relative WIS per group (e.g. per ``origin`` or per ``region_code``).

    Parameters
    ----------
    scored : pandas.DataFrame
        Output of :func:`scored_forecasts`.
    by : str
        Column to group by; the tournament (:func:`pairwise_relative_wis`) runs within each
        (group, target, horizon).
    reference : str
        Model label of the reference.

    Returns
    -------
    pandas.DataFrame
        Columns ``model``, ``target``, ``horizon_days``, ``by``, ``wis`` (mean WIS of the
        model in the group) [persons], ``rel_wis`` [-].
    """
    rows = []
    for (target, h, group), g in scored.groupby(["target", "horizon_days", by], sort=True):
        rel = pairwise_relative_wis(g, baseline=reference, key=FORECAST_KEY)
        mean = g.groupby("model")["wis"].mean().to_dict()
        for model, value in rel.items():
            rows.append({"model": model, "target": target, "horizon_days": int(str(h)),
                         by: group, "wis": float(mean[model]), "rel_wis": float(value)})
    return pd.DataFrame(rows, columns=["model", "target", "horizon_days", by, "wis", "rel_wis"])


def score_backtest(forecasts: pd.DataFrame, *, reference: str = REFERENCE_MODEL) -> pd.DataFrame:
    """Score table per model, target and horizon.

    Parameters
    ----------
    forecasts : pandas.DataFrame
        Output of :func:`run_backtest`; rows with unknown ``observed`` are left out.
    reference : str
        Model label of the relative-WIS reference (the persistence baseline).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SCORE_COLUMNS`: ``n`` scored forecasts; ``mae`` [persons] and ``mape``
        [-] of the median (MAPE over observations != 0); ``wis`` mean WIS [persons];
        ``rel_wis`` = pairwise relative WIS against the reference over every (origin,
        region) forecast (:func:`pairaid.forecast.scoring.pairwise_relative_wis`);
        ``rel_wis_median``, ``rel_wis_p10``, ``rel_wis_p90`` = median, 10th and 90th
        percentile over origins of the per-origin relative WIS; ``coverage_50``,
        ``coverage_90`` = share of observations inside the central 50 % and 90 %
        prediction intervals, bounds included (as the Forecast Hubs count) [-];
        ``expected_coverage_90`` = mean over the forecasts of the probability each gives
        its own closed 90 % interval, on whole numbers (what ``coverage_90`` of a
        calibrated forecaster of counts would be; above 0.9 where zeros are likely,
        :func:`pairaid.forecast.scoring.expected_interval_coverage`) [-];
        ``pit_coverage_50``, ``pit_coverage_90`` = mean probability that the randomized
        PIT of the observed count lies in the central interval (nominal for a forecaster
        calibrated on counts, also at 0; :func:`pairaid.forecast.scoring.
        pit_interval_coverage`) [-]; ``zero_share`` = share of observations equal to 0 [-].
    """
    df = scored_forecasts(forecasts)
    per_origin = relative_wis_by(df, "origin", reference=reference)
    rows = []
    for keys, g in df.groupby(["target", "horizon_days"], sort=True):
        target, h = keys
        rel = pairwise_relative_wis(g, baseline=reference, key=FORECAST_KEY)
        for model, gm in g.groupby("model", sort=True):
            po = per_origin.loc[
                (per_origin["model"] == model)
                & (per_origin["target"] == target)
                & (per_origin["horizon_days"] == int(str(h))),
                "rel_wis",
            ].to_numpy(dtype=float)
            po = po[np.isfinite(po)]
            rows.append(
                {
                    "model": model,
                    "target": target,
                    "horizon_days": int(str(h)),
                    "n": len(gm),
                    "mae": gm["ae"].mean(),
                    "mape": gm["ape"].mean(),
                    "wis": gm["wis"].mean(),
                    "rel_wis": float(rel.get(model, np.nan)),
                    "rel_wis_median": float(np.median(po)) if po.size else np.nan,
                    "rel_wis_p10": float(np.quantile(po, 0.1)) if po.size else np.nan,
                    "rel_wis_p90": float(np.quantile(po, 0.9)) if po.size else np.nan,
                    "coverage_50": gm["in50"].mean(),
                    "coverage_90": gm["in90"].mean(),
                    "expected_coverage_90": gm["exp90"].mean(),
                    "pit_coverage_50": gm["pit50"].mean(),
                    "pit_coverage_90": gm["pit90"].mean(),
                    "zero_share": float((gm["observed"] == 0).mean()),
                }
            )
    out = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    return out.sort_values(["model", "target", "horizon_days"]).reset_index(drop=True)
