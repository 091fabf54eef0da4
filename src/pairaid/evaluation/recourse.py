"""Fast replay: the best flows of fixed pairs on many scenarios, by min-cost flow.

With its pairs fixed, the pairing model of a plan (:mod:`pairaid.pairing.formulations.model` with
``exact_pairs``) is a min-cost flow: staff go from (donor, resource) along the plan's pairs
to (recipient, resource) and are priced by the convex piecewise-linear shortfall of each
recipient, in whole-staff segments; the distance term is a constant. This is the network
of the transportation method (:func:`pairaid.pairing.search.transport.pair_flows`), solved by
OR-Tools' network simplex, with its integer flows (so the shortfall equals the compact
MIP's optimum with integer flows up to the cost scaling, 2^-24 of the largest benefit).

What is built once (per chunk of scenarios, on a worker): one indexed instance
(:class:`pairaid.pairing.instance.Instance`) per supply, with every candidate pair, and the
pair indices of each plan. What changes per scenario: the gaps (vectorised over the chunk,
:func:`chunk_gaps`), hence the shortfall segments, shared by every plan.
:func:`pairaid.evaluation.replay.replay_scenario` (the pairing engine per scenario and
plan) stays the reference: ``tests/evaluation/test_recourse.py`` checks both agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from pairaid.burden import dominant_burden, largest_burden
from pairaid.errors import InfeasibleError
from pairaid.gaps import _share
from pairaid.needs import per_patient_needs
from pairaid.pairing import PairingOptions, PairingProblem
from pairaid.pairing.instance import Instance, build_instance
from pairaid.pairing.search.transport import pair_flows, shortfall_segments
from pairaid.pairing.types import Pair
from pairaid.rounding import snap_whole

if TYPE_CHECKING:
    from pairaid.evaluation.replay import EvaluationContext


@dataclass(frozen=True, eq=False)
class Network:
    """The fixed part of the flow problem of one supply.

    Attributes
    ----------
    inst : Instance
        Every candidate pair of the planning problem with this supply; its ``gaps`` are
        the planning gaps (replaced per scenario).
    options : PairingOptions
        Same total staff (``max_total_sent``) and reserve as the pairing engine gets.
    pair_index : dict
        ``(donor_code, recipient_code)`` -> candidate pair index.
    burden_capacity : numpy.ndarray, shape (D, S)
        Donor capacity [staff] a donor's burden is measured against (NaN: none).
    """

    inst: Instance
    options: PairingOptions
    pair_index: dict[Pair, int]
    burden_capacity: NDArray[np.float64]

    def pairs_of(self, name: str, pairs: Sequence[Pair]) -> NDArray[np.int64]:
        """Candidate pair indices of a plan's pairs (duplicates dropped).

        Raises
        ------
        pairaid.errors.InfeasibleError
            If a pair is not a candidate (no distance), as the pairing engine does.
        """
        out = []
        for pair in dict.fromkeys((str(d), str(r)) for d, r in pairs):
            if pair not in self.pair_index:
                raise InfeasibleError(f"plan {name}: pair {pair[0]} -> {pair[1]} has no "
                                      "distance in the distances table, so it cannot be used")
            out.append(self.pair_index[pair])
        return np.asarray(out, dtype=np.int64)


def build_network(ctx: EvaluationContext, supply: pd.DataFrame | None = None) -> Network:
    """Index the planning problem of ``ctx`` (with ``supply`` if given) for fast replay."""
    options = PairingOptions(max_total_sent=ctx.total_staff, **ctx.options)
    problem = PairingProblem(
        supply=supply if supply is not None else ctx.problem.supply,
        demand=ctx.problem.demand, distances=ctx.problem.distances,
        weights=ctx.problem.weights)
    inst = build_instance(problem, options)
    donors = np.asarray(inst.donors, dtype=object)
    recips = np.asarray(inst.recipients, dtype=object)
    index = {(str(donors[d]), str(recips[r])): p
             for p, (d, r) in enumerate(zip(inst.pair_d, inst.pair_r, strict=True))}
    caps = ctx.donor_capacities.set_index(["donor_code", "resource"])["capacity"]
    burden = np.full((len(inst.donors), len(inst.resources)), np.nan)
    for i, d in enumerate(inst.donors):
        for j, s in enumerate(inst.resources):
            if (d, s) in caps.index:
                burden[i, j] = float(caps.loc[(d, s)])
    return Network(inst=inst, options=options, pair_index=index, burden_capacity=burden)


def chunk_gaps(census: NDArray[np.float64], ctx: EvaluationContext,
               inst: Instance) -> NDArray[np.float64]:
    """Staff gaps of many scenarios at once, in ``inst``'s order.

    The stages of :func:`pairaid.evaluation.replay.scenario_demand` (needs = census x the
    need per patient of :func:`pairaid.needs.per_patient_needs`; gap = need above the
    available share of the local staff, :func:`pairaid.gaps.compute_gaps`) on arrays.

    Parameters
    ----------
    census : numpy.ndarray, shape (n, len(ctx.recipients), H)
        Census paths [persons].

    Returns
    -------
    numpy.ndarray, shape (n, R, S, H)
        Gap [staff on the day] of ``inst.recipients`` x ``inst.resources``; 0 where the
        recipient has no capacity figure of the resource (no gap row there).
    """
    ratio = per_patient_needs(ctx.parameters, norms=ctx.norms, norm_set=ctx.norm_set)
    cap = ctx.capacities
    avail = np.full((len(inst.recipients), len(inst.resources)), np.nan)
    index = {(str(r), str(s)): float(q) for r, s, q in
             zip(cap["region_code"], cap["resource"], cap["quantity"], strict=True)}
    per = np.zeros(len(inst.resources))
    for j, s in enumerate(inst.resources):
        per[j] = float(ratio.get(s, np.nan))
        for i, r in enumerate(inst.recipients):
            if (r, s) in index:
                avail[i, j] = index[(r, s)] * _share(s, ctx.parameters)
    rows = [ctx.recipients.index(r) for r in inst.recipients]
    need = census[:, rows, None, :].astype(float) * per[None, None, :, None]
    gaps = snap_whole(np.maximum(need - avail[None, :, :, None], 0.0))
    return np.where(np.isfinite(gaps), gaps, 0.0)


def measures(net: Network, pairs: NDArray[np.int64], gaps: NDArray[np.float64],
             q: NDArray[np.float64]) -> dict[str, float]:
    """The columns of ``evaluation.csv`` for flows ``q`` (len(pairs), S) along ``pairs``
    on one scenario's ``gaps`` (R, S, T); the same measures as
    :func:`pairaid.evaluation.replay.plan_row`."""
    inst = net.inst
    R, S = gaps.shape[:2]
    received = np.zeros((R, S))
    np.add.at(received, inst.pair_r[pairs], q)
    short = snap_whole(np.maximum(gaps - received[:, :, None], 0.0))
    gap_r = gaps.sum(axis=(1, 2))
    short_r = short.sum(axis=(1, 2))
    need = gap_r > 0
    gap_total, short_total = float(gap_r.sum()), float(short_r.sum())
    worst = float((1.0 - short_r[need] / gap_r[need]).min()) if need.any() else 1.0
    sent = np.zeros(net.burden_capacity.shape)
    np.add.at(sent, inst.pair_d[pairs], q)
    return {
        "shortfall_staff_days": short_total,
        "gap_staff_days": gap_total,
        "gap_covered_share": 1.0 - short_total / gap_total if gap_total > 0 else 1.0,
        "worst_city_covered_share": worst,
        "max_donor_burden": largest_burden(dominant_burden(sent, net.burden_capacity)),
        "total_distance_km": float(inst.pair_dist[pairs].sum()),
        "staff_sent": float(q.sum()),
    }


def best_flows(net: Network, pairs: NDArray[np.int64], gaps: NDArray[np.float64],
               segments: Any = None) -> NDArray[np.float64]:
    """Integer flows (len(pairs), S) [staff] along ``pairs`` that minimise the weighted
    shortfall on ``gaps`` (R, S, T), under donor capacity and the total staff cap."""
    inst = replace(net.inst, gaps=gaps)
    if pairs.size == 0:
        return np.zeros((0, len(inst.resources)))
    seg = segments if segments is not None else shortfall_segments(inst)
    q, _ = pair_flows(inst, net.options, pairs, seg, distance=False)
    return q
