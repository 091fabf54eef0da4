"""Census targets read from the data: patients in hospital and in intensive care.

Where a data set reports the stock of COVID-19 patients in hospital (``cases.csv``
``hospitalised``) and in ICU (``icu``), as Italy's Civil Protection did in 2020, the census
is that stock, not confirmed − deaths − recovered (which counts people isolated at home:
Lombardy 10,043 currently positive, 6,267 in hospital on 2020-03-15).

Each stock is forecast with the same models and quantiles as the case census
(:func:`pairaid.forecast.forecast_cases`), on the stock's own flows, so that the "census" of
that series is the stock itself, and every forecast path starts from the value
observed on the decision date. Admissions and discharges are reconstructed from the stock
with its mean stay (:func:`stock_as_flows`). The length-of-stay prior is the hospital stay
(``los_mean_days``) for the hospital stock and the ICU stay (``icu_los_days``) for the ICU
stock; either is refitted to the series as for the case census.

The default model's quantile recalibration is a table learnt on one target, the census
derived from confirmed cases (``pairaid/data/forecast/calibration.csv``, fitted on the 30
Chinese provinces in February 2020, docs/forecasting.md). A reported stock is another
target for which no table has been learnt, so the default model forecasts stocks with its
uncalibrated ensemble (:func:`stock_model`), in ``plan`` and in ``backtest`` alike, and
pools each region's growth partly with the growth of the data set's total stock, the more
the smaller the region's stock (:mod:`pairaid.forecast.pooling`): a small stock's own
growth rests on a handful of patients. Named models run as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from pairaid.forecast.api import forecast_cases
from pairaid.forecast.backtest import REFERENCE_MODEL, default_entries, run_backtest
from pairaid.forecast.census import LengthOfStay
from pairaid.forecast.pooling import POOL_CODE, pool_rows, total_stock

OCCUPANCY_TARGETS = {"hospitalised": "census", "icu": "icu_census"}


def stock_model(model: str) -> str:
    """The model that forecasts a reported stock when ``model`` is asked for.

    ``"default"`` (the ensemble plus the recalibration table learnt on the case-derived
    census) becomes ``"ensemble"``: the table was not learnt on stocks and is not applied to
    them. Every other model name is returned unchanged.
    """
    return "ensemble" if model == "default" else model


def pools_growth(model: str) -> bool:
    """Whether the stock forecasts of ``model`` pool each region's growth with the total's
    (:mod:`pairaid.forecast.pooling`): the default model does, named models do not."""
    return model == "default"


def with_total(flows: pd.DataFrame, cases: pd.DataFrame, column: str, *,
               stay_days: float) -> pd.DataFrame:
    """``flows`` plus the flows of the data set's total stock (region :data:`POOL_CODE`)."""
    total = stock_as_flows(total_stock(cases, column), column, stay_days=stay_days)
    return pd.concat([flows, total], ignore_index=True)


def stock_stay(column: str, parameters: Mapping[str, float] | None) -> LengthOfStay:
    """Length-of-stay prior of a stock: the hospital stay (``los_mean_days``, ``los_shape``)
    for ``hospitalised``; for ``icu`` the ICU stay ``icu_los_days`` as mean (same shape),
    or the hospital stay if the parameter is absent.

    Raises
    ------
    pairaid.errors.ConfigError
        If a value is not a positive number.
    """
    p = dict(parameters or {})
    if column == "icu" and "icu_los_days" in p:
        p["los_mean_days"] = p["icu_los_days"]
    return LengthOfStay.from_parameters(p)


def reported_stocks(cases: pd.DataFrame, region_codes: Sequence[str], origin: date
                    ) -> tuple[str, ...]:
    """The stocks every region reports on ``origin``: ``("hospitalised", "icu")``,
    ``("hospitalised",)`` (no ICU count: the ICU census then comes from the severity
    shares) or ``()``. An ICU count without the hospital count is no census."""
    rows = cases[(cases["date"] == pd.Timestamp(origin))
                 & cases["region_code"].isin(list(region_codes))]
    if not len(rows) or len(rows) != len(set(region_codes)):
        return ()
    out: list[str] = []
    for column in OCCUPANCY_TARGETS:
        if column not in rows.columns or not rows[column].notna().all():
            break
        out.append(column)
    return tuple(out)


