"""Metrics of a pairing plan, the same for pairaid's plan and a historical one."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from pairaid.burden import burden_table, largest_burden
from pairaid.pairing import PairingResult
from pairaid.schemas import STAFF_RESOURCES


def plan_metrics(result: PairingResult, gaps: pd.DataFrame,
                 donor_capacities: pd.DataFrame) -> dict[str, Any]:
    """Summarise a plan.

    Parameters
    ----------
    result : pairaid.pairing.PairingResult
        A solved plan (pairs, flows, shortfall per recipient/resource/day).
    gaps : pandas.DataFrame
        ``gaps`` table; the staff rows (``doctors``, ``nurses``) define the need to cover.
    donor_capacities : pandas.DataFrame
        ``donor_code``, ``resource``, ``capacity`` [staff]: what each donor may send.

    Returns
    -------
    dict
        ``shortfall_staff_days`` [staff-days of gap left uncovered over the horizon],
        ``gap_staff_days`` [staff-days of gap before aid], ``gap_covered_share``
        (1 − shortfall / gap; 1 when there is no gap), ``max_donor_burden`` (largest burden
        over donors that send; a donor's burden is its largest share of a resource's
        capacity sent, :mod:`pairaid.burden`), ``staff_sent`` [staff], ``total_distance_km``
        (sum over pairs) and ``mean_distance_km`` (per pair) [km], ``pairs``,
        ``donors_used``, ``recipients_served`` and the solver
        fields ``status``, ``objective``, ``bound``, ``mip_gap``, ``bound_source`` (where
        bound and gap come from, :class:`pairaid.pairing.PairingResult`), ``solve_seconds``.
    """
    staff_gaps = gaps[gaps["resource"].isin(STAFF_RESOURCES)]
    gap_total = float(staff_gaps["gap"].sum())
    shortfall = result.shortfall
    short_total = float(shortfall.loc[shortfall["resource"].isin(STAFF_RESOURCES),
                                      "shortfall"].sum())
    flows = result.flows
    burdens = burden_table(flows, donor_capacities, STAFF_RESOURCES)["burden"]
    return {
        "shortfall_staff_days": short_total,
        "gap_staff_days": gap_total,
        "gap_covered_share": 1.0 - short_total / gap_total if gap_total > 0 else 1.0,
        "max_donor_burden": largest_burden(burdens),
        "staff_sent": float(flows["quantity"].sum()),
        "total_distance_km": float(result.pairs["distance_km"].sum()),
        "mean_distance_km": float(result.pairs["distance_km"].mean())
        if len(result.pairs) else 0.0,
        "pairs": len(result.pairs),
        "donors_used": int(result.pairs["donor_code"].nunique()),
        "recipients_served": int(result.pairs["recipient_code"].nunique()),
        "status": str(result.status.value),
        "objective": _finite(result.objective),
        "bound": _finite(result.bound),
        "mip_gap": _finite(result.mip_gap),
        "bound_source": result.bound_source,
        "solve_seconds": result.solve_seconds,
    }


def _finite(x: float) -> float | None:
    return float(x) if x is not None and math.isfinite(x) else None
