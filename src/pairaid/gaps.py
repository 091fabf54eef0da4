"""Gaps between need and local capacity, and what donors can send.

Terms: *available* is the part of a region's pre-epidemic capacity that can be given to
COVID-19 care (``covid_share_beds`` of beds, ``covid_share_staff`` of doctors and nurses);
the *gap* is the need above it. A donor's *deployable* staff is ``deployable_share`` of its
doctors and nurses; its *capacity* to send is what remains of that after its own epidemic's
staff need on the decision date.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd

from pairaid.needs import per_patient_needs
from pairaid.rounding import snap_whole, whole_floor
from pairaid.schemas import STAFF_RESOURCES

REPORTED_ONLY = ("beds", "icu_beds")
"""Resources whose gap is computed and reported but not paired: donors send staff (doctors,
nurses), not beds. Every resource with both a need and a capacity gets a gap; an
``icu_beds`` capacity was once read and never compared, hiding an ICU overflow (c0003)."""


def _share(resource: str, parameters: Mapping[str, float]) -> float:
    if resource == "icu_beds" and "covid_share_icu_beds" in parameters:
        return parameters["covid_share_icu_beds"]
    return parameters["covid_share_staff"] if resource in STAFF_RESOURCES \
        else parameters["covid_share_beds"]


def compute_gaps(needs: pd.DataFrame, capacities: pd.DataFrame, *, quantile: float,
                 parameters: Mapping[str, float],
                 resources: Sequence[str] | None = None) -> pd.DataFrame:
    """Gap per recipient, resource and day at one forecast quantile.

    Parameters
    ----------
    needs : pandas.DataFrame
        ``needs`` table (``region_code``, ``date``, ``resource``, ``quantile``, ``value``,
        ``estimated``).
    capacities : pandas.DataFrame
        ``capacities`` table (``region_code``, ``resource``, ``quantity`` [beds or persons],
        ``estimated``).
    quantile : float
        The planning quantile; must be one of the needs' quantile levels.
    parameters : mapping of str to float
        ``covid_share_beds`` (of beds, and of ICU beds unless ``covid_share_icu_beds``
        [COVID-19 ICU beds per ICU bed] is given), ``covid_share_staff`` [fraction].
    resources : sequence of str, optional
        Resources to compute. Default: every resource that has both a need and a
        capacity (staff are paired, :data:`REPORTED_ONLY` ones only reported).

    Returns
    -------
    pandas.DataFrame
        ``gaps`` table: ``region_code``, ``date``, ``resource``, ``need``, ``available``,
        ``gap`` = max(need − available, 0) [beds or staff on the day] (float residue within
        :data:`pairaid.rounding.WHOLE_TOL` of a whole number removed), ``estimated`` (need or
        capacity estimated). Regions without a capacity figure for a resource get no rows
        for it.
    """
    levels = np.asarray(needs["quantile"].unique(), dtype=float)
    if not np.isclose(levels, quantile).any():
        raise ValueError(f"quantile {quantile} not among the forecast levels")
    if resources is None:
        resources = sorted(set(needs["resource"]) & set(capacities["resource"]))
    at_q = needs[np.isclose(needs["quantile"].astype(float), quantile)
                 & needs["resource"].isin(resources)]
    cap = capacities[capacities["resource"].isin(resources)].copy()
    cap["available"] = [float(q) * _share(r, parameters)
                        for q, r in zip(cap["quantity"], cap["resource"], strict=True)]
    cap = cap.rename(columns={"estimated": "capacity_estimated"})
    merged = at_q.merge(cap[["region_code", "resource", "available", "capacity_estimated"]],
                        on=["region_code", "resource"], how="inner")
    need = merged["value"].astype(float)
    out = pd.DataFrame({
        "region_code": merged["region_code"],
        "date": merged["date"],
        "resource": merged["resource"],
        "need": need,
        "available": merged["available"].astype(float),
        "gap": snap_whole(np.maximum(need.to_numpy() - merged["available"].to_numpy(float),
                                     0.0)),
        "estimated": merged["estimated"].fillna(False).astype(bool)
        | merged["capacity_estimated"].fillna(False).astype(bool),
    })
    return out.sort_values(["region_code", "resource", "date"]).reset_index(drop=True)


def uncompared_icu_needs(needs: pd.DataFrame, capacities: pd.DataFrame, *,
                         quantile: float, regions: Sequence[str]) -> pd.Series:
    """Peak ICU need of the regions that have one but no ``icu_beds`` capacity to compare it
    with: :func:`compute_gaps` gives them no ICU gap row, so an ICU shortage there would
    pass unseen (c0003). ICU beds stay optional in ``capacities.csv`` unless ICU patients are
    transferred (``--transfer icu`` refuses a missing row).

    Parameters
    ----------
    needs : pandas.DataFrame
        ``needs`` table (``region_code``, ``date``, ``resource``, ``quantile``, ``value``).
    capacities : pandas.DataFrame
        ``capacities`` table (``region_code``, ``resource``).
    quantile : float
        The planning quantile.
    regions : sequence of str
        Regions to look at (the recipients).

    Returns
    -------
    pandas.Series
        Peak ``icu_beds`` need [ICU beds] over the horizon at ``quantile``, indexed by
        ``region_code`` (sorted), for each region of ``regions`` with a positive ICU need and
        no ``icu_beds`` capacity row; empty if there is none.
    """
    known = set(capacities.loc[capacities["resource"] == "icu_beds", "region_code"])
    icu = needs[(needs["resource"] == "icu_beds")
                & np.isclose(needs["quantile"].astype(float), quantile)
                & needs["region_code"].isin([r for r in regions if r not in known])]
    peak = icu.groupby("region_code")["value"].max().astype(float)
    return peak[peak > 0].sort_index()


def census_on(cases: pd.DataFrame, day: date) -> pd.DataFrame:
    """Patients in care on ``day``: the reported patients in hospital (``hospitalised``)
    where the data set gives them, else confirmed − deaths − recovered where all three are
    known.

    Returns
    -------
    pandas.DataFrame
        ``region_code``, ``census`` [persons]; regions without a complete row on ``day`` are
        left out.
    """
    rows = cases[cases["date"] == pd.Timestamp(day)]
    known = rows[["confirmed_cum", "deaths_cum", "recovered_cum"]].notna().all(axis=1)
    census = (rows["confirmed_cum"] - rows["deaths_cum"] - rows["recovered_cum"]).astype(float)
    if "hospitalised" in rows:
        stock = rows["hospitalised"].astype("Float64")
        census = stock.where(stock.notna(), census).astype(float)
        known |= stock.notna()
    rows, census = rows[known], census[known]
    return pd.DataFrame({"region_code": rows["region_code"].to_numpy(),
                         "census": np.maximum(census.to_numpy(), 0.0)})


def donor_capacities(capacities: pd.DataFrame, cases: pd.DataFrame, *,
                     donors: Sequence[str], decision_date: date,
                     parameters: Mapping[str, float],
                     norm_set: str | None = None) -> pd.DataFrame:
    """Staff each donor can send.

    Parameters
    ----------
    capacities : pandas.DataFrame
        ``capacities`` table; rows for ``doctors`` and ``nurses`` of each donor are used.
    cases : pandas.DataFrame
        ``cases`` table; the donor's own census on ``decision_date`` sets its own need.
    donors : sequence of str
        Donor region codes.
    decision_date : datetime.date
        Day of the decision.
    parameters : mapping of str to float
        ``deployable_share``, ``covid_share_staff`` [fraction] and the needs parameters of
        :func:`pairaid.needs.per_patient_needs`.
    norm_set : str, optional
        Staffing norm set for the donor's own need (as for the recipients; default
        :func:`pairaid.needs.default_norm_set`).

    Returns
    -------
    pandas.DataFrame
        ``donor_code``, ``resource``, ``deployable`` = ``deployable_share`` × staff,
        ``own_census`` [patients], ``own_need`` [staff], ``own_available`` =
        ``covid_share_staff`` × staff [staff], ``own_need_known`` (bool: the donor has case
        counts on the decision date; if not, its own need is taken as 0),
        ``capacity`` = max(deployable − max(own_need − own_available, 0), 0) rounded down to
        whole staff with the tolerance of :func:`pairaid.rounding.whole_floor` [staff],
        ``estimated``.

    Notes
    -----
    A donor guards its own population as a recipient does: its own COVID-19 patients are
    cared for by the share ``covid_share_staff`` of its staff, as for every region. Only the
    part of its own need beyond that (a donor overwhelmed itself) is taken out of what it
    can send. The deployable share is a separate pool: in 2020 provinces with more than a
    thousand cases of their own (Guangdong, Zhejiang, Henan, Hunan) still sent thousands.
    """
    ratios = per_patient_needs(parameters, norm_set=norm_set)
    own = census_on(cases, decision_date).set_index("region_code")["census"]
    cap = capacities[capacities["region_code"].isin(list(donors))
                     & capacities["resource"].isin(STAFF_RESOURCES)]
    rows = []
    for code, res, qty, est in zip(cap["region_code"], cap["resource"], cap["quantity"],
                                   cap["estimated"].fillna(False), strict=True):
        deployable = float(qty) * parameters["deployable_share"]
        known = code in own.index
        own_census = float(own.get(code, 0.0))
        own_need = snap_whole(own_census * ratios[res])
        own_available = float(qty) * parameters["covid_share_staff"]
        excess = snap_whole(max(own_need - own_available, 0.0))
        rows.append({"donor_code": code, "resource": res, "deployable": deployable,
                     "own_census": own_census, "own_need": own_need,
                     "own_available": own_available, "own_need_known": known,
                     "capacity": whole_floor(max(deployable - excess, 0.0)),
                     "estimated": bool(est)})
    out = pd.DataFrame(rows, columns=["donor_code", "resource", "deployable", "own_census",
                                      "own_need", "own_available", "own_need_known",
                                      "capacity", "estimated"])
    return out.sort_values(["donor_code", "resource"]).reset_index(drop=True)