def has_occupancy(cases: pd.DataFrame, region_codes: Sequence[str], origin: date) -> bool:
    """Whether every region reports ``hospitalised`` and ``icu`` on ``origin``."""
    return reported_stocks(cases, region_codes, origin) == tuple(OCCUPANCY_TARGETS)


def stock_as_flows(cases: pd.DataFrame, column: str, *, stay_days: float
                   ) -> pd.DataFrame:
    """A ``cases``-shaped table whose census (confirmed − deaths − recovered) is ``column``.

    The stock's admissions and discharges are not reported, only the stock. They are
    reconstructed with the mean stay ``L``: discharges on day t are the previous day's
    stock / L (rounded; at least the stock's fall that day), admissions are the change of
    the stock plus the discharges. The daily net increase alone would understate admissions
    (a stock of 767 ICU patients with 7-day stays admits about 110 a day, while it grew by
    about 50).

    Parameters
    ----------
    cases : pandas.DataFrame
        ``cases`` table with ``date``, ``region_code`` and the stock ``column`` [persons].
    column : str
        ``hospitalised`` or ``icu``.
    stay_days : float
        Mean stay ``L`` in the stock [days].

    Returns
    -------
    pandas.DataFrame
        ``date``, ``region_code``, ``confirmed_cum`` (cumulative admissions),
        ``recovered_cum`` (cumulative discharges), ``deaths_cum`` = 0 [persons], so that
        ``confirmed_cum − recovered_cum`` equals the stock on every day it is known. Days
        with an unknown stock are left out.

    Examples
    --------
    A stock of 5, 8, 6 with L = 2: discharges 0, round(5/2) = 2, max(round(8/2), 2) = 4;
    admissions 5 + 0, 3 + 2, −2 + 4 = 5, 5, 2; cumulative 5, 10, 12 minus 0, 2, 6 = 5, 8, 6.
    """
    parts = []
    rows = cases[cases[column].notna()].sort_values(["region_code", "date"])
    for code, grp in rows.groupby("region_code", sort=False):
        stock = grp[column].astype(float).to_numpy()
        before = np.concatenate([[0.0], stock[:-1]])
        change = stock - before
        out_flow = np.maximum(np.round(before / stay_days), -change)
        in_flow = change + out_flow
        parts.append(pd.DataFrame({
            "date": grp["date"].to_numpy(), "region_code": code,
            "confirmed_cum": np.cumsum(in_flow), "deaths_cum": 0.0,
            "recovered_cum": np.cumsum(out_flow)}))
    out = pd.concat(parts, ignore_index=True)
    for col in ("confirmed_cum", "deaths_cum", "recovered_cum"):
        out[col] = out[col].round().astype("Int64")
    out["flags"] = pd.Series(pd.NA, index=out.index, dtype="string")
    return out


