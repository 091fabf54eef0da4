"""Objective terms and result tables of a given plan (chosen pairs plus flows).

One formula for every plan: the optimiser's, the greedy baseline's, or a plan typed in by
hand, so they can be compared term by term.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from pairaid.burden import burden_deviation, dominant_burden, largest_burden
from pairaid.pairing.instance import Instance
from pairaid.pairing.teams import capped_staff
from pairaid.pairing.types import PairingOptions
from pairaid.rounding import snap_whole


@dataclass(frozen=True, eq=False)
class PlanTables:
    """Terms, measures and tables of a plan (see :class:`PairingResult`)."""

    objective: float
    terms: dict[str, float]
    measures: dict[str, float]
    pairs: pd.DataFrame
    flows: pd.DataFrame
    shortfall: pd.DataFrame
    burden: pd.DataFrame


def evaluate_plan(
    inst: Instance, options: PairingOptions, chosen: NDArray[np.bool_], q: NDArray[np.float64]
) -> PlanTables:
    """Compute the objective terms and tables of a plan.

    Parameters
    ----------
    inst : Instance
        The indexed problem.
    options : PairingOptions
        Weights of the terms.
    chosen : bool array (P,)
        Which candidate pairs are chosen.
    q : float array (P, S)
        Staff sent along each candidate pair per resource [staff]; must be 0 on pairs not
        chosen.

    Returns
    -------
    PlanTables
        Terms ``shortfall`` (sum over recipient, resource, day of weight x shortfall
        [staff-days]), ``distance`` (distance_weight x km of chosen pairs),
        ``burden_max`` (weight x largest donor burden), ``burden_deviation`` (weight x
        sum over donors and resources of |share sent - overall share|; burden as defined
        in :mod:`pairaid.burden`: a donor's largest share over resources), ``stability``
        (change_cost x pairs added or dropped against ``previous_pairs``; 0 without a
        previous plan).
    """
    R, D, S = len(inst.recipients), len(inst.donors), len(inst.resources)
    q = np.where(chosen[:, None], q, 0.0) + 0.0  # + 0.0 turns solver's -0.0 into 0.0
    received = np.zeros((R, S))
    np.add.at(received, inst.pair_r, q)
    short = snap_whole(np.maximum(inst.gaps - received[:, :, None], 0.0))
    short_w = float((short.sum(axis=2) * inst.weights[None, :]).sum())
    km = float(inst.pair_dist[chosen].sum())

    sent_ds = np.zeros((D, S))
    np.add.at(sent_ds, inst.pair_d, q)
    sent_d = sent_ds.sum(axis=1)
    cap_d = inst.raw_capacity.sum(axis=1)
    burden = dominant_burden(sent_ds, inst.raw_capacity)
    max_burden = largest_burden(burden)
    deviation = burden_deviation(sent_ds, inst.raw_capacity)
    kept_prev = int((chosen & inst.previous).sum())
    changed = ((inst.n_previous - kept_prev) + int((chosen & ~inst.previous).sum())
               if inst.n_previous > 0 else 0)

    terms = {
        "shortfall": short_w,
        "distance": options.distance_weight * km,
        "burden_max": options.burden_max_weight * max_burden,
        "burden_deviation": options.burden_deviation_weight * deviation,
        "stability": options.change_cost * changed,
    }
    measures = {
        "shortfall_staff_days": float(short.sum()),
        "total_distance_km": km,
        "max_burden": max_burden,
        "burden_deviation": deviation,
        "changed_pairs": float(changed),
        "staff_sent": float(q.sum()),
        "staff_capped": float(capped_staff(inst.team, q,
                                           integer=options.integer_flows).sum()),
        "pairs": float(chosen.sum()),
    }
    idx = np.flatnonzero(chosen)
    donors = np.asarray(inst.donors, dtype=object)
    recips = np.asarray(inst.recipients, dtype=object)
    pairs = pd.DataFrame({
        "donor_code": donors[inst.pair_d[idx]].astype(str),
        "recipient_code": recips[inst.pair_r[idx]].astype(str),
        "distance_km": inst.pair_dist[idx],
        "fixed": inst.fixed[idx],
        "previous": inst.previous[idx],
        "sent": q[idx].sum(axis=1),
    })
    pairs = pairs.sort_values(["recipient_code", "donor_code"], ignore_index=True)
    flows = pd.DataFrame({
        "donor_code": np.repeat(donors[inst.pair_d[idx]], S).astype(str),
        "recipient_code": np.repeat(recips[inst.pair_r[idx]], S).astype(str),
        "resource": np.tile(np.asarray(inst.resources, dtype=object), idx.size).astype(str),
        "quantity": q[idx].reshape(-1),
    })
    flows = flows.sort_values(["recipient_code", "donor_code", "resource"], ignore_index=True)
    ri, si, ti = inst.demand_rows
    shortfall = pd.DataFrame({
        "recipient_code": recips[ri].astype(str),
        "resource": np.asarray(inst.resources, dtype=object)[si].astype(str),
        "date": pd.to_datetime(inst.dates[ti]),
        "gap": inst.gaps[ri, si, ti],
        "received": received[ri, si],
        "shortfall": short[ri, si, ti],
    })
    burden_df = pd.DataFrame({
        "donor_code": donors.astype(str), "capacity": cap_d, "sent": sent_d,
        "burden": burden,
    })
    return PlanTables(float(sum(terms.values())), terms, measures, pairs, flows, shortfall,
                      burden_df)
