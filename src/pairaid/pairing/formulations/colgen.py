"""A tighter lower bound for the many-to-many pairing (m > 1): column generation over each
recipient's donor sets.

The compact model (:mod:`pairaid.pairing.formulations.model`) links flows to pairs by
``q[p,s] <= U y_p``; in its LP relaxation a recipient can take small fractions of many
donors and the convex shortfall is priced on the average staff received, so with scarce
capacity its bound stays far below the plans (about 9 % on the synthetic 30 x 16 instance
of ``benchmarks/bench_pairing.py``). Here the plan is instead written, per recipient, as a
choice of one *column*: a set of at most k of its candidate donors together with the staff
each sends, priced exactly (weighted shortfall of what the set sends, distance and
stability of its pairs). The linear relaxation of this Dantzig–Wolfe reformulation
(Desrosiers & Lübbecke 2005) prices the shortfall on whole sets, so it is never weaker
and usually much tighter than the compact one. Donor capacities, degree limits,
``max_total_sent`` and the burden terms are master rows on the staff each donor sends.

Columns are generated: the master LP is solved by HiGHS, and for every recipient all its
donor sets of the allowed sizes (containing its fixed pairs) are enumerated and, per set,
the staff that minimise the reduced cost are found exactly (the reduced cost of a set is
convex piecewise linear in the staff received, so its minimum lies at a breakpoint: a
gap value, a partial sum of the members' capacities taken cheapest first, or the peak).
Whatever iteration it stops at, ``LP value + sum_r min(0, least reduced cost of r)`` is a
valid lower bound (Lagrangian bound with the convexity rows; Lübbecke & Desrosiers 2005,
section 2.1), so a time limit only weakens the bound, never invalidates it. Flows are
relaxed to continuous values, which keeps it a bound with integer flows too.

References
----------
J. Desrosiers, M.E. Lübbecke, "A primer in column generation", in Column Generation,
Springer 2005, 1-32.
M.E. Lübbecke, J. Desrosiers, "Selected topics in column generation", Operations Research
53 (2005) 1007-1023.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from itertools import combinations

import highspy
import numpy as np
from numpy.typing import NDArray

from pairaid.pairing.formulations.subsets import _sizes, count_columns
from pairaid.pairing.highs import INF, new_highs
from pairaid.pairing.instance import Instance
from pairaid.pairing.types import PairingOptions
from pairaid.rounding import whole_ceil, whole_floor

MAX_SETS = 200_000
"""Largest number of (recipient, donor set) combinations enumerated in each pricing round;
above it the bound is not computed (the compact model's bound stands)."""
NEW_PER_RECIPIENT = 5
"""Columns of most negative reduced cost added per recipient and round."""


def applicable(inst: Instance) -> bool:
    """Whether the donor sets are few enough to enumerate in every pricing round (and no
    team rule: its set columns count every doctor against ``max_total_sent``, where the
    rule leaves the team doctors out, so their bound would not hold,
    :mod:`pairaid.pairing.teams`)."""
    return not inst.exact and inst.team is None and count_columns(inst) <= MAX_SETS


@dataclass(frozen=True)
class SetBound:
    """Outcome of :func:`set_bound`: the lower bound [objective units], the final master LP
    value, the number of rounds and columns, and whether pricing proved the LP optimal
    (no column of negative reduced cost left).

    ``sets[r]`` holds every donor set of recipient r (one row per set: its candidate-pair
    indices, -1 padded) and ``reduced[r]`` the reduced cost of each at the duals of the
    last priced round, whose Lagrangian bound is ``lagrangian`` (None and -inf if no round
    finished), and ``received[r]`` the staff of each resource that set gets with the flows
    that attain it. A plan that gives r the set c costs at least
    ``lagrangian - min(0, min(reduced[r])) + reduced[r][c]`` (:func:`set_floor`).
    """

    bound: float
    lp_value: float
    rounds: int
    columns: int
    converged: bool
    seconds: float
    sets: list[NDArray[np.int64]]
    reduced: list[NDArray[np.float64]] | None = None
    lagrangian: float = -INF
    received: list[NDArray[np.float64]] | None = None  # per recipient (C_r, S): staff
    # each set gets with its best flows at those duals [staff]


def set_floor(sb: SetBound) -> list[NDArray[np.float64]] | None:
    """Per recipient and donor set, a lower bound on the objective of any plan that gives
    the recipient that set [objective units], or None if no pricing round finished.

    The Lagrangian bound of the last round with the recipient's own term replaced by that
    set's reduced cost (the set's best flows at those duals). A set whose floor is not
    below a known plan's objective cannot be in a strictly better plan, so it can be left
    out of an exact search for one: reduced-cost fixing (Desrosiers & Lübbecke 2005,
    section 3.3).
    """
    if sb.reduced is None:
        return None
    return [sb.lagrangian - min(float(red.min()), 0.0) + red if red.size else red
            for red in sb.reduced]


class _Sets:
    """All (recipient, donor set) combinations, as padded member arrays per recipient."""

    def __init__(self, inst: Instance) -> None:
        self.per_r: list[NDArray[np.int64]] = []  # (C_r, kmax) pair indices, -1 = none
        for r in range(len(inst.recipients)):
            ps = np.flatnonzero(inst.pair_r == r)
            fixed = ps[inst.fixed[ps]]
            free = ps[~inst.fixed[ps]]
            rows = []
            width = max(min(int(inst.k[r]), ps.size), 1)  # k may exceed the candidates
            for j in _sizes(inst, r, free.size, fixed.size):
                for combo in combinations(free.tolist(), j - fixed.size):
                    row = np.full(width, -1, dtype=np.int64)
                    mem = list(fixed) + list(combo)
                    row[: len(mem)] = mem
                    rows.append(row)
            self.per_r.append(np.asarray(rows, dtype=np.int64).reshape(-1, width))


def _shortfall(gaps: NDArray[np.float64], got: NDArray[np.float64]) -> NDArray[np.float64]:
    """sum_t max(g_t - Q, 0) for every Q in ``got`` (any shape) [staff-days]: with the gaps
    sorted, the days above Q are a suffix, so it is (sum of that suffix) - Q x (its length).
    """
    g = np.sort(gaps)
    suffix = np.r_[np.cumsum(g[::-1])[::-1], 0.0]
    i = np.searchsorted(g, got, side="right")
    return suffix[i] - got * (g.size - i)


def set_bound(inst: Instance, options: PairingOptions, time_limit: float,
              start: tuple[NDArray[np.bool_], NDArray[np.float64]] | None = None,
              upper: float | None = None) -> SetBound:
    """Lower bound on the pairing objective by column generation over donor sets.

    Parameters
    ----------
    inst : Instance
        A validated problem with :func:`applicable` true.
    options : PairingOptions
        Objective weights and limits (as for the compact model).
    time_limit : float
        Wall-clock budget [s]; the bound of the last finished round is returned.
    start : (chosen (P,), flows (P, S)), optional
        A feasible plan whose columns start the master (else each recipient starts from
        its empty set, or its cheapest sets when it must have donors).
    upper : float, optional
        Objective of a known plan: generation stops once the bound is within 1e-6 of it.

    Returns
    -------
    SetBound
    """
    t0 = time.perf_counter()
    R, D, S = len(inst.recipients), len(inst.donors), len(inst.resources)
    pd_, pr_ = inst.pair_d, inst.pair_r
    cap = whole_floor(inst.capacity) if options.integer_flows else inst.capacity
    peak = inst.gaps.max(axis=2, initial=0.0)
    top = whole_ceil(peak) if options.integer_flows else peak  # (R, S)
    ub = np.minimum(cap[pd_], top[pr_])  # (P, S) staff a pair can carry
    pair_cost = options.distance_weight * inst.pair_dist
    offset = 0.0
    if inst.n_previous > 0:
        pair_cost = pair_cost + np.where(inst.previous, -options.change_cost,
                                         options.change_cost)
        offset = options.change_cost * inst.n_previous
    sets = _Sets(inst)

    # master rows: 0..R-1 convexity (= 1); R..R+DS-1 sent definition (sum q lambda -
    # sent = 0); then donor degree (<= m); then rows on `sent` only
    h = new_highs()
    h.setOptionValue("time_limit", max(time_limit, 0.1))
    DS = D * S
    n_rows = R + DS + D
    lower = np.r_[np.ones(R), np.zeros(DS), np.full(D, -INF)]
    upper_r = np.r_[np.ones(R), np.zeros(DS), inst.m.astype(float)]
    h.addRows(n_rows, lower, upper_r, 0, np.zeros(0, np.int32), np.zeros(0, np.int32),
              np.zeros(0))
    # sent[d, s] in [0, cap]
    h.addCols(DS, np.zeros(DS), np.zeros(DS), cap.reshape(-1).astype(float), DS,
              np.arange(DS, dtype=np.int32), (R + np.arange(DS)).astype(np.int32),
              -np.ones(DS))
    n_cols = DS
    const = offset
    raw = inst.raw_capacity.reshape(-1)
    keys = np.flatnonzero(raw > 0)
    if options.max_total_sent is not None:
        h.addRows(1, np.array([-INF]), np.array([float(options.max_total_sent)]), DS,
                  np.array([0], np.int32), np.arange(DS, dtype=np.int32), np.ones(DS))
    if keys.size and options.burden_max_weight > 0:
        # B - sent[d,s] / raw[d,s] >= 0
        h.addCols(1, np.array([options.burden_max_weight]), np.zeros(1), np.array([INF]),
                  0, np.array([0], np.int32), np.zeros(0, np.int32), np.zeros(0))
        big_b = n_cols
        n_cols += 1
        nk = keys.size
        idx = np.empty(2 * nk, np.int32)
        val = np.empty(2 * nk)
        idx[0::2], idx[1::2] = keys, big_b
        val[0::2], val[1::2] = -1.0 / raw[keys], 1.0
        h.addRows(nk, np.zeros(nk), np.full(nk, INF), 2 * nk,
                  (2 * np.arange(nk)).astype(np.int32), idx, val)
    if keys.size and options.burden_deviation_weight > 0:
        ctot = inst.raw_capacity.sum(axis=0)
        nk = keys.size
        first = n_cols
        h.addCols(nk, np.full(nk, options.burden_deviation_weight), np.zeros(nk),
                  np.full(nk, INF), 0, np.zeros(nk, np.int32), np.zeros(0, np.int32),
                  np.zeros(0))
        n_cols += nk
        ks = keys % S
        for sign in (1.0, -1.0):
            # dev - sign * (sent[d,s]/raw[d,s] - sum_d' sent[d',s]/ctot[s]) >= 0
            starts: list[int] = []
            idx_l: list[int] = []
            val_l: list[float] = []
            for i, key in enumerate(keys):
                s = ks[i]
                same = np.arange(D) * S + s
                coef = np.full(D, sign / ctot[s])
                coef[key // S] -= sign / raw[key]
                starts.append(len(idx_l))
                idx_l.extend(same.tolist() + [first + i])
                val_l.extend(coef.tolist() + [1.0])
            h.addRows(nk, np.zeros(nk), np.full(nk, INF), len(idx_l),
                      np.asarray(starts, np.int32), np.asarray(idx_l, np.int32),
                      np.asarray(val_l))

    n_columns = 0

    def add_columns(r: int, members: NDArray[np.int64], flows: NDArray[np.float64],
                    costs: NDArray[np.float64]) -> None:
        """Columns of recipient r: members (C, kmax) pair indices (-1 = none), flows
        (C, kmax, S) staff per member and resource, costs (C,)."""
        nonlocal n_cols, n_columns
        C = members.shape[0]
        starts: list[int] = []
        idx_l: list[int] = []
        val_l: list[float] = []
        for c in range(C):
            starts.append(len(idx_l))
            idx_l.append(r)
            val_l.append(1.0)
            for slot in range(members.shape[1]):
                p = members[c, slot]
                if p < 0:
                    continue
                d = pd_[p]
                idx_l.append(R + DS + d)
                val_l.append(1.0)
                for s in range(S):
                    if flows[c, slot, s] > 0:
                        idx_l.append(R + d * S + s)
                        val_l.append(float(flows[c, slot, s]))
        h.addCols(C, costs.astype(float), np.zeros(C), np.full(C, INF), len(idx_l),
                  np.asarray(starts, np.int32), np.asarray(idx_l, np.int32),
                  np.asarray(val_l))
        n_cols += C
        n_columns += C

    def price(r: int, alpha: float, pi: NDArray[np.float64], mu: NDArray[np.float64]
              ) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64],
                         NDArray[np.float64]]:
        """Every donor set of r with its best flows: members, flows, cost, reduced cost.
        ``pi`` (D, S): duals of the sent rows (value of a staff sent); ``mu`` (D,): duals
        of the degree rows."""
        mem = sets.per_r[r]
        C, K = mem.shape
        valid = mem >= 0
        pm = np.where(valid, mem, 0)
        dm = pd_[pm]
        fixed_part = np.where(valid, pair_cost[pm] - mu[dm], 0.0).sum(axis=1)
        true_cost = np.where(valid, pair_cost[pm], 0.0).sum(axis=1)
        flows = np.zeros((C, K, S))
        short_cost = np.zeros(C)
        for s in range(S):
            u = np.where(valid, ub[pm, s], 0.0)  # (C, K)
            unit = np.where(valid, -pi[dm, s], 0.0)  # cost of a staff from each member
            order = np.argsort(unit, axis=1, kind="stable")
            u_sorted = np.take_along_axis(u, order, axis=1)
            c_sorted = np.take_along_axis(unit, order, axis=1)
            qmax = np.minimum(u.sum(axis=1), top[r, s])  # (C,)
            gaps = inst.gaps[r, s]
            cands = np.concatenate([np.zeros((C, 1)), np.cumsum(u_sorted, axis=1),
                                    np.broadcast_to(np.unique(gaps)[None, :],
                                                    (C, np.unique(gaps).size)),
                                    qmax[:, None]], axis=1)
            cands = np.minimum(cands, qmax[:, None])  # (C, M)
            before = np.concatenate([np.zeros((C, 1)), np.cumsum(u_sorted, axis=1)[:, :-1]],
                                    axis=1)  # (C, K)
            take = np.clip(cands[:, :, None] - before[:, None, :], 0.0,
                           u_sorted[:, None, :])  # (C, M, K)
            supply = (take * c_sorted[:, None, :]).sum(axis=2)
            value = inst.weights[s] * _shortfall(gaps, cands) + supply  # (C, M)
            best = np.argmin(value, axis=1)
            short_cost += inst.weights[s] * _shortfall(gaps, cands[np.arange(C), best])
            fs = take[np.arange(C), best]  # (C, K) in sorted order
            back = np.empty_like(fs)
            np.put_along_axis(back, order, fs, axis=1)
            flows[:, :, s] = back
        supply_cost = (flows * np.where(valid[:, :, None], -pi[dm], 0.0)).sum(axis=(1, 2))
        reduced = short_cost + supply_cost + fixed_part - alpha
        return mem, flows, short_cost + true_cost, reduced

    # start: the plan's columns, else for every recipient its best set at zero prices
    zero_pi, zero_mu = np.zeros((D, S)), np.zeros(D)
    for r in range(R):
        mem, flows, cost, _ = price(r, 0.0, zero_pi, zero_mu)
        if start is not None:
            chosen, q = start
            target = np.sort(np.flatnonzero(chosen & (pr_ == r)))
            for c in range(mem.shape[0]):
                got = np.sort(mem[c][mem[c] >= 0])
                if np.array_equal(got, target):
                    fl = np.zeros((1, mem.shape[1], S))
                    for slot, p in enumerate(mem[c]):
                        if p >= 0:
                            fl[0, slot] = np.minimum(q[p], ub[p])
                    short = sum(inst.weights[s] * _shortfall(
                        inst.gaps[r, s], np.array([fl[0, :, s].sum()]))[0] for s in range(S))
                    add_columns(r, mem[c:c + 1], fl,
                                np.array([short + pair_cost[target].sum()]))
                    break
        # the cheapest sets with no flow (always feasible for capacity) and the best sets
        # at zero prices
        sizes = (mem >= 0).sum(axis=1)
        empty_like = np.flatnonzero(sizes == sizes.min())[:NEW_PER_RECIPIENT]
        pick = np.unique(np.r_[np.argsort(cost)[:NEW_PER_RECIPIENT], empty_like])
        noflow = flows.copy()
        noflow[empty_like] = 0.0
        costs = cost.copy()
        for c in empty_like:
            costs[c] = sum(inst.weights[s] * _shortfall(inst.gaps[r, s], np.array([0.0]))[0]
                           for s in range(S)) + np.where(mem[c] >= 0, pair_cost[
                               np.where(mem[c] >= 0, mem[c], 0)], 0.0).sum()
        add_columns(r, mem[pick], noflow[pick], costs[pick])

    bound = -INF
    lp_value = INF
    reduced: list[NDArray[np.float64]] | None = None
    received: list[NDArray[np.float64]] | None = None
    lagrangian = -INF
    rounds = 0
    converged = False
    while True:
        left = time_limit - (time.perf_counter() - t0)
        if left <= 0.05:
            break
        h.setOptionValue("time_limit", h.getRunTime() + left)  # HiGHS' clock runs on
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break
        rounds += 1
        lp_value = float(h.getInfo().objective_function_value) + const
        dual = np.asarray(h.getSolution().row_dual)
        alpha = dual[:R]
        pi = dual[R:R + DS].reshape(D, S)
        mu = dual[R + DS:R + DS + D]
        least = 0.0
        reduced, received = [], []
        for r in range(R):
            mem, flows, cost, red = price(r, float(alpha[r]), pi, mu)
            reduced.append(red)
            received.append(flows.sum(axis=1))
            rmin = float(red.min()) if red.size else 0.0
            least += min(rmin, 0.0)
            neg = np.flatnonzero(red < -1e-7 * max(1.0, abs(lp_value)))
            if neg.size:
                pick = neg[np.argsort(red[neg])[:NEW_PER_RECIPIENT]]
                add_columns(r, mem[pick], flows[pick], cost[pick])
        lagrangian = lp_value + least
        bound = max(bound, lagrangian)
        if least >= -1e-7 * max(1.0, abs(lp_value)):
            converged = True
            break
        if upper is not None and bound >= upper - 1e-6 * max(1.0, abs(upper)):
            break
    return SetBound(bound, lp_value, rounds, n_columns, converged, time.perf_counter() - t0,
                    sets.per_r, reduced, lagrangian, received)