def forecast_occupancy(cases: pd.DataFrame, *, region_codes: Sequence[str], origin: date,
                       horizon_days: int, parameters: Mapping[str, float] | None = None,
                       model: str = "default", seed: int = 0,
                       stocks: Sequence[str] = tuple(OCCUPANCY_TARGETS)) -> pd.DataFrame:
    """Forecast the hospital and ICU census of ``region_codes`` from their reported stocks.

    Parameters
    ----------
    cases : pandas.DataFrame
        ``cases`` table with ``hospitalised`` and ``icu`` [persons].
    region_codes, origin, horizon_days, model, seed
        As :func:`pairaid.forecast.forecast_cases`.
    parameters : mapping of str to float, optional
        ``los_mean_days``, ``los_shape`` (hospital stay) and ``icu_los_days`` (ICU stay,
        default the hospital stay) [days].
    stocks : sequence of str
        The stocks to forecast (:func:`reported_stocks`); without ``icu`` there is no
        ``icu_census`` target.

    Returns
    -------
    pandas.DataFrame
        ``forecast`` table: the new-confirmed forecast of the cases (target
        ``new_confirmed``), target ``census`` = patients in hospital and ``icu_census`` =
        patients in ICU [persons], at the quantile levels of ``forecast_cases``.
    """
    params = dict(parameters or {})
    cases_fc = forecast_cases(cases, region_codes=region_codes, origin=origin,
                              horizon_days=horizon_days, parameters=params, model=model,
                              seed=seed)
    parts = [cases_fc[cases_fc["target"] == "new_confirmed"]]
    for column, target in OCCUPANCY_TARGETS.items():
        if column not in stocks:
            continue
        los = stock_stay(column, params)
        p = params | {"los_mean_days": los.mean_days, "los_shape": los.shape}
        flows = stock_as_flows(cases, column, stay_days=los.mean_days)
        codes = list(region_codes)
        if pools_growth(model):
            flows = with_total(flows, cases, column, stay_days=los.mean_days)
            known = flows[(flows["region_code"] == POOL_CODE)
                          & (flows["date"] == pd.Timestamp(origin))]
            codes += [POOL_CODE] if len(known) else []
        fc = forecast_cases(flows, region_codes=codes,
                            origin=origin, horizon_days=horizon_days, parameters=p,
                            model=stock_model(model), seed=seed)
        fc = fc[fc["target"] == "census"]
        if POOL_CODE in codes:
            fc = _pooled(fc, cases, column, origin)
        parts.append(fc.assign(target=target))
    out = pd.concat(parts, ignore_index=True)
    return _icu_within_hospital(out)


def _pooled(fc: pd.DataFrame, cases: pd.DataFrame, column: str, origin: date
            ) -> pd.DataFrame:
    """Long forecast rows of one stock, pooled (:func:`pairaid.forecast.pooling.pool_rows`)."""
    wide = fc.pivot_table(index=["region_code", "date"], columns="quantile", values="value",
                          sort=True)
    levels = list(wide.columns)
    wide = wide.reset_index().assign(origin=pd.Timestamp(origin))
    wide = pool_rows(wide, cases, column, keys=["origin", "date"], value_columns=levels)
    long = wide.melt(id_vars=["region_code", "date"], value_vars=levels,
                     var_name="quantile", value_name="pooled")
    out = fc[fc["region_code"] != POOL_CODE].merge(
        long, on=["region_code", "date", "quantile"], how="left")
    return out.assign(value=out["pooled"]).drop(columns="pooled")


def _icu_within_hospital(forecast: pd.DataFrame) -> pd.DataFrame:
    """ICU quantiles capped by the hospital quantiles of the same level: the patients in
    ICU are among those in hospital (pcm-dpc ``totale_ospedalizzati`` includes
    ``terapia_intensiva``), so every quantile of the ICU census is at most the same
    quantile of the hospital census."""
    keys = ["region_code", "date", "quantile"]
    hosp = forecast.loc[forecast["target"] == "census", keys + ["value"]]
    is_icu = forecast["target"] == "icu_census"
    cap = forecast.loc[is_icu, keys].merge(hosp, on=keys, how="left")["value"].to_numpy()
    out = forecast.copy()
    icu = out.loc[is_icu, "value"].to_numpy(dtype=float)
    out.loc[is_icu, "value"] = np.where(np.isfinite(cap), np.minimum(icu, cap), icu)
    return out


