"""Summaries of ``evaluation.csv``: distributions per plan and pairwise comparisons."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pairaid.evaluation.replay import REALISED

CVAR_LEVEL = 0.9
"""Level of the conditional value at risk reported: the mean unmet staff-days of the worst
10 % of scenarios (Rockafellar & Uryasev 2000, J. Risk 2(3):21-41)."""

TIE_STAFF_DAYS = 1e-6
"""Two plans whose unmet staff-days differ by at most this tie [staff-days]."""


def cvar(values: np.ndarray, level: float = CVAR_LEVEL) -> float:
    """Mean of the worst ``1 - level`` share of ``values`` (upper tail; at least one value).

    Examples
    --------
    >>> cvar(np.arange(1.0, 11.0), 0.9)
    10.0
    >>> cvar(np.arange(1.0, 11.0), 0.8)
    9.5
    """
    v = np.sort(np.asarray(values, dtype=float))
    k = max(1, int(np.ceil(round((1.0 - level) * v.size, 9))))
    return float(v[-k:].mean())


def summarise(evaluation: pd.DataFrame, *, reference: str | None = None) -> pd.DataFrame:
    """One row per plan: the distribution of its measures over the sampled scenarios and
    its result on the realised one.

    Parameters
    ----------
    evaluation : pandas.DataFrame
        ``evaluation.csv`` (:data:`pairaid.evaluation.replay.EVALUATION_COLUMNS`).
    reference : str, optional
        A plan to compare every plan with (the official pairing).

    Returns
    -------
    pandas.DataFrame
        One row per plan, in the order the plans first appear in ``evaluation``:
        ``plan``, ``scenarios``, ``shortfall_mean``, ``shortfall_p10``, ``shortfall_p50``,
        ``shortfall_p90``, ``shortfall_cvar90`` [staff-days], ``gap_covered_share_mean``,
        ``worst_city_covered_share_mean`` [-], ``max_donor_burden_mean`` [-],
        ``total_distance_km`` [km, mean], ``realised_shortfall_staff_days``,
        ``realised_gap_covered_share`` (NaN without a realised path); with ``reference``
        also ``share_better_than_reference`` (share of scenarios with fewer unmet
        staff-days than the reference) and ``median_reduction_vs_reference`` (median over
        scenarios of 1 − shortfall / reference shortfall, where the reference leaves any).
    """
    sampled = evaluation[evaluation["scenario"] != REALISED]
    real_rows = evaluation[evaluation["scenario"] == REALISED]
    real = {str(p): (float(s), float(c)) for p, s, c in zip(
        real_rows["plan"], real_rows["shortfall_staff_days"], real_rows["gap_covered_share"],
        strict=True)}
    rows = []
    ref = (sampled[sampled["plan"] == reference].set_index("scenario")["shortfall_staff_days"]
           if reference is not None else None)
    for plan, g in sampled.groupby("plan", sort=False):
        s = g["shortfall_staff_days"].to_numpy(float)
        row = {
            "plan": plan, "scenarios": len(g),
            "shortfall_mean": float(s.mean()),
            "shortfall_p10": float(np.quantile(s, 0.1)),
            "shortfall_p50": float(np.quantile(s, 0.5)),
            "shortfall_p90": float(np.quantile(s, 0.9)),
            "shortfall_cvar90": cvar(s),
            "gap_covered_share_mean": float(g["gap_covered_share"].mean()),
            "worst_city_covered_share_mean": float(g["worst_city_covered_share"].mean()),
            "max_donor_burden_mean": float(g["max_donor_burden"].mean()),
            "total_distance_km": float(g["total_distance_km"].mean()),
            "realised_shortfall_staff_days": real.get(str(plan), (np.nan, np.nan))[0],
            "realised_gap_covered_share": real.get(str(plan), (np.nan, np.nan))[1],
        }
        if ref is not None:
            mine = g.set_index("scenario")["shortfall_staff_days"].reindex(ref.index)
            row["share_better_than_reference"] = float(
                (mine < ref - TIE_STAFF_DAYS).mean())
            some = ref > TIE_STAFF_DAYS
            row["median_reduction_vs_reference"] = float(
                (1.0 - mine[some] / ref[some]).median()) if some.any() else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def pairwise(evaluation: pd.DataFrame) -> pd.DataFrame:
    """For every ordered pair of plans, the share of sampled scenarios in which the first
    leaves fewer unmet staff-days than the second.

    Returns
    -------
    pandas.DataFrame
        ``plan``, ``other``, ``share_better``, ``share_worse``, ``share_tied`` [-].
    """
    sampled = evaluation[evaluation["scenario"] != REALISED]
    wide = sampled.pivot(index="scenario", columns="plan", values="shortfall_staff_days")
    names = list(dict.fromkeys(sampled["plan"]))
    rows = []
    for a in names:
        for b in names:
            if a == b:
                continue
            d = (wide[a] - wide[b]).dropna()
            rows.append({"plan": a, "other": b,
                         "share_better": float((d < -TIE_STAFF_DAYS).mean()),
                         "share_worse": float((d > TIE_STAFF_DAYS).mean()),
                         "share_tied": float((d.abs() <= TIE_STAFF_DAYS).mean())})
    return pd.DataFrame(rows, columns=["plan", "other", "share_better", "share_worse",
                                       "share_tied"])
