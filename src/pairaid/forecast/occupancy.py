"""Census targets read from the data: patients in hospital and in intensive care.

Where a data set reports the stock of COVID-19 patients in hospital (``cases.csv``
``hospitalised``) and in ICU (``icu``), as Italy's Civil Protection did in 2020, the census
is that stock, not confirmed − deaths − recovered (which counts people isolated at home:
Lombardy 10,043 currently positive, 6,267 in hospital on 2020-03-15).

Each stock is forecast with the same models and quantiles as the case census
(:func:`pairaid.forecast.forecast_cases`), on the stock's own flows: the stock's daily
increases are its (net) admissions and its daily decreases its (net) discharges, so the
"census" of that series is the stock itself, and every forecast path starts from the value
observed on the decision date. The length-of-stay prior is the hospital stay
(``los_mean_days``) for the hospital stock and the ICU stay (``icu_los_days``) for the ICU
stock; either is refitted to the series as for the case census.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd

from pairaid.forecast.api import forecast_cases

OCCUPANCY_TARGETS = {"hospitalised": "census", "icu": "icu_census"}
"""``cases.csv`` column -> forecast target it becomes."""


def has_occupancy(cases: pd.DataFrame, region_codes: Sequence[str], origin: date) -> bool:
    """Whether every region reports ``hospitalised`` and ``icu`` on ``origin``."""
    if not set(OCCUPANCY_TARGETS) <= set(cases.columns):
        return False
    rows = cases[(cases["date"] == pd.Timestamp(origin))
                 & cases["region_code"].isin(list(region_codes))]
    known = rows[list(OCCUPANCY_TARGETS)].notna().all(axis=1)
    return bool(len(rows) == len(set(region_codes)) and known.all() and len(rows))


def stock_as_flows(cases: pd.DataFrame, column: str) -> pd.DataFrame:
    """A ``cases``-shaped table whose census (confirmed − deaths − recovered) is ``column``.

    Parameters
    ----------
    cases : pandas.DataFrame
        ``cases`` table with ``date``, ``region_code`` and the stock ``column`` [persons].
    column : str
        ``hospitalised`` or ``icu``.

    Returns
    -------
    pandas.DataFrame
        ``date``, ``region_code``, ``confirmed_cum`` = the first value plus the running sum
        of daily increases, ``recovered_cum`` = the running sum of daily decreases,
        ``deaths_cum`` = 0 [persons], so that ``confirmed_cum − recovered_cum`` equals the
        stock on every day where it is known. Days with an unknown stock are left out.

    Examples
    --------
    A stock of 5, 8, 6: increases 5, 3, 0 and decreases 0, 0, 2 give confirmed 5, 8, 8 and
    recovered 0, 0, 2; 8 − 2 = 6.
    """
    parts = []
    rows = cases[cases[column].notna()].sort_values(["region_code", "date"])
    for code, grp in rows.groupby("region_code", sort=False):
        stock = grp[column].astype(float).to_numpy()
        step = np.diff(stock, prepend=0.0)
        parts.append(pd.DataFrame({
            "date": grp["date"].to_numpy(), "region_code": code,
            "confirmed_cum": np.cumsum(np.maximum(step, 0.0)),
            "deaths_cum": 0.0,
            "recovered_cum": np.cumsum(np.maximum(-step, 0.0))}))
    out = pd.concat(parts, ignore_index=True)
    for col in ("confirmed_cum", "deaths_cum", "recovered_cum"):
        out[col] = out[col].round().astype("Int64")
    out["flags"] = pd.Series(pd.NA, index=out.index, dtype="string")
    return out


def forecast_occupancy(cases: pd.DataFrame, *, region_codes: Sequence[str], origin: date,
                       horizon_days: int, parameters: Mapping[str, float] | None = None,
                       model: str = "default", seed: int = 0) -> pd.DataFrame:
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
        p = dict(params)
        if column == "icu" and "icu_los_days" in params:
            p["los_mean_days"] = params["icu_los_days"]
        fc = forecast_cases(stock_as_flows(cases, column), region_codes=region_codes,
                            origin=origin, horizon_days=horizon_days, parameters=p,
                            model=model, seed=seed)
        parts.append(fc[fc["target"] == "census"].assign(target=target))
    return pd.concat(parts, ignore_index=True)
