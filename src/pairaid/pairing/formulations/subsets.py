"""Set-partitioning (donor-subset) formulation of the pairing when each donor supports at
most one recipient (m <= 1, the 2020 "one province, one city" rule).

With m <= 1 a donor's staff can only go to one recipient, so a plan is a choice, per
recipient, of one subset of at most k candidate donors, with every donor in at most one
chosen subset. Each column (recipient, donor subset) carries its exact cost: the shortfall
left when the subset sends all it usefully can, plus distance and stability costs of its
pairs. This is the Dantzig–Wolfe reformulation of the compact model
(:mod:`pairaid.pairing.formulations.model`): the same optimum, a much tighter LP
relaxation, since the convex shortfall is priced on whole subsets instead of on fractions
of pairs. When ``max_total_sent`` is set, what a recipient receives becomes a variable
bounded by its chosen subset's capacity and the shortfall is priced per day as in the
compact model.

It is used when it is exact (m <= 1, no burden terms) and the number of columns stays
below :data:`MAX_COLUMNS`; otherwise the compact model is solved.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from math import comb

import numpy as np
from numpy.typing import NDArray

from pairaid.pairing.formulations.model import add_shortfall_segments
from pairaid.pairing.highs import INF, MipBuilder, MipSolution
from pairaid.pairing.instance import Instance
from pairaid.pairing.types import PairingOptions
from pairaid.rounding import whole_ceil, whole_floor

MAX_COLUMNS = 300_000
"""Largest number of donor-subset columns for which this formulation is used."""


def applicable(inst: Instance, options: PairingOptions) -> bool:
    """Whether the subset formulation is exact for this problem and small enough (its
    columns price a subset's flows per resource alone, so not under the team rule,
    :mod:`pairaid.pairing.teams`)."""
    if inst.exact or inst.team is not None or (inst.m > 1).any():
        return False
    if options.burden_max_weight > 0 or options.burden_deviation_weight > 0:
        return False
    return count_columns(inst) <= MAX_COLUMNS


def _sizes(inst: Instance, r: int, n_free: int, n_fixed: int) -> range:
    lo = max(int(inst.lo[r]), n_fixed)
    hi = min(int(inst.k[r]), n_free + n_fixed)
    return range(lo, hi + 1)


def count_columns(inst: Instance) -> int:
    """Number of (recipient, donor subset) columns the formulation would have."""
    total = 0
    for r in range(len(inst.recipients)):
        sel = inst.pair_r == r
        nf = int((sel & inst.fixed).sum())
        n = int(sel.sum()) - nf
        total += sum(comb(n, j - nf) for j in _sizes(inst, r, n, nf))
        if total > MAX_COLUMNS:
            return total
    return total


@dataclass(frozen=True, eq=False)
class SubsetModel:
    """The built set-partitioning model and the content of each column."""

    builder: MipBuilder
    x: NDArray[np.int64]  # column index per subset
    col_r: NDArray[np.int64]  # recipient of each subset
    members: list[NDArray[np.int64]]  # candidate-pair indices of each subset
    big_q: NDArray[np.int64] | None  # (R*S,) received-staff columns (capped mode) or None


def build_subset_model(inst: Instance, options: PairingOptions) -> SubsetModel:
    """Build the set-partitioning model (no solving)."""
    R, D, S = len(inst.recipients), len(inst.donors), len(inst.resources)
    cap = whole_floor(inst.capacity) if options.integer_flows else inst.capacity
    peak = inst.gaps.max(axis=2, initial=0.0)
    top = whole_ceil(peak) if options.integer_flows else peak
    capped = options.max_total_sent is not None
    use_prev = inst.n_previous > 0
    pair_cost = options.distance_weight * inst.pair_dist
    if use_prev:
        pair_cost = pair_cost + np.where(inst.previous, -options.change_cost,
                                         options.change_cost)
    col_r: list[NDArray[np.int64]] = []
    members: list[NDArray[np.int64]] = []
    costs: list[NDArray[np.float64]] = []
    recv: list[NDArray[np.float64]] = []
    for r in range(R):
        ps = np.flatnonzero(inst.pair_r == r)
        fixed = ps[inst.fixed[ps]]
        free = ps[~inst.fixed[ps]]
        for j in _sizes(inst, r, free.size, fixed.size):
            tuples = list(combinations(range(free.size), j - fixed.size))
            combos = np.asarray(tuples, dtype=np.int64).reshape(len(tuples), j - fixed.size)
            sets = np.hstack([np.broadcast_to(fixed, (combos.shape[0], fixed.size)),
                              free[combos]])
            got = np.minimum(cap[inst.pair_d[sets]].sum(axis=1), top[r])  # (C, S)
            cost = pair_cost[sets].sum(axis=1)
            if not capped:
                g = inst.gaps[r][None, :, :]
                short = np.maximum(g - got[:, :, None], 0.0).sum(axis=2)
                cost = cost + short @ inst.weights
            col_r.append(np.full(sets.shape[0], r, dtype=np.int64))
            members.extend(list(sets))
            costs.append(cost)
            recv.append(got)
    b = MipBuilder()
    b.offset = options.change_cost * inst.n_previous if use_prev else 0.0
    cr = np.concatenate(col_r)
    x = b.add_vars(cr.size, cost=np.concatenate(costs), upper=1.0, integer=True)
    b.add_rows(rows=cr, cols=x, vals=1.0, lower=np.ones(R), upper=np.ones(R))
    sizes = np.asarray([len(mem) for mem in members], dtype=np.int64)
    flat = np.concatenate(members) if members else np.zeros(0, dtype=np.int64)
    b.add_rows(rows=inst.pair_d[flat], cols=np.repeat(x, sizes), vals=1.0,
               lower=np.full(D, -INF), upper=inst.m.astype(float))
    big_q = None
    if capped:
        got_all = np.vstack(recv)  # (C, S)
        big_q = b.add_vars(R * S, upper=top.reshape(-1), integer=options.integer_flows)
        # Q[r,s] <= sum_c got[c,s] x_c
        rs = cr[:, None] * S + np.arange(S)[None, :]
        b.add_rows(rows=np.concatenate([np.arange(R * S), rs.reshape(-1)]),
                   cols=np.concatenate([big_q, np.repeat(x, S)]),
                   vals=np.concatenate([np.ones(R * S), -got_all.reshape(-1)]),
                   lower=np.full(R * S, -INF), upper=np.zeros(R * S))
        b.add_rows(rows=np.zeros(R * S, dtype=np.int64), cols=big_q, vals=1.0,
                   lower=[-INF], upper=[float(options.max_total_sent or 0.0)])
        add_shortfall_segments(b, inst.gaps.reshape(R * S, -1),
                               np.tile(inst.weights, R), big_q)
    return SubsetModel(b, x, cr, members, big_q)


def start_from_plan(model: SubsetModel, inst: Instance, chosen: NDArray[np.bool_]
                    ) -> NDArray[np.float64] | None:
    """A warm start for the subset model from a plan's chosen pairs (P,), or None when the
    plan is not one of the model's points (a recipient's donors are not one of its columns,
    or a donor joins more recipients than it may).

    Returns
    -------
    float array (columns,) or None
        1 for the column of each recipient's chosen donors, 0 for the other subset columns,
        NaN (left to HiGHS) for the other columns.
    """
    degree = np.bincount(inst.pair_d[chosen], minlength=len(inst.donors))
    if (degree > inst.m).any():
        return None
    start = np.full(model.builder.n_cols, np.nan)
    start[model.x] = 0.0
    sizes = np.asarray([len(mem) for mem in model.members], dtype=np.int64)
    for r in range(len(inst.recipients)):
        target = np.sort(np.flatnonzero(chosen & (inst.pair_r == r)))
        hit = [c for c in np.flatnonzero((model.col_r == r) & (sizes == target.size))
               if np.array_equal(np.sort(model.members[c]), target)]
        if not hit:
            return None
        start[model.x[hit[0]]] = 1.0
    return start


def extract_subsets(model: SubsetModel, inst: Instance, options: PairingOptions,
                    sol: MipSolution) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    """Chosen pairs (P,) and flows (P, S): each chosen subset's donors fill the recipient's
    intake (its peak gap, or the received staff in capped mode) largest donor first."""
    assert sol.x is not None
    R, S = len(inst.recipients), len(inst.resources)
    cap = whole_floor(inst.capacity) if options.integer_flows else inst.capacity
    peak = inst.gaps.max(axis=2, initial=0.0)
    intake = whole_ceil(peak) if options.integer_flows else peak.copy()
    if model.big_q is not None:
        qv = sol.x[model.big_q].reshape(R, S)
        intake = np.round(qv) if options.integer_flows else qv
    chosen = np.zeros(inst.pair_d.size, dtype=bool)
    q = np.zeros((inst.pair_d.size, S))
    for c in np.flatnonzero(sol.x[model.x] > 0.5):
        r = model.col_r[c]
        left = intake[r].copy()
        mem = model.members[c]
        order = mem[np.argsort(-cap[inst.pair_d[mem]].sum(axis=1), kind="stable")]
        for p in order:
            chosen[p] = True
            a = np.minimum(cap[inst.pair_d[p]], left)
            q[p] = a
            left -= a
    return chosen, q
