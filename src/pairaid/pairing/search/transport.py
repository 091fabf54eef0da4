"""Large pairings (thousands of recipients) by a transportation relaxation and repair.

At county scale (tens of donors, thousands of recipients, several resources) the compact
MIP is too large for a 60-second solve: even its LP relaxation stalls. This method gives a
plan with a *certified* gap instead:

1. **Bound.** Drop the pair variables (so the per-pair distance and stability costs, which
   are >= 0 in total, and the limit k) and the problem becomes a min-cost flow: source ->
   (donor, resource) arcs of the donor's capacity -> (recipient, resource) arcs along
   candidate pairs -> sink by one arc per shortfall segment (the shortfall is convex and
   piecewise linear in the staff received, see
   :func:`pairaid.pairing.formulations.model.add_shortfall_segments`), plus a zero-cost
   bypass for staff not sent. Solved exactly by OR-Tools' network simplex
   (``SimpleMinCostFlow``). Its optimum plus the distance each recipient in need must at
   least travel (its nearest candidate donor) is a lower bound of the pairing objective.
2. **Repair.** Keep each recipient's k largest flows, then every donor's m largest pairs,
   give every recipient still without a donor one by linear assignment (as the greedy
   baseline does), and re-optimise the flows on the chosen pairs by the same min-cost
   flow restricted to them.
3. **Improve.** A few rounds add, to recipients with shortfall and a free place, the
   donor with the most spare staff, then re-optimise the flows.

The objective of the repaired plan is evaluated exactly; ``bound`` and ``mip_gap`` come
from step 1. Arc costs are integers (scaled by :data:`COST_SCALE`); the rounding error is
subtracted from the bound so it stays valid.

References
----------
R. K. Ahuja, T. L. Magnanti, J. B. Orlin, *Network Flows*, Prentice Hall 1993, ch. 9
(min-cost flow) and ch. 14 (convex costs by piecewise-linear segments).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from pairaid.pairing.instance import Instance
from pairaid.pairing.search.greedy import _cover, _State
from pairaid.pairing.types import PairingOptions
from pairaid.rounding import whole_ceil, whole_floor

COST_SCALE = 2.0**24
"""Scale of the largest segment benefit in integer arc costs."""


def applicable(inst: Instance, options: PairingOptions) -> bool:
    """Whether the transportation method applies (integer flows, no exact pairs, at most
    one required donor per recipient, no burden terms, no team rule: a min-cost flow
    cannot tie a pair's doctors to its nurses, :mod:`pairaid.pairing.teams`)."""
    return (not inst.exact and inst.team is None and options.integer_flows
            and bool((inst.lo <= 1).all())
            and options.burden_max_weight == 0 and options.burden_deviation_weight == 0)


def shortfall_segments(inst: Instance) -> tuple[NDArray[np.int64], NDArray[np.int64],
                                       NDArray[np.float64]]:
    """Integer-unit shortfall segments: (key r*S+s, length [staff], benefit per staff)."""
    R, S = len(inst.recipients), len(inst.resources)
    g = inst.gaps.reshape(R * S, -1)
    keys, lengths, benefits = [], [], []
    for key in np.flatnonzero(g.max(axis=1, initial=0.0) > 0):
        gk = g[key][g[key] > 0]
        pts = np.unique(np.concatenate([[0.0], np.floor(gk), np.ceil(gk)]))
        a, b = pts[:-1], pts[1:]
        cover = np.clip(gk[None, :] - a[:, None], 0.0, (b - a)[:, None]).sum(axis=1)
        keys.append(np.full(a.size, key))
        lengths.append((b - a).astype(np.int64))
        benefits.append(inst.weights[key % S] * cover / (b - a))
    if not keys:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return np.concatenate(keys), np.concatenate(lengths), np.concatenate(benefits)


def pair_flows(inst: Instance, options: PairingOptions, pairs: NDArray[np.int64],
          seg: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]],
          distance: bool = True) -> tuple[NDArray[np.float64], float]:
    """Min-cost flow over the given candidate pairs.

    With ``distance``, a staff member sent along pair p costs
    ``distance_weight * km_p / sum_s U_ps`` (U = arc capacities): since
    ``y_p >= sum_s q_ps / sum_s U_ps`` in the pairing model, this charges no more than the
    pair's distance term, so the optimum stays a lower bound, and among equally useful
    donors it prefers near ones.

    Returns flows (len(pairs), S) [staff] and a lower bound of the weighted shortfall
    plus distance term reachable with those pairs [objective units].
    """
    R, D, S = len(inst.recipients), len(inst.donors), len(inst.resources)
    cap = whole_floor(inst.capacity).astype(np.int64)  # (D, S)
    top = whole_ceil(inst.gaps.max(axis=2, initial=0.0)).astype(np.int64)  # (R, S)
    total = int(cap.sum())
    limit = total if options.max_total_sent is None else \
        min(total, int(whole_floor(options.max_total_sent)))
    src, gate, sink = 0, 1, 2
    d_node = 3 + np.arange(D * S)
    r_node = 3 + D * S + np.arange(R * S)
    seg_key, seg_len, seg_ben = seg
    scale = COST_SCALE / max(float(seg_ben.max(initial=0.0)), 1e-12)
    seg_cost = -np.round(seg_ben * scale).astype(np.int64)
    pd_, pr_ = inst.pair_d[pairs], inst.pair_r[pairs]
    arc_cap = np.minimum(cap[pd_], top[pr_])  # (P', S)
    ps, ss = np.nonzero(arc_cap > 0)
    if distance:
        per_unit = options.distance_weight * inst.pair_dist[pairs] / np.maximum(
            arc_cap.sum(axis=1), 1)
        arc_cost = np.floor(per_unit[ps] * scale).astype(np.int64)
    else:
        arc_cost = np.zeros(ps.size, np.int64)
    tails = np.concatenate([[src, src], np.full(D * S, gate), d_node[pd_[ps] * S + ss],
                            r_node[seg_key]])
    heads = np.concatenate([[sink, gate], d_node, r_node[pr_[ps] * S + ss],
                            np.full(seg_key.size, sink)])
    caps = np.concatenate([[total, limit], cap.reshape(-1), arc_cap[ps, ss], seg_len])
    costs = np.concatenate([[0, 0], np.zeros(D * S, np.int64), arc_cost, seg_cost])
    # imported here: OR-Tools' graph module costs about 0.05 s, and a plan that is not
    # solved by this method (the default one) never needs it
    from ortools.graph.python import min_cost_flow

    net = min_cost_flow.SimpleMinCostFlow()
    net.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32),
                                             caps.astype(np.int64), costs.astype(np.int64))
    supplies = np.zeros(3 + D * S + R * S, dtype=np.int64)
    supplies[src], supplies[sink] = total, -total
    net.set_nodes_supplies(np.arange(supplies.size, dtype=np.int32), supplies)
    status = net.solve()
    if status != net.OPTIMAL:  # pragma: no cover - the network is always feasible
        raise RuntimeError(f"min-cost flow failed with status {status}")
    first = 2 + D * S
    flows = np.zeros((pairs.size, S))
    flows[ps, ss] = net.flows(np.arange(first, first + ps.size, dtype=np.int32))
    max_units = float(min(limit, seg_len.sum()))
    base = float((inst.gaps.sum(axis=2) * inst.weights[None, :]).sum())
    bound = base + net.optimal_cost() / scale - max_units * 0.5 / scale
    return flows, bound


