"""Greedy baseline of the pairing: a fast, feasible, usually good plan.

1. Fixed (and kept previous) pairs first, each sending what it usefully can.
2. Coverage: every recipient still short of its minimum number of donors gets one by a
   linear assignment (SciPy's ``linear_sum_assignment``) over free donor places, scored by
   the shortfall each donor would remove, so the degree limits are always met when they
   can be.
3. Extension: pairs are added one at a time, always the one with the largest marginal
   reduction of the objective (lazy evaluation: a pair's gain only shrinks as recipients
   receive staff and donors run out, so a stale gain is an upper bound), while it is
   positive and the limits k and m allow.

A donor sends along a pair the least of its remaining capacity, the recipient's remaining
peak gap and what ``max_total_sent`` still allows; under the team rule
(:mod:`pairaid.pairing.teams`) its nurses are cut to what its doctors left can accompany,
and its doctors raised to the rule's share of its nurses. It serves as the property-test baseline
(the optimum is never worse) and as the warm start of the MIP.
"""

from __future__ import annotations

import heapq

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from pairaid.pairing.instance import Instance
from pairaid.pairing.teams import capped_staff, fit_amounts, scale_amounts
from pairaid.pairing.types import PairingOptions
from pairaid.rounding import whole_ceil, whole_floor


class _State:
    def __init__(self, inst: Instance, options: PairingOptions):
        self.inst, self.options = inst, options
        cap = inst.capacity
        self.cap_left = whole_floor(cap) if options.integer_flows else cap.copy()
        self.peak = inst.gaps.max(axis=2, initial=0.0)
        self.target = whole_ceil(self.peak) if options.integer_flows else self.peak
        self.received = np.zeros_like(self.peak)
        self.total_left = (np.inf if options.max_total_sent is None
                           else float(options.max_total_sent))
        P, S = inst.pair_d.size, len(inst.resources)
        self.chosen = np.zeros(P, dtype=bool)
        self.q = np.zeros((P, S))
        self.deg_r = np.zeros(len(inst.recipients), dtype=np.int64)
        self.deg_d = np.zeros(len(inst.donors), dtype=np.int64)
        self.pair_cost = options.distance_weight * inst.pair_dist
        if inst.n_previous > 0:
            self.pair_cost = self.pair_cost + np.where(inst.previous, -options.change_cost,
                                                       options.change_cost)

    def amounts(self, p: NDArray[np.int64]) -> NDArray[np.float64]:
        """Staff each pair in ``p`` would send now, per resource (P', S)."""
        d, r = self.inst.pair_d[p], self.inst.pair_r[p]
        a = np.minimum(self.cap_left[d], np.maximum(self.target[r] - self.received[r], 0.0))
        team = self.inst.team
        if team is not None:
            a = fit_amounts(team, a, self.cap_left[d, team.companion],
                            integer=self.options.integer_flows)
        return a if team is not None else np.minimum(a, self.total_left)

    def gains(self, p: NDArray[np.int64]) -> NDArray[np.float64]:
        """Objective decrease of adding each pair in ``p`` now."""
        r = self.inst.pair_r[p]
        g = self.inst.gaps[r]  # (P', S, T)
        got = self.received[r][:, :, None]
        add = self.amounts(p)[:, :, None]
        saved = (np.maximum(g - got, 0.0) - np.maximum(g - got - add, 0.0)).sum(axis=2)
        return np.asarray(saved @ self.inst.weights - self.pair_cost[p])

    def take(self, p: int) -> None:
        a = self.amounts(np.asarray([p]))[0]
        # several resources share the total cap: scaled down to whole staff (as always),
        # keeping the team rule
        d, r = self.inst.pair_d[p], self.inst.pair_r[p]
        a = scale_amounts(self.inst.team, a, self.total_left, integer=True)
        self.chosen[p] = True
        self.q[p] = a
        self.cap_left[d] -= a
        self.received[r] += a
        self.total_left -= float(capped_staff(self.inst.team, a[None, :],
                                              integer=self.options.integer_flows)[0])
        self.deg_r[r] += 1
        self.deg_d[d] += 1


def greedy_plan(inst: Instance, options: PairingOptions
                ) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    """A feasible plan built greedily.

    Parameters
    ----------
    inst : Instance
        A validated problem for which :func:`pairaid.pairing.analysis.diagnose.diagnose` found no
        conflict.
    options : PairingOptions

    Returns
    -------
    chosen : bool array (P,)
        Chosen candidate pairs.
    q : float array (P, S)
        Staff sent along each pair per resource [staff].
    """
    st = _State(inst, options)
    fixed = np.flatnonzero(inst.fixed)
    order = np.argsort(-(st.peak[inst.pair_r[fixed]] @ inst.weights), kind="stable")
    for p in fixed[order]:
        st.take(int(p))
    _cover(st)
    if not inst.exact:
        _extend(st)
    return st.chosen, st.q


def _cover(st: _State) -> None:
    inst = st.inst
    need = np.maximum(inst.lo - st.deg_r, 0)
    if need.sum() == 0:
        return
    rows = np.repeat(np.arange(need.size), need)
    slots = np.minimum(np.maximum(inst.m - st.deg_d, 0), rows.size)
    cols = np.repeat(np.arange(slots.size), slots)
    free = np.flatnonzero(~st.chosen)
    gain = st.gains(free)
    big = 1e6 + 10 * (np.abs(gain).max(initial=0.0) + 1.0)
    score = np.full((need.size, len(inst.donors)), big)
    score[inst.pair_r[free], inst.pair_d[free]] = -gain
    cost = score[np.ix_(rows, cols)]
    ri, ci = linear_sum_assignment(cost)
    pair_of = {(int(inst.pair_r[p]), int(inst.pair_d[p])): int(p) for p in free}
    picked = []
    for a, b in zip(ri, ci, strict=True):
        key = (int(rows[a]), int(cols[b]))
        if cost[a, b] < big and key in pair_of and not st.chosen[pair_of[key]]:
            picked.append((cost[a, b], pair_of[key]))
    for _, p in sorted(picked):
        if not st.chosen[p]:
            st.take(p)


def _extend(st: _State) -> None:
    inst = st.inst
    free = np.flatnonzero(~st.chosen)
    gain = st.gains(free)
    heap = [(-g, int(p)) for g, p in zip(gain, free, strict=True) if g > 1e-9]
    heapq.heapify(heap)
    while heap:
        neg, p = heapq.heappop(heap)
        d, r = inst.pair_d[p], inst.pair_r[p]
        if st.chosen[p] or st.deg_r[r] >= inst.k[r] or st.deg_d[d] >= inst.m[d]:
            continue
        g = float(st.gains(np.asarray([p]))[0])
        if g <= 1e-9:
            continue
        if heap and g < -heap[0][0] - 1e-12:
            heapq.heappush(heap, (-g, p))
            continue
        st.take(p)
