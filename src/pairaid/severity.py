"""Severity mix of the census from reported counts of severe and critical patients in care.

Where a data set's ``cases.csv`` reports ``severe_in_care`` and ``critical_in_care`` (Hubei's
city bulletins: "目前仍在院治疗 N 例，其中重症 x 例、危重症 y 例"), the share of each class in
a region's census is taken from the latest report, for at most :data:`REPORT_VALID_DAYS`
days; elsewhere the model mix of :func:`pairaid.needs.census_mix` (incident shares weighted
by length of stay) is used. Classes stay nested: critical ⊂ severe-or-critical ⊂ census.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd

REPORT_VALID_DAYS = 14
"""A reported mix is used for this many days after its date [days]: about the median
length of stay in hospital in China (14 days, Rees et al., BMC Med 2020), after which the
patients of the report have mostly left."""


def reported_mixes(cases: pd.DataFrame) -> pd.DataFrame:
    """Census mix on every date with reported severe and critical counts.

    Parameters
    ----------
    cases : pandas.DataFrame
        ``cases`` table, optionally with ``severe_in_care`` and ``critical_in_care``
        [persons].

    Returns
    -------
    pandas.DataFrame
        ``region_code``, ``date``, ``mild``, ``severe``, ``critical`` [fraction of the
        census = confirmed − deaths − recovered of that date], for rows where both counts
        and the census are known and the census is positive; the shares are capped so that
        severe + critical ≤ 1 (a bulletin's in-hospital count may exceed the census).
    """
    cols = ["region_code", "date", "mild", "severe", "critical"]
    if not {"severe_in_care", "critical_in_care"} <= set(cases.columns):
        return pd.DataFrame(columns=cols)
    rows = cases[cases["severe_in_care"].notna() & cases["critical_in_care"].notna()
                 & cases["confirmed_cum"].notna() & cases["deaths_cum"].notna()
                 & cases["recovered_cum"].notna()]
    census = (rows["confirmed_cum"] - rows["deaths_cum"] - rows["recovered_cum"]).astype(float)
    keep = census > 0
    rows, census = rows[keep], census[keep]
    severe = rows["severe_in_care"].astype(float).to_numpy() / census.to_numpy()
    critical = rows["critical_in_care"].astype(float).to_numpy() / census.to_numpy()
    total = severe + critical
    scale = np.where(total > 1, 1 / np.where(total > 0, total, 1), 1.0)
    severe, critical = severe * scale, critical * scale
    return pd.DataFrame({"region_code": rows["region_code"].to_numpy(),
                         "date": rows["date"].to_numpy(), "mild": 1 - severe - critical,
                         "severe": severe, "critical": critical})[cols]


def mix_on(mixes: pd.DataFrame, code: str, day: date | pd.Timestamp,
           *, valid_days: int = REPORT_VALID_DAYS) -> dict[str, float] | None:
    """The latest reported mix of ``code`` on or before ``day`` and at most ``valid_days``
    old, or ``None`` (then the model mix applies)."""
    return mixes_during(mixes, code, [day], valid_days=valid_days)[0]


def mixes_during(mixes: pd.DataFrame, code: str, days: Sequence[date | pd.Timestamp],
                 *, valid_days: int = REPORT_VALID_DAYS) -> list[dict[str, float] | None]:
    """:func:`mix_on` of ``code`` for each of ``days``, the region's reports selected once.

    Parameters
    ----------
    mixes : pandas.DataFrame
        As returned by :func:`reported_mixes` (one row per region and date).
    code : str
        Region code.
    days : sequence of date or pandas.Timestamp
        Days to look up, in any order.
    valid_days : int
        Age limit of a report [days].

    Returns
    -------
    list of (dict of str to float, or None)
        Per day, ``mild``, ``severe``, ``critical`` [fraction of the census] of the latest
        report on or before that day and at most ``valid_days`` old; ``None`` without one.
    """
    own = mixes[mixes["region_code"] == code].sort_values("date", kind="stable")
    dates = pd.DatetimeIndex(own["date"])
    shares = {k: own[k].to_numpy(dtype=float) for k in ("mild", "severe", "critical")}
    when = pd.DatetimeIndex([pd.Timestamp(day) for day in days])
    latest = np.asarray(dates.searchsorted(when, side="right"), dtype=int) - 1  # <= day
    fresh = latest >= 0
    fresh[fresh] = dates[latest[fresh]] >= when[fresh] - pd.Timedelta(days=valid_days)
    return [{k: float(v[i]) for k, v in shares.items()} if ok else None
            for i, ok in zip(latest, fresh, strict=True)]


def mixes_on(cases: pd.DataFrame, codes: Sequence[str],
             day: date) -> Mapping[str, Mapping[str, float]]:
    """Reported mix of each region in ``codes`` valid on ``day`` (regions without one are
    left out)."""
    mixes = reported_mixes(cases)
    out = {}
    for code in codes:
        mix = mix_on(mixes, code, day)
        if mix is not None:
            out[code] = mix
    return out