def solve_transport(inst: Instance, options: PairingOptions, rounds: int = 3
                    ) -> tuple[NDArray[np.bool_], NDArray[np.float64], float]:
    """Plan and lower bound by transportation relaxation and repair.

    Returns
    -------
    chosen : bool array (P,)
    q : float array (P, S) [staff]
    bound : float
        A lower bound of the optimal objective of the pairing model [objective units].
    """
    P, S = inst.pair_d.size, len(inst.resources)
    R = len(inst.recipients)
    seg = shortfall_segments(inst)
    everything = np.arange(P)
    flows, bound = pair_flows(inst, options, everything, seg)
    # a second bound: shortfall alone plus the distance to each needy recipient's nearest
    # candidate donor (every such recipient has at least one pair)
    _, bound_short = pair_flows(inst, options, everything, seg, distance=False)
    needy = inst.lo > 0
    nearest = np.full(R, np.inf)
    np.minimum.at(nearest, inst.pair_r, inst.pair_dist)
    bound = max(bound, bound_short + options.distance_weight
                * float(nearest[needy & np.isfinite(nearest)].sum()))

    # repair: the k largest flows per recipient, then the m largest pairs per donor
    value = flows @ np.where(inst.weights > 0, inst.weights, 1e-9)
    keep = (value > 0) | inst.fixed
    order = np.lexsort((-value, ~inst.fixed, inst.pair_r))
    rank = np.empty(P, dtype=np.int64)
    grp_start = np.searchsorted(inst.pair_r[order], inst.pair_r[order], side="left")
    rank[order] = np.arange(P) - grp_start
    keep &= rank < inst.k[inst.pair_r]
    order = np.lexsort((-value, ~inst.fixed, inst.pair_d))
    kept_sorted = keep[order]
    seen = np.cumsum(kept_sorted) - 1
    d_sorted = inst.pair_d[order]
    start = np.searchsorted(d_sorted, d_sorted, side="left")
    before = seen - np.where(start > 0, np.cumsum(kept_sorted)[np.maximum(start - 1, 0)], 0)
    before = np.where(start > 0, before, seen)
    ok = np.zeros(P, dtype=bool)
    ok[order] = kept_sorted & (before < inst.m[d_sorted])
    st = _State(inst, options)
    for p in np.flatnonzero(ok):
        st.take(int(p))
    _cover(st)
    chosen = st.chosen.copy()
    q = np.zeros((P, S))
    sel = np.flatnonzero(chosen)
    q[sel], _ = pair_flows(inst, options, sel, seg)

    cap = whole_floor(inst.capacity)
    for _ in range(rounds):
        sent_d = np.zeros_like(cap)
        np.add.at(sent_d, inst.pair_d, q)
        spare = cap - sent_d
        got = np.zeros((R, S))
        np.add.at(got, inst.pair_r, q)
        short = np.maximum(whole_ceil(inst.gaps.max(axis=2, initial=0.0)) - got, 0.0)
        deg_r = np.bincount(inst.pair_r[chosen], minlength=R)
        deg_d = np.bincount(inst.pair_d[chosen], minlength=len(inst.donors))
        free = ~chosen & (deg_r[inst.pair_r] < inst.k[inst.pair_r]) & \
            (deg_d[inst.pair_d] < inst.m[inst.pair_d])
        gain = (np.minimum(spare[inst.pair_d], short[inst.pair_r]) * inst.weights).sum(axis=1)
        gain = np.where(free, gain - options.distance_weight * inst.pair_dist, 0.0)
        added = False
        for p in np.argsort(-gain):
            if gain[p] <= 0:
                break
            d, r = inst.pair_d[p], inst.pair_r[p]
            if deg_r[r] >= inst.k[r] or deg_d[d] >= inst.m[d]:
                continue
            chosen[p] = True
            deg_r[r] += 1
            deg_d[d] += 1
            added = True
        if not added:
            break
        sel = np.flatnonzero(chosen)
        q = np.zeros((P, S))
        q[sel], _ = pair_flows(inst, options, sel, seg)
    # prune pairs that carry no staff where the recipient keeps another pair or needs none
    idle = chosen & ~inst.fixed & (q.sum(axis=1) == 0)
    deg_r = np.bincount(inst.pair_r[chosen], minlength=R)
    for p in np.flatnonzero(idle)[np.argsort(-inst.pair_dist[idle])]:
        r = inst.pair_r[p]
        if deg_r[r] > inst.lo[r]:
            chosen[p] = False
            deg_r[r] -= 1
    return chosen, q, bound
