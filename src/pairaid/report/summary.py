"""Figures the report shows, computed from the run tables (pure functions, no I/O).

Staff resources are ``doctors`` and ``nurses``: the ones donors send. Beds are not sent, so
they appear in the gap heat maps but not in the severity, flows or burden.
"""

from __future__ import annotations

import pandas as pd

from pairaid.burden import burden_table

STAFF = ("doctors", "nurses")


def staff_sent(flows: pd.DataFrame) -> pd.DataFrame:
    """Staff sent per donor-recipient pair.

    Parameters
    ----------
    flows : DataFrame
        ``donor_code``, ``recipient_code``, ``resource``, ``quantity`` [staff].

    Returns
    -------
    DataFrame
        ``donor_code``, ``recipient_code``, ``doctors``, ``nurses``, ``staff`` [persons],
        one row per pair present in ``flows`` (resources other than staff are ignored).
    """
    staff = flows[flows["resource"].isin(STAFF)]
    wide = staff.pivot_table(index=["donor_code", "recipient_code"], columns="resource",
                             values="quantity", aggfunc="sum", fill_value=0.0)
    wide = wide.reindex(columns=list(STAFF), fill_value=0.0)
    wide["staff"] = wide.sum(axis=1)
    wide.columns.name = None
    return wide.reset_index()


def pair_flows(pairs: pd.DataFrame, flows: pd.DataFrame) -> pd.DataFrame:
    """Who sends how many of what to whom: one row per pair of a plan.

    Parameters
    ----------
    pairs : DataFrame
        ``donor_code``, ``recipient_code``, ``distance_km`` [km] of one plan.
    flows : DataFrame
        ``donor_code``, ``recipient_code``, ``resource``, ``quantity`` [persons, or units
        of the resource] of the same plan.

    Returns
    -------
    DataFrame
        ``donor_code``, ``recipient_code``, ``distance_km`` [km], one column per resource
        of ``flows`` (``doctors``, ``nurses`` first, always present; others after, sorted)
        and ``sent`` (the row's sum over resources, the per-pair share of ``metrics.json``
        ``staff_sent``). One row per pair of ``pairs`` and per pair that only ``flows``
        holds (distance NaN), a pair without flows sending 0; sorted by the donor's total
        sent (largest first), then donor and recipient code.
    """
    keys = ["donor_code", "recipient_code"]
    others = sorted(set(flows["resource"].astype(str)) - set(STAFF))
    resources = [*STAFF, *others]
    if flows.empty:
        wide = pd.DataFrame({c: pd.Series(dtype="object" if c in keys else "float")
                             for c in [*keys, *resources]})
    else:
        wide = flows.pivot_table(index=keys, columns="resource", values="quantity",
                                 aggfunc="sum", fill_value=0.0)
        wide = wide.reindex(columns=resources, fill_value=0.0)
        wide.columns.name = None
        wide = wide.reset_index()
    out = pairs[[*keys, "distance_km"]].merge(wide, on=keys, how="outer")
    out[resources] = out[resources].fillna(0.0).astype(float)
    out["sent"] = out[resources].sum(axis=1)
    donor_total = out.groupby("donor_code")["sent"].transform("sum")
    order = out.assign(_total=donor_total).sort_values(
        ["_total", "donor_code", "recipient_code"], ascending=[False, True, True])
    return order.drop(columns="_total").reset_index(drop=True)


def peak_severity(gaps: pd.DataFrame, shortfall: pd.DataFrame) -> pd.DataFrame:
    """Gap severity of each recipient at its peak day of staff need.

    The peak day is the day with the largest total staff need (doctors + nurses, summed);
    the *uncovered share* is the plan's shortfall over the need on that day [0..1], the
    *gap share* the gap (before any aid) over the need.

    Parameters
    ----------
    gaps : DataFrame
        ``region_code``, ``date``, ``resource``, ``need``, ``available``, ``gap`` [staff on
        the day], optional ``estimated`` (bool).
    shortfall : DataFrame
        ``recipient_code``, ``resource``, ``date``, ``shortfall`` [staff on the day] of one plan;
        a missing row means no shortfall.

    Returns
    -------
    DataFrame
        ``region_code``, ``peak_date``, ``need``, ``available``, ``gap``, ``shortfall``
        [staff], ``gap_share``, ``uncovered_share`` [fraction], ``estimated`` (bool), one row
        per recipient with staff gaps, sorted by ``region_code``.
    """
    staff = gaps[gaps["resource"].isin(STAFF)]
    cols = ["region_code", "peak_date", "need", "available", "gap", "shortfall",
            "gap_share", "uncovered_share", "estimated"]
    if staff.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    est = staff["estimated"] if "estimated" in staff else pd.Series(False, index=staff.index)
    daily = (staff.assign(estimated=est.fillna(False).astype(bool))
             .groupby(["region_code", "date"], as_index=False)
             .agg(need=("need", "sum"), available=("available", "sum"), gap=("gap", "sum"),
                  estimated=("estimated", "any")))
    peak = daily.loc[daily.groupby("region_code")["need"].idxmax()]
    short = (shortfall[shortfall["resource"].isin(STAFF)]
             .groupby(["recipient_code", "date"])["shortfall"].sum())
    keys = list(zip(peak["region_code"], peak["date"], strict=True))
    peak = peak.assign(shortfall=[float(short.get(k, 0.0)) for k in keys])
    need = peak["need"].where(peak["need"] > 0)
    peak = peak.assign(gap_share=(peak["gap"] / need).fillna(0.0),
                       uncovered_share=(peak["shortfall"] / need).fillna(0.0))
    peak = peak.rename(columns={"date": "peak_date"})
    return peak[cols].sort_values("region_code").reset_index(drop=True)


def donor_burden(flows: pd.DataFrame, donor_capacities: pd.DataFrame) -> pd.DataFrame:
    """Staff each donor sends relative to its capacity.

    Parameters
    ----------
    flows : DataFrame
        ``donor_code``, ``recipient_code``, ``resource``, ``quantity`` [staff] of one plan.
    donor_capacities : DataFrame
        ``donor_code``, ``resource``, ``deployable``, ``own_need``, ``capacity`` [staff].

    Returns
    -------
    DataFrame
        ``donor_code``, ``sent``, ``capacity`` [staff, doctors + nurses], ``burden`` (the
        largest share of one resource's capacity sent, :mod:`pairaid.burden`; NaN when the
        capacity is 0), ``dominant_resource``, one row per donor of ``flows``, sorted by
        burden (largest first).
    """
    out = burden_table(flows, donor_capacities, STAFF)
    return (out.sort_values(["burden", "donor_code"], ascending=[False, True])
            .reset_index(drop=True))