def backtest_occupancy(cases: pd.DataFrame, *, region_codes: Sequence[str],
                       parameters: Mapping[str, float] | None = None,
                       progress: Callable[[int, int], None] | None = None,
                       **options: Any) -> pd.DataFrame:
    """Rolling-origin backtest of the hospital and ICU census forecasts.

    The same forecasts as :func:`forecast_occupancy` (each stock turned into flows with its
    mean stay, :func:`stock_as_flows`; the census of those flows forecast with the stay as
    length-of-stay prior), run by :func:`pairaid.forecast.backtest.run_backtest` for every
    model entry and origin, and compared with the stock reported ``h`` days later. The
    persistence baseline carries the stock observed at the origin forward.

    Parameters
    ----------
    cases : pandas.DataFrame
        ``cases`` table with ``hospitalised`` and ``icu`` [persons].
    region_codes : sequence of str
        Regions to forecast.
    parameters : mapping of str to float, optional
        ``los_mean_days``, ``los_shape``, ``icu_los_days`` (see :func:`stock_stay`) [days].
    progress : callable, optional
        ``progress(done, total)`` over both stocks.
    **options
        ``entries``, ``origins``, ``horizons``, ``n_samples``, ``seed``, ``workers`` of
        :func:`pairaid.forecast.backtest.run_backtest`.

    Returns
    -------
    pandas.DataFrame
        Rows of :func:`pairaid.forecast.backtest.forecast_one_origin` with ``target``
        ``hospitalised`` or ``icu`` (the reconstructed admissions are not scored).
    """
    frames = []
    columns = list(OCCUPANCY_TARGETS)
    # calibrated entries (the default model) are scored as plan forecasts stocks: without
    # the table learnt on the case-derived census (stock_model)
    # and with their growth pooled with the total's (pools_growth)
    entries = options.get("entries") or default_entries()
    pooled = [e.label for e in entries if e.calibrated]
    stock_options = dict(options)
    stock_options["entries"] = [replace(e, calibrated=False) for e in entries]
    codes = list(region_codes) + ([POOL_CODE] if pooled else [])
    for i, column in enumerate(columns):
        los = stock_stay(column, parameters)
        flows = stock_as_flows(cases, column, stay_days=los.mean_days)
        if pooled:
            flows = with_total(flows, cases, column, stay_days=los.mean_days)

        def step(done: int, total: int, i: int = i) -> None:
            if progress is not None:
                progress(i * total + done, len(columns) * total)

        fc = run_backtest(flows, region_codes=codes, los=los, progress=step,
                          **stock_options)
        fc = fc[fc["target"] == "census"].assign(target=column)
        if pooled:
            levels = [c for c in fc.columns if c.startswith("q")]
            mine = fc["model"].isin(pooled)
            fc = pd.concat([fc[~mine & (fc["region_code"] != POOL_CODE)],
                            pool_rows(fc[mine], cases, column,
                                      keys=["model", "origin", "horizon_days"],
                                      value_columns=levels)], ignore_index=True)
        frames.append(fc)
    out = pd.concat(frames, ignore_index=True)
    return icu_within_hospital_rows(out)


def icu_within_hospital_rows(forecasts: pd.DataFrame) -> pd.DataFrame:
    """ICU quantiles capped by the hospital quantiles of the same level and forecast, on
    backtest rows (``model``, ``origin``, ``region_code``, ``horizon_days``, ``target``
    ``hospitalised`` / ``icu``, one column ``q<level>`` per level [persons]), for every
    entry but the persistence baseline (the reference, no model ``plan`` can use); the
    rule of :func:`_icu_within_hospital`."""
    keys = ["model", "origin", "region_code", "horizon_days"]
    levels = [c for c in forecasts.columns if c.startswith("q")]
    is_icu = (forecasts["target"] == "icu") & (forecasts["model"] != REFERENCE_MODEL)
    hosp = forecasts.loc[forecasts["target"] == "hospitalised", keys + levels]
    cap = forecasts.loc[is_icu, keys].merge(hosp, on=keys, how="left")[levels].to_numpy(
        dtype=float)
    out = forecasts.copy()
    icu = out.loc[is_icu, levels].to_numpy(dtype=float)
    out.loc[is_icu, levels] = np.where(np.isfinite(cap), np.minimum(icu, cap), icu)
    return out
