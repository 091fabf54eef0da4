"""Online quantile recalibration: shifts learnt only from errors observable at the origin.

The default model's quantiles are recalibrated (:mod:`pairaid.forecast.calibration`: one
shift per target, horizon and level on the ``log(1 + x)`` scale) with a table built **at
each forecast origin** ``T`` from two sources:

1. **Own past errors** (rolling split-conformal): the same model, run raw at the earlier
   origins ``o = T - 3, T - 6, ...`` (:data:`STEP_DAYS`) for the regions being forecast
   (pooled), with the data up to ``o`` only; for horizon ``h`` the errors of forecasts whose
   outcome date ``o + h`` lies in the last :data:`WINDOW_DAYS` days up to ``T``, i.e.
   ``T - WINDOW_DAYS < o + h <= T``. Everything used is known on ``T``: no later
   observation enters.
2. **A prior** table (:func:`pairaid.forecast.calibration.default_calibration`), fitted on a
   training set of other regions (docs/forecasting.md says which), used where the own errors
   are few: the shift is ``(n d_own + n0 d_prior) / (n + n0)`` with ``n`` the number of own
   errors at that target and horizon and ``n0`` = :data:`PRIOR_WEIGHT`.

The prior table has shifts of its own for every horizon up to :data:`CALIBRATED_HORIZON`
days (the plan's horizon); own errors are learnt only up to :data:`OWN_HORIZON` days (the
longer errors would be older than the window allows and few), so beyond it the prior
alone applies. Horizons beyond :data:`CALIBRATED_HORIZON` keep the shift of that horizon.

Constants (:data:`WINDOW_DAYS`, :data:`PRIOR_WEIGHT`) were chosen on the Hubei training
set (``benchmarks/forecast_heldout.py``), never on the held-out provinces; the choice was an
infinite prior weight, so by default no earlier forecast is run and the table is the
prior's (fitted on other regions). :data:`STEP_DAYS` = 3 is the backtests' origin step.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd

from pairaid.forecast.calibration import CALIBRATION_COLUMNS, fit_shifts, shifts_for
from pairaid.forecast.weekly import CASE_TARGETS

#: Days between the earlier origins whose errors are used [days].
STEP_DAYS = 3
#: Errors whose outcome date lies in the last this many days up to the origin [days]
#: (candidates 7, 14, 28 on Hubei; no effect while :data:`PRIOR_WEIGHT` is infinite).
WINDOW_DAYS = 7
#: Weight of the prior table, in forecasts [-]. Chosen on the Hubei training set among 10,
#: 30, 100, 300 and infinity (benchmarks/forecast_heldout.py): every finite weight gave a
#: higher WIS and a worse 90 % PIT coverage there, so the default recalibration is the prior
#: table alone.
PRIOR_WEIGHT = math.inf
#: Longest horizon with its own shifts in the table [days]; longer horizons keep this
#: one's. The plan's default horizon (``pairaid.config.PlanConfig.horizon_days``, 28 days), so every
#: day a plan reads is recalibrated with shifts learnt at that horizon.
CALIBRATED_HORIZON = 28
#: Longest horizon learnt from the model's own earlier errors [days]; beyond it the prior
#: alone applies (a 28-day error would be older than any window).
OWN_HORIZON = 14
#: Days of known counts a region needs at an earlier origin to be forecast there [days].
MIN_HISTORY_DAYS = 7


def history_origins(
    origin: pd.Timestamp, *, step: int = STEP_DAYS, window: int = WINDOW_DAYS,
    max_horizon: int = OWN_HORIZON,
) -> list[pd.Timestamp]:
    """Earlier origins whose forecasts have an outcome inside the window.

    ``o = origin - step * k`` (``k = 1, 2, ...``) while ``o + max_horizon > origin -
    window``, newest first.
    """
    out: list[pd.Timestamp] = []
    k = 1
    while True:
        o = origin - pd.Timedelta(days=step * k)
        if o + pd.Timedelta(days=max_horizon) <= origin - pd.Timedelta(days=window):
            return out
        out.append(o)
        k += 1


def forecastable(cases: pd.DataFrame, region_codes: Sequence[str], origin: pd.Timestamp,
                 *, min_days: int = MIN_HISTORY_DAYS) -> list[str]:
    """Regions with a known confirmed count on ``origin`` and ``min_days`` known days up
    to it."""
    rows = cases.loc[(cases["date"] <= origin) & cases["confirmed_cum"].notna()
                     & cases["region_code"].isin(list(region_codes))]
    counts = rows.groupby("region_code")["date"].agg(["count", "max"])
    ok = counts.loc[(counts["count"] >= min_days) & (counts["max"] == origin)].index
    keep = {str(c) for c in ok}
    return [c for c in region_codes if c in keep]


#: Targets of the calibration table, in the order of the arrays below.
#: Targets with shifts of their own: daily new cases, census, weekly incidence.
TARGETS = CASE_TARGETS


def prior_shifts(prior: pd.DataFrame, levels: np.ndarray,
                 max_horizon: int = CALIBRATED_HORIZON) -> np.ndarray:
    """The prior table as an array ``(target, horizon - 1, level)`` [-] (:data:`TARGETS`)."""
    steps = np.arange(1, max_horizon + 1)
    return np.stack([shifts_for(prior, t, steps, levels) for t in TARGETS])


def own_shifts(
    history: pd.DataFrame, origin: pd.Timestamp, levels: np.ndarray, *,
    window: int = WINDOW_DAYS, max_horizon: int = CALIBRATED_HORIZON,
) -> tuple[np.ndarray, np.ndarray]:
    """Shifts fitted to the errors known at ``origin`` and their counts.

    Rows of ``history`` count only if their outcome date ``origin_o + horizon_days`` lies in
    ``(origin - window, origin]`` and the observation is known, so passing more history
    never leaks.

    Returns
    -------
    tuple of numpy.ndarray
        Shifts ``(target, horizon - 1, level)`` [-] (0 where no error) and counts
        ``(target, horizon - 1)`` [-].
    """
    qcols = [f"q{lv:g}" for lv in levels]
    d = np.zeros((len(TARGETS), max_horizon, len(levels)))
    n = np.zeros((len(TARGETS), max_horizon))
    if not len(history):
        return d, n
    outcome = history["origin"] + pd.to_timedelta(history["horizon_days"], unit="D")
    usable = history.loc[(outcome <= origin) & (outcome > origin - pd.Timedelta(days=window))
                         & (history["origin"] < origin) & history["observed"].notna()
                         & (history["horizon_days"] <= max_horizon)]
    for key, g in usable.groupby(["target", "horizon_days"]):
        target, h = key  # type: ignore[misc]
        if str(target) not in TARGETS:
            continue
        i, j = TARGETS.index(str(target)), int(str(h)) - 1
        d[i, j] = fit_shifts(levels, g[qcols].to_numpy(float), g["observed"].to_numpy(float))
        n[i, j] = len(g)
    return d, n


def combine(own: np.ndarray, n: np.ndarray, prior: np.ndarray, prior_weight: float) -> np.ndarray:
    """``(n d_own + n0 d_prior) / (n + n0)`` per target, horizon and level [-] (the prior
    alone when ``n0`` is infinite)."""
    if math.isinf(prior_weight):
        return np.broadcast_to(prior, own.shape).copy()
    w = n[..., None]
    return (w * own + prior_weight * prior) / (w + prior_weight)


def online_table(
    history: pd.DataFrame, origin: pd.Timestamp, prior: pd.DataFrame, levels: np.ndarray,
    *, window: int = WINDOW_DAYS, prior_weight: float = PRIOR_WEIGHT,
    max_horizon: int = CALIBRATED_HORIZON,
) -> pd.DataFrame:
    """Calibration table at ``origin`` from earlier forecasts and a prior table.

    Parameters
    ----------
    history : pandas.DataFrame
        Raw forecasts at earlier origins (rows of
        :func:`pairaid.forecast.backtest.forecast_one_origin`): ``origin``,
        ``horizon_days``, ``target``, ``observed`` [persons], ``q<level>`` [persons]; see
        :func:`own_shifts` for which rows count.
    origin : pandas.Timestamp
        Forecast origin ``T``.
    prior : pandas.DataFrame
        Prior table (columns :data:`pairaid.forecast.calibration.CALIBRATION_COLUMNS`).
    levels : numpy.ndarray
        Quantile levels.
    window, prior_weight, max_horizon
        See :data:`WINDOW_DAYS`, :data:`PRIOR_WEIGHT`, :data:`CALIBRATED_HORIZON`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CALIBRATION_COLUMNS` plus ``n`` (own errors used) for every target of
        :data:`TARGETS` and horizons ``1 .. max_horizon``.
    """
    own, n = own_shifts(history, origin, levels, window=window, max_horizon=max_horizon)
    d = combine(own, n, prior_shifts(prior, levels, max_horizon), prior_weight)
    rows = [{"target": t, "horizon_days": h + 1, "quantile": float(lv),
             "shift": float(d[i, h, k]), "n": int(n[i, h])}
            for i, t in enumerate(TARGETS) for h in range(max_horizon)
            for k, lv in enumerate(levels)]
    return pd.DataFrame(rows, columns=[*CALIBRATION_COLUMNS, "n"])


_CACHE: OrderedDict[tuple[object, ...], pd.DataFrame] = OrderedDict()
_CACHE_SIZE = 16


def online_calibration(
    cases: pd.DataFrame, *, region_codes: Sequence[str], origin: date,
    parameters: Mapping[str, float] | None = None, events: str = "treat", seed: int = 0,
    n_samples: int | None = None, prior: pd.DataFrame | None = None,
    prior_weight: float = PRIOR_WEIGHT,
) -> pd.DataFrame:
    """The default model's calibration table at ``origin`` (see the module notes).

    Runs the default model raw at :func:`history_origins` for the regions of
    ``region_codes`` that have :data:`MIN_HISTORY_DAYS` known days there, on the rows of
    ``cases`` up to ``origin`` only, and combines their errors with the prior
    (:func:`online_table`). The result is cached per (data up to the origin, regions,
    origin, parameters, events, seed, samples).

    Parameters
    ----------
    cases : pandas.DataFrame
        The ``cases`` table (:func:`pairaid.forecast.forecast_cases`).
    region_codes : sequence of str
        Regions forecast (their errors are pooled).
    origin : datetime.date
        Forecast origin.
    parameters, events, seed
        As :func:`pairaid.forecast.forecast_cases`.
    n_samples : int, optional
        Paths per earlier forecast (default :data:`pairaid.forecast.api.N_SAMPLES`).
    prior : pandas.DataFrame, optional
        Prior table (default the shipped one).
    prior_weight : float
        :data:`PRIOR_WEIGHT`; infinite: the prior alone, no earlier forecast is run.

    Returns
    -------
    pandas.DataFrame
        As :func:`online_table`.
    """
    from pairaid.forecast.api import N_SAMPLES
    from pairaid.forecast.backtest import BacktestEntry, forecast_one_origin
    from pairaid.forecast.calibration import default_calibration
    from pairaid.forecast.census import LengthOfStay
    from pairaid.forecast.quantiles import QUANTILES
    from pairaid.forecast.registry import DEFAULT_MODEL

    origin_ts = pd.Timestamp(origin).normalize()
    n_samples = n_samples or N_SAMPLES
    known = cases.loc[(cases["date"] <= origin_ts)
                      & cases["region_code"].isin(list(region_codes))]
    key = None
    if prior is None:
        prior = default_calibration()
        digest = int(pd.util.hash_pandas_object(
            known[["date", "region_code", "confirmed_cum", "deaths_cum", "recovered_cum"]],
            index=False).sum())
        key = (digest, tuple(region_codes), origin_ts,
               tuple(sorted((parameters or {}).items())), events, seed, n_samples,
               prior_weight)
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    entry = BacktestEntry("history", DEFAULT_MODEL, events)
    frames = []
    for o in ([] if math.isinf(prior_weight) else history_origins(origin_ts)):
        regions = forecastable(known, region_codes, o)
        if regions:
            frames.append(forecast_one_origin(
                known, entry, o.date(), region_codes=regions,
                horizons=tuple(range(1, OWN_HORIZON + 1)), n_samples=n_samples,
                seed=seed, los=LengthOfStay.from_parameters(parameters)))
    history = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    table = online_table(history, origin_ts, prior, np.asarray(QUANTILES),
                         prior_weight=prior_weight)
    if key is not None:
        _CACHE[key] = table
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return table


def recalibrate_online(
    forecasts: pd.DataFrame, history: pd.DataFrame,
    prior: pd.DataFrame | Mapping[str, pd.DataFrame], levels: np.ndarray,
    *, window: int = WINDOW_DAYS, prior_weight: float = PRIOR_WEIGHT,
) -> pd.DataFrame:
    """Backtest rows recalibrated, each origin with its own online table.

    Parameters
    ----------
    forecasts : pandas.DataFrame
        Raw backtest rows (:func:`pairaid.forecast.backtest.forecast_one_origin`) of one
        model.
    history : pandas.DataFrame
        Raw rows of the same model at earlier origins, horizons ``1 ..``
        :data:`OWN_HORIZON` (may include every origin: only what is known at each
        origin is used, :func:`own_shifts`).
    prior : pandas.DataFrame or mapping of str to pandas.DataFrame
        Prior calibration table, or one per region code (for leave-one-region-out priors).
    levels : numpy.ndarray
        Quantile levels of the ``q`` columns.
    window, prior_weight
        See :func:`online_table`.

    Returns
    -------
    pandas.DataFrame
        ``forecasts`` with the ``q`` columns recalibrated (same index); horizons beyond
        :data:`CALIBRATED_HORIZON` take its shifts.
    """
    from pairaid.forecast.calibration import apply_shifts

    qcols = [f"q{lv:g}" for lv in levels]
    out = forecasts.copy()
    if isinstance(prior, pd.DataFrame):
        one = prior_shifts(prior, levels)
        priors = {str(r): one for r in out["region_code"].unique()}
    else:
        priors = {str(r): prior_shifts(p, levels) for r, p in prior.items()}
    region = out["region_code"].astype(str).to_numpy()
    target = out["target"].map({t: i for i, t in enumerate(TARGETS)}).to_numpy()
    step = np.minimum(out["horizon_days"].to_numpy(int), CALIBRATED_HORIZON) - 1
    origins = out["origin"].to_numpy()
    q = out[qcols].to_numpy(float, copy=True)
    for origin in np.unique(origins):
        own, n = own_shifts(history, pd.Timestamp(origin), levels, window=window)
        at = origins == origin
        for r in np.unique(region[at]):
            rows = at & (region == r)
            d = combine(own, n, priors[r], prior_weight)
            q[rows] = apply_shifts(q[rows], d[target[rows], step[rows]])
    out[qcols] = q
    return out
