"""Explanations of a patient-transfer plan, in the style of :mod:`pairaid.pairing.analysis.explain`.

For every donor-recipient pair that could move patients (a donor with spare-bed rows, a
recipient with an overflow on some day):

* a **chosen** pair (patients moved) is re-solved as forbidden: the change of the
  patient-days without a bed and of the patient-km is what the pair is worth;
* an **unused** or **excluded** pair gets the reason it moves nobody (beyond the distance
  limit, outside the allowed pairs, no spare bed on any day, the donor's beds already filled
  by other recipients, the recipient's overflow already covered, the daily limit used);

and the plan's limits: the days on which the daily limit is used in full, the value of one
more patient a day (a re-solve with the limit + 1), the donor-days whose spare beds are all
taken. Every figure is the difference of two solves of the same model
(:func:`pairaid.pairing.formulations.transfer.solve_transfers`), so it inherits their status.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from pairaid.pairing.formulations.transfer import (
    TransferOptions,
    TransferProblem,
    TransferResult,
    candidate_pairs,
    solve_transfers,
)

PAIR_COLUMNS = ["donor_code", "recipient_code", "distance_km", "status", "patients",
                "patient_km", "first_day", "unserved_change", "patient_km_change",
                "solve_status", "reason"]


@dataclass(frozen=True, eq=False)
class TransferExplanation:
    """Why a transfer plan is what it is.

    Attributes
    ----------
    pairs : pandas.DataFrame
        One row per possible pair, columns :data:`PAIR_COLUMNS`: ``status`` (``chosen``,
        ``unused``, ``excluded``), ``patients`` moved [patients], ``patient_km``
        [patient-km], ``first_day`` (0 = the day after the decision date; empty if none),
        ``unserved_change`` [patient-days] and ``patient_km_change`` [patient-km] if the
        pair were forbidden (chosen pairs only), ``solve_status`` of that re-solve,
        ``reason`` in words.
    limits : dict
        ``max_per_day`` [patients/day] or None, ``days`` in the horizon,
        ``days_at_daily_limit`` (list of day indices), ``one_more_per_day`` (change of the
        patient-days without a bed with the limit + 1, or None without a limit),
        ``full_donor_days`` (donor -> number of days with every spare bed taken),
        ``unserved_by_recipient`` [patient-days].
    """

    pairs: pd.DataFrame
    limits: dict[str, Any]


def _moved(result: TransferResult) -> pd.DataFrame:
    t = result.transfers
    if t.empty:
        return pd.DataFrame(columns=["donor_code", "recipient_code", "patients",
                                     "patient_km", "first_day"])
    return t.assign(patient_km=t["patients"] * t["distance_km"]).groupby(
        ["donor_code", "recipient_code"], as_index=False).agg(
        patients=("patients", "sum"), patient_km=("patient_km", "sum"),
        first_day=("day", "min"))


def explain_transfers(problem: TransferProblem, options: TransferOptions,
                      result: TransferResult | None = None) -> TransferExplanation:
    """Explain a transfer plan by re-solving it (see the module docstring).

    Parameters
    ----------
    problem, options
        As given to :func:`pairaid.pairing.formulations.transfer.solve_transfers`.
    result : TransferResult, optional
        The plan to explain (solved here if not given).

    Returns
    -------
    TransferExplanation
    """
    base = result or solve_transfers(problem, options)
    days = int(max(problem.overflow["day"].max(), problem.spare["day"].max())) + 1
    moved = _moved(base).set_index(["donor_code", "recipient_code"])
    candidates = candidate_pairs(problem, options)
    cand = set(zip(candidates["donor_code"], candidates["recipient_code"], strict=True))
    spare_total = problem.spare.groupby("donor_code")["spare"].sum()
    occ = base.occupancy
    free = occ.assign(free=occ["spare"] - occ["received"])
    free_total = free.groupby("donor_code")["free"].sum()
    unserved = base.unserved.groupby("recipient_code")["unserved"].sum()
    per_day = base.transfers.groupby("day")["patients"].sum().reindex(range(days),
                                                                       fill_value=0)
    at_limit = ([] if options.max_per_day is None
                else [int(d) for d in per_day.index if per_day[d] >= options.max_per_day])
    needy = sorted(set(problem.overflow.loc[problem.overflow["overflow"] > 0,
                                            "recipient_code"]))
    dist = problem.distances.set_index(["donor_code", "recipient_code"])["distance_km"]
    allowed = None if options.allowed_pairs is None else set(options.allowed_pairs)
    rows = []
    for d in sorted(set(problem.spare["donor_code"])):
        for r in needy:
            km = float(dist.get((d, r), np.nan))
            row: dict[str, Any] = {"donor_code": d, "recipient_code": r, "distance_km": km,
                                   "patients": 0, "patient_km": 0.0, "first_day": np.nan,
                                   "unserved_change": np.nan, "patient_km_change": np.nan,
                                   "solve_status": ""}
            if (d, r) in moved.index:
                m = moved.loc[(d, r)]
                row.update(status="chosen", patients=int(m["patients"]),
                           patient_km=float(m["patient_km"]), first_day=int(m["first_day"]))
                row.update(_forbid(problem, options, base, candidates, d, r))
            elif (d, r) not in cand:
                row.update(status="excluded", reason=_excluded(km, options, allowed, d, r))
            else:
                row.update(status="unused", reason=_unused(
                    float(spare_total.get(d, 0.0)), float(free_total.get(d, 0.0)),
                    float(unserved.get(r, 0.0)), len(at_limit), days, options))
            rows.append(row)
    pairs = pd.DataFrame(rows, columns=PAIR_COLUMNS)
    one_more = None
    if options.max_per_day is not None:
        wider = solve_transfers(problem, replace(options, max_per_day=options.max_per_day + 1))
        one_more = wider.unserved_patient_days - base.unserved_patient_days
    full = free[(free["spare"] > 0) & (free["free"] <= 0)].groupby("donor_code").size()
    limits = {"max_per_day": options.max_per_day, "days": days,
              "days_at_daily_limit": at_limit, "one_more_per_day": one_more,
              "full_donor_days": {str(k): int(v) for k, v in full.items()},
              "unserved_by_recipient": {str(k): float(v) for k, v in unserved.items()}}
    return TransferExplanation(pairs=pairs, limits=limits)


def _forbid(problem: TransferProblem, options: TransferOptions, base: TransferResult,
            candidates: pd.DataFrame, d: str, r: str) -> dict[str, Any]:
    """Re-solve without the pair ``(d, r)``: what it is worth."""
    others = [(a, b) for a, b in zip(candidates["donor_code"], candidates["recipient_code"],
                                     strict=True) if (a, b) != (d, r)]
    alt = solve_transfers(problem, replace(options, allowed_pairs=others))
    du = alt.unserved_patient_days - base.unserved_patient_days
    dk = alt.patient_km - base.patient_km
    if du > 0.5:
        why = (f"without it {du:,.0f} more patient-days without a bed: no other donor has "
               "the spare beds on those days within the limits")
    else:
        why = (f"replaceable: without it other donors take its patients "
               f"({dk:+,.0f} patient-km)")
    return {"unserved_change": du, "patient_km_change": dk,
            "solve_status": str(alt.status), "reason": why}


def _excluded(km: float, options: TransferOptions, allowed: set[tuple[str, str]] | None,
              d: str, r: str) -> str:
    if np.isnan(km):
        return "no distance known for this pair"
    if options.max_km is not None and km > options.max_km:
        return f"{km:,.0f} km: farther than the limit of {options.max_km:,.0f} km"
    if allowed is not None and (d, r) not in allowed:
        return "not an allowed pair (e.g. outside the recipient's cluster)"
    return "not a candidate pair"


def _unused(spare: float, free: float, unserved: float, limit_days: int, days: int,
            options: TransferOptions) -> str:
    if spare <= 0:
        return ("no spare ICU bed on any day: its own forecast census fills its COVID-19 "
                "ICU beds less the reserve")
    if unserved <= 0:
        return "the recipient's overflow is covered by nearer donors"
    if free <= 0:
        return "its spare beds are all taken by patients from other recipients"
    if options.max_per_day is not None and limit_days == days:
        return (f"the daily limit of {options.max_per_day} patients is used every day; "
                "moving them elsewhere saves as many patient-days without a bed at fewer "
                "patient-km")
    return ("moving a patient on this pair saves no patient-day without a bed at the "
            "optimum (its free beds fall on days the recipient's patients cannot use)")
