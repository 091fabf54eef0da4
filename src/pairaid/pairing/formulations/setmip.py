"""The donor-set MIP for many-to-many pairing (m > 1): an extended formulation whose
linear relaxation is as tight as the donor-set bound of :mod:`pairaid.pairing.formulations.colgen`.

One binary x_c per (recipient, donor set) c kept, with the staff each member sends as flow
columns of that set, q[c,p,s] <= ub[p,s] x_c, and the set's shortfall priced by the
perspective of the convex piecewise-linear shortfall (segments scaled by x_c, see
:func:`pairaid.pairing.formulations.model.add_shortfall_segments`)::

    min  sum_c (cost of c's pairs + sum_{s,t} w_s g[r(c),s,t]) x_c - sum w n z
    s.t. sum_{c of r} x_c = 1                      one set per recipient
         sum_{c containing d} x_c <= m_d           recipients per donor
         sum_{c, p of d} q[c,p,s] <= cap[d,s]      donor capacity
         sum_p q[c,p,s] <= min(peak, reach) x_c    no staff beyond the peak gap
         z[c,s,j] <= (v_j - v_{j-1}) x_c,  sum_j z[c,s,j] <= sum_p q[c,p,s]
         burden and max_total_sent rows on the flows as in the compact model

With every set of every recipient it is an exact model of the pairing, and its relaxation
is the donor-set master's (the convex hull of each recipient's choices; Ceria & Soares
1999), so HiGHS' branch and bound starts from the column-generation bound instead of the
compact model's. Sets are left out by reduced-cost fixing: a set whose floor
(:func:`pairaid.pairing.formulations.colgen.set_floor`) is not below a known plan's
objective cannot be in a better plan, so the model over the remaining sets still finds
the optimum or proves the known plan optimal, and its bound, capped at the known plan, is
a bound of the whole problem.

References
----------
S. Ceria, J. Soares, "Convex programming for disjunctive convex optimization",
Mathematical Programming 86 (1999) 595-614.
J. Desrosiers, M.E. Lübbecke, "A primer in column generation", in Column Generation,
Springer 2005, 1-32 (section 3.3: reduced-cost fixing).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
from numpy.typing import NDArray

from pairaid.pairing.formulations.colgen import SetBound, set_floor
from pairaid.pairing.formulations.model import BurdenColumns, add_burden_terms
from pairaid.pairing.highs import (
    INF,
    MipBuilder,
    MipSolution,
    SolveStatus,
    consistent,
    new_highs,
    proven_status,
)
from pairaid.pairing.instance import Instance
from pairaid.pairing.types import PairingOptions
from pairaid.rounding import whole_ceil, whole_floor


@dataclass(frozen=True, eq=False)
class SetModel:
    """A built donor-set MIP with the content of each column block."""

    builder: MipBuilder
    x: NDArray[np.int64]  # (C,) column of each set
    set_r: NDArray[np.int64]  # (C,) recipient of each set
    members: NDArray[np.int64]  # (C, K) candidate-pair indices of each set, -1 = none
    q: NDArray[np.int64]  # columns of the flows
    q_set: NDArray[np.int64]  # set of each flow column
    q_pair: NDArray[np.int64]  # candidate pair of each flow column
    q_res: NDArray[np.int64]  # resource of each flow column
    phi: NDArray[np.int64]  # (C * S,) shortfall column of each set and resource
    reach: NDArray[np.float64]  # (C * S,) most staff each set can usefully get
    pieces: list[tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]]
    # per recipient * S + resource, the pieces of its shortfall (:func:`_pieces`)
    eta: NDArray[np.int64]  # (R * S,) shortfall column of each recipient and resource
    got: NDArray[np.int64]  # (R * S,) staff each recipient gets of each resource
    burden: BurdenColumns


def _pieces(gaps: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64],
                                                NDArray[np.float64]]:
    """The linear pieces of the shortfall F(Q) = sum_t max(g_t - Q, 0) of one gap series.

    Returns
    -------
    ends, a, n : three arrays of shape (L,)
        On the piece j, that is for Q in [ends[j-1], ends[j]] (ends[-1] read as 0),
        F(Q) = a[j] - n[j] Q: ``ends`` are the distinct positive gaps [staff], ``n[j]``
        the days whose gap is at least ``ends[j]`` and ``a[j]`` the sum of those gaps
        [staff-days]. Beyond the last end F is 0. F is the largest of these lines.
    """
    g = np.sort(gaps[gaps > 0])
    ends = np.unique(g)
    first = np.searchsorted(g, ends, side="left")  # days below each end
    suffix = np.r_[np.cumsum(g[::-1])[::-1], 0.0]
    return ends, suffix[first], (g.size - first).astype(float)


def build_set_model(inst: Instance, options: PairingOptions,
                    sets: list[NDArray[np.int64]]) -> SetModel:
    """Build the donor-set MIP over the given sets (no solving; its perspective cuts are
    added by :func:`separate`).

    Parameters
    ----------
    inst : Instance
        A validated problem without exact pairs.
    options : PairingOptions
        Objective weights and limits, as for the compact model.
    sets : list of numpy.ndarray of int, one (C_r, K_r) array per recipient
        The donor sets each recipient may get, as rows of candidate-pair indices
        (-1 = no member), e.g. :attr:`pairaid.pairing.formulations.colgen.SetBound.sets` filtered.
        Each recipient needs at least one.

    Returns
    -------
    SetModel
    """
    R, S = len(inst.recipients), len(inst.resources)
    width = max((m.shape[1] for m in sets), default=1)
    members = np.vstack([np.pad(m, ((0, 0), (0, width - m.shape[1])), constant_values=-1)
                         for m in sets]) if sets else np.zeros((0, width), np.int64)
    set_r = np.repeat(np.arange(R), [m.shape[0] for m in sets])
    C = set_r.size
    valid = members >= 0
    pm = np.where(valid, members, 0)
    cap = whole_floor(inst.capacity) if options.integer_flows else inst.capacity
    peak = inst.gaps.max(axis=2, initial=0.0)
    top = whole_ceil(peak) if options.integer_flows else peak  # (R, S)
    ub = np.minimum(cap[inst.pair_d], top[inst.pair_r])  # (P, S)

    b = MipBuilder()
    pair_cost = options.distance_weight * inst.pair_dist
    if inst.n_previous > 0:
        pair_cost = pair_cost + np.where(inst.previous, -options.change_cost,
                                         options.change_cost)
        b.offset = options.change_cost * inst.n_previous
    x = b.add_vars(C, cost=np.where(valid, pair_cost[pm], 0.0).sum(axis=1), upper=1.0,
                   integer=True)
    b.add_rows(rows=set_r, cols=x, vals=1.0, lower=np.ones(R), upper=np.ones(R))
    b.add_rows(rows=inst.pair_d[members[valid]], cols=np.repeat(x, valid.sum(axis=1)),
               vals=1.0, lower=np.full(len(inst.donors), -INF), upper=inst.m.astype(float))

    # flows: (set, slot, resource) with room, tied to their set
    fc, fslot, fs = np.nonzero(valid[:, :, None] & (ub[pm] > 0))
    fp = members[fc, fslot]
    fub = ub[fp, fs]
    q = b.add_vars(fc.size, lower=0.0, upper=fub, integer=options.integer_flows)
    n_q = fc.size
    b.add_rows(rows=np.r_[np.arange(n_q), np.arange(n_q)], cols=np.concatenate([q, x[fc]]),
               vals=np.concatenate([np.ones(n_q), -fub]), lower=np.full(n_q, -INF),
               upper=np.zeros(n_q))
    q_ds = inst.pair_d[fp] * S + fs
    cap_flat = cap.reshape(-1)
    b.add_rows(rows=q_ds, cols=q, vals=1.0, lower=np.full(cap_flat.size, -INF),
               upper=cap_flat)
    # what a set's members send of a resource: at most the peak gap, and only if chosen
    key = fc * S + fs
    reach = np.minimum(np.bincount(key, weights=fub, minlength=C * S),
                       top[set_r].reshape(-1))  # (C * S,)
    over = np.flatnonzero(np.bincount(key, weights=fub, minlength=C * S) > reach + 1e-9)
    if over.size:
        loc = -np.ones(C * S, dtype=np.int64)
        loc[over] = np.arange(over.size)
        sel = loc[key] >= 0
        b.add_rows(rows=np.concatenate([loc[key[sel]], np.arange(over.size)]),
                   cols=np.concatenate([q[sel], x[over // S]]),
                   vals=np.concatenate([np.ones(int(sel.sum())), -reach[over]]),
                   lower=np.full(over.size, -INF), upper=np.zeros(over.size))
    # shortfall: eta[r,s] >= F(got[r,s]) exactly (every piece a row), got[r,s] = what r's
    # sets send, and eta[r,s] >= sum_c phi[c,s], phi[c,s] >= the perspective of F (cuts)
    eta = b.add_vars(R * S, cost=np.tile(inst.weights, R), lower=0.0)
    got = b.add_vars(R * S, lower=0.0)
    b.add_rows(rows=np.r_[set_r[fc] * S + fs, np.arange(R * S)],
               cols=np.concatenate([q, got]), vals=np.r_[np.ones(n_q), -np.ones(R * S)],
               lower=np.zeros(R * S), upper=np.zeros(R * S))
    pieces = [_pieces(inst.gaps[r, s]) for r in range(R) for s in range(S)]
    n_pieces = np.asarray([p[0].size for p in pieces])
    rs = np.repeat(np.arange(R * S), n_pieces)
    if rs.size:
        a_all = np.concatenate([p[1] for p in pieces])
        n_all = np.concatenate([p[2] for p in pieces])
        row = np.arange(rs.size)
        b.add_rows(rows=np.r_[row, row], cols=np.concatenate([eta[rs], got[rs]]),
                   vals=np.r_[np.ones(rs.size), n_all], lower=a_all,
                   upper=np.full(rs.size, INF))
    phi = b.add_vars(C * S, lower=0.0)
    cs = np.arange(C * S)
    b.add_rows(rows=np.r_[set_r[cs // S] * S + cs % S, np.arange(R * S)],
               cols=np.concatenate([phi, eta]),
               vals=np.r_[-np.ones(C * S), np.ones(R * S)], lower=np.zeros(R * S),
               upper=np.full(R * S, INF))
    if options.max_total_sent is not None and n_q:
        b.add_rows(rows=np.zeros(n_q, dtype=np.int64), cols=q, vals=1.0, lower=[-INF],
                   upper=[float(options.max_total_sent)])
    burden = add_burden_terms(b, inst, options, q, q_ds)
    return SetModel(b, x, set_r, members, q, fc, fp, fs, phi, reach, pieces, eta, got,
                    burden)


def _shortfall(model: SetModel, key: NDArray[np.int64], got: NDArray[np.float64]
               ) -> NDArray[np.float64]:
    """F(got) [staff-days] for recipient-resource keys r * S + s."""
    out = np.zeros(key.size)
    for i, (k, g) in enumerate(zip(key.tolist(), got.tolist(), strict=True)):
        ends, a, n = model.pieces[k]
        if ends.size:
            out[i] = max(0.0, float(np.max(a - n * g)))
    return out


def complete(model: SetModel, inst: Instance, on: NDArray[np.bool_],
             flows: NDArray[np.float64]) -> NDArray[np.float64]:
    """The whole solution vector of the plan that gives each recipient the sets ``on``
    (C,) (one each) with the flow columns at ``flows`` [staff] (0 off those sets): every
    other column at its least feasible value, so HiGHS takes it as a start without
    solving anything."""
    R, S = len(inst.recipients), len(inst.resources)
    x = np.zeros(model.builder.n_cols)
    x[model.x] = on
    fl = np.where(on[model.q_set], flows, 0.0)
    x[model.q] = fl
    per_set = np.bincount(model.q_set * S + model.q_res, weights=fl,
                          minlength=model.phi.size).astype(float)
    keys = np.flatnonzero(on[np.arange(model.phi.size) // S])
    x[model.phi[keys]] = _shortfall(model, model.set_r[keys // S] * S + keys % S,
                                    per_set[keys])
    got = np.bincount(model.set_r[model.q_set] * S + model.q_res, weights=fl,
                      minlength=R * S).astype(float)
    x[model.got] = got
    x[model.eta] = _shortfall(model, np.arange(R * S), got)
    sent = np.bincount(inst.pair_d[model.q_pair] * S + model.q_res, weights=fl,
                       minlength=len(inst.donors) * S).astype(float).reshape(-1, S)
    model.burden.fill(x, sent, inst.raw_capacity)
    return x


def start_from_plan(model: SetModel, inst: Instance, chosen: NDArray[np.bool_],
                    flows: NDArray[np.float64]) -> NDArray[np.float64] | None:
    """A whole start vector (:func:`complete`) from a plan's chosen pairs (P,) and flows
    (P, S) [staff], or None if some recipient's donors are not a set of the model."""
    on = np.zeros(model.x.size, dtype=bool)
    key = np.sort(model.members, axis=1)
    for r in range(len(inst.recipients)):
        ps = np.flatnonzero(chosen & (inst.pair_r == r))
        target = np.full(key.shape[1], -1, dtype=np.int64)
        if ps.size > target.size:
            return None
        target[target.size - ps.size:] = ps
        target = np.sort(target)
        hit = np.flatnonzero((model.set_r == r) & (key == target).all(axis=1))
        if hit.size == 0:
            return None
        on[hit[0]] = True
    return complete(model, inst, on, flows[model.q_pair, model.q_res])


def extract_sets(model: SetModel, inst: Instance, x: NDArray[np.float64], *,
                 integer_flows: bool) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    """Chosen pairs (P,) and flows (P, S) [staff] from a solution vector of the model."""
    on = x[model.x] > 0.5
    chosen = np.zeros(inst.pair_d.size, dtype=bool)
    mem = model.members[on]
    chosen[mem[mem >= 0]] = True
    flows = np.zeros((inst.pair_d.size, len(inst.resources)))
    sel = on[model.q_set]
    vals = x[model.q[sel]]
    flows[model.q_pair[sel], model.q_res[sel]] = np.round(vals) if integer_flows else vals
    return chosen, np.maximum(flows, 0.0)


MAX_SETS = 1000
"""Most donor sets in the MIP of :func:`search_sets`; with more sets whose floor is below
the known plan, those of lowest floor are kept (and the bound is capped at the first floor
left out)."""
CUT_ROUNDS = 30
"""Most rounds of perspective cuts on the linear relaxation before the MIP is solved."""
MIN_MIP_SECONDS = 2.0
"""Least time left after the cut rounds and the dive for HiGHS' branch and bound to be
started [s]; with less, the best start is the answer and the model gives no bound."""
MIP_LP_FACTOR = 4.0
"""HiGHS' branch and bound is also only started with at least this many times the
seconds the first relaxation took left: it solves the presolved relaxation again from
scratch by the dual simplex method without looking at the clock (HiGHS 1.16; on the
30 x 16 instance with 1,000 sets 4-6 times as long as the first, interior-point,
solve, under load 15), so with less it would overrun the time limit."""
CUT_TOL = 1e-6
"""Least violation of a perspective cut, relative to max(1, the shortfall), for it to be
added [objective units]."""


def _cut_rows(model: SetModel, keys: NDArray[np.int64], ratio: NDArray[np.float64],
              shifts: tuple[int, ...] = (0,)
              ) -> tuple[list[int], list[int], list[float], list[float]]:
    """Perspective cuts phi[c,s] - a_j x_c + n_j sum_p q[c,p,s] >= 0 for the keys
    (c * S + s) at the piece j of F that contains ``ratio`` (staff per unit of x_c) and
    at the pieces ``shifts`` away from it; pieces beyond the last (F = 0 there) give
    none. Returns COO rows (local numbering), columns, values and lower bounds."""
    S = model.phi.size // max(model.x.size, 1)
    flow_key = model.q_set * S + model.q_res
    order = np.argsort(flow_key, kind="stable")
    starts = np.searchsorted(flow_key[order], keys)
    stops = np.searchsorted(flow_key[order], keys, side="right")
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    lows: list[float] = []
    for key, rat, a0, a1 in zip(keys.tolist(), ratio.tolist(), starts.tolist(),
                                stops.tolist(), strict=True):
        c, s_ = divmod(key, S)
        ends, a, n = model.pieces[int(model.set_r[c]) * S + s_]
        at = int(np.searchsorted(ends, rat - 1e-9, side="left"))
        flows = model.q[order[a0:a1]]
        for j in sorted({at + d for d in shifts if 0 <= at + d < ends.size}):
            rows += [len(lows)] * (2 + flows.size)
            cols += [int(model.phi[key]), int(model.x[c])] + flows.tolist()
            vals += [1.0, -float(a[j])] + [float(n[j])] * flows.size
            lows.append(0.0)
    return rows, cols, vals, lows


def _perspective(model: SetModel, sol: NDArray[np.float64], S: int
                 ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """For every key c * S + s: x_c F(Q / x_c) at a solution (Q = what the set's members
    send) and the ratio Q / x_c."""
    CS = model.phi.size
    got = np.bincount(model.q_set * S + model.q_res, weights=sol[model.q], minlength=CS)
    xs = np.repeat(np.maximum(sol[model.x], 0.0), S)
    ratio = np.where(xs > 1e-9, got / np.maximum(xs, 1e-9), 0.0)
    value = np.zeros(CS)
    for key in np.flatnonzero(xs > 1e-9):
        ends, a, n = model.pieces[int(model.set_r[key // S]) * S + key % S]
        if ends.size:
            value[key] = xs[key] * max(0.0, float(np.max(a - n * ratio[key])))
    return value, ratio


def solve_set_model(model: SetModel, inst: Instance, *, time_limit: float,
                    mip_rel_gap: float = 0.0,
                    threads: int | None = None, start: NDArray[np.float64] | None = None,
                    ratios: NDArray[np.float64] | None = None, dive_share: float = 0.5
                    ) -> tuple[MipSolution, float]:
    """Tighten the relaxation by perspective cuts, dive for a plan, then solve the MIP
    with HiGHS from the better of that plan and ``start``.

    The linear relaxation is solved, and for every set and resource whose shortfall
    column lies below the perspective x F(Q / x) of the current point the tangent piece
    there is added as a row (Frangioni & Gentile 2006), until none is violated, for at
    most :data:`CUT_ROUNDS` rounds. Every cut is valid for the MIP, whose shortfall is
    also priced exactly per recipient, so the cuts only tighten. Then, for at most
    ``dive_share`` of what is left, a dive: the set of largest value among recipients
    not yet decided is fixed and the relaxation solved again (warm-started), until
    every recipient has one set; a set whose fixing makes it infeasible is forbidden
    instead. Its sets, with the flows rounded down, start HiGHS' branch and bound.

    Parameters
    ----------
    ratios : numpy.ndarray, shape (C * S,), optional
        Staff per unit of x at which each set and resource gets a first cut, e.g. what
        the set gets with its best flows in column generation (besides 0 and its reach).

    Returns
    -------
    (MipSolution, float)
        The MIP's solution and the value of the last relaxation solved before the dive
        (a lower bound over the model's sets; -inf if none finished).

    References
    ----------
    A. Frangioni, C. Gentile, "Perspective cuts for a class of convex 0-1 mixed integer
    programs", Mathematical Programming 106 (2006) 225-236.
    """
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    b = model.builder
    lp = b._lp()
    integrality = list(lp.integrality_)
    h = new_highs()
    if threads is not None:
        h.setOptionValue("threads", int(threads))
    lp.integrality_ = []
    h.passModel(lp)
    relaxed, first_lp = _tighten(h, model, deadline, ratios)
    dived = None
    if np.isfinite(relaxed):
        dived = _dive(h, model, inst, time.perf_counter() + dive_share * (
            deadline - time.perf_counter()))
    cost = np.concatenate(b.cost)
    starts = [v for v in (dived, start) if v is not None]
    best = min(starts, key=lambda v: float(cost @ v)) if starts else None
    if deadline - time.perf_counter() < max(MIN_MIP_SECONDS, MIP_LP_FACTOR * first_lp):
        # no time for HiGHS' set-up: the best start is the answer, with no bound
        value = float(cost @ best) + b.offset if best is not None else float("nan")
        status = (SolveStatus.TIME_LIMIT_FEASIBLE if best is not None
                  else SolveStatus.TIME_LIMIT_NO_SOLUTION)
        return MipSolution(status, best, value, -INF, float("inf"),
                           time.perf_counter() - t0), relaxed
    cols = np.arange(b.n_cols, dtype=np.int32)
    h.changeColsBounds(model.x.size, model.x.astype(np.int32), np.zeros(model.x.size),
                       np.ones(model.x.size))
    h.changeColsIntegrality(cols.size, cols, np.asarray(integrality))
    h.setOptionValue("time_limit", h.getRunTime() + max(deadline - time.perf_counter(), 0.1))
    h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
    h.setOptionValue("solver", "choose")
    if best is not None:
        h.setSolution(int(cols.size), cols, best)
    h.run()
    return _mip_solution(h, b, time.perf_counter() - t0), relaxed


def _tighten(h: highspy.Highs, model: SetModel, deadline: float,
             ratios: NDArray[np.float64] | None) -> tuple[float, float]:
    """The perspective-cut rounds of :func:`solve_set_model` on the relaxation in ``h``;
    returns the last relaxation's value (-inf if none was solved in time) and the seconds
    the first one took."""
    S = model.phi.size // max(model.x.size, 1)
    CS = model.phi.size
    keys = np.arange(CS)
    for at in (np.zeros(CS), model.reach) + (() if ratios is None else (ratios,)):
        _add(h, *_cut_rows(model, keys, at))
    relaxed = -INF
    h.setOptionValue("solver", "ipm")  # the first relaxation: far fewer iterations
    t0 = time.perf_counter()
    first = INF
    for _ in range(CUT_ROUNDS):
        if not _run(h, deadline):
            return -INF, first
        first = min(first, time.perf_counter() - t0)
        h.setOptionValue("solver", "simplex")  # then warm-started from the last basis
        relaxed = float(h.getInfo().objective_function_value)
        sol = np.asarray(h.getSolution().col_value)
        value, ratio = _perspective(model, sol, S)
        bad = np.flatnonzero(value > sol[model.phi] + CUT_TOL * np.maximum(1.0, value))
        if bad.size == 0:
            break
        _add(h, *_cut_rows(model, bad, ratio[bad], (-1, 0, 1)))
    return relaxed, first


def _run(h: highspy.Highs, deadline: float) -> bool:
    """Solve the relaxation in ``h`` until ``deadline``; whether it was solved."""
    left = deadline - time.perf_counter()
    if left <= 0.05:
        return False
    h.setOptionValue("time_limit", h.getRunTime() + left)  # HiGHS' clock runs on
    h.run()
    return bool(h.getModelStatus() == highspy.HighsModelStatus.kOptimal)


def _dive(h: highspy.Highs, model: SetModel, inst: Instance, deadline: float
          ) -> NDArray[np.float64] | None:
    """The dive of :func:`solve_set_model` from the solved relaxation in ``h``: a start
    (:func:`complete`, flows rounded down) or None if it did not finish.
    The set columns' bounds are left changed (the caller resets them)."""
    R = int(model.set_r.max(initial=-1)) + 1
    xcol = model.x.astype(np.int32)
    sol = np.asarray(h.getSolution().col_value)
    while True:
        xv = sol[model.x]
        done = np.zeros(R, dtype=bool)
        done[model.set_r[xv > 1.0 - 1e-6]] = True
        if done.all():
            return complete(model, inst, xv > 0.5, np.floor(sol[model.q] + 1e-6))
        open_ = np.flatnonzero(~done[model.set_r])
        c = int(open_[np.argmax(xv[open_])])
        h.changeColsBounds(1, xcol[c:c + 1], np.ones(1), np.ones(1))
        if not _run(h, deadline):
            if time.perf_counter() >= deadline - 0.05:
                return None
            # fixing c makes the relaxation infeasible: forbid it instead
            h.changeColsBounds(1, xcol[c:c + 1], np.zeros(1), np.zeros(1))
            if not _run(h, deadline):
                return None
        sol = np.asarray(h.getSolution().col_value)


def _add(h: highspy.Highs, rows: list[int], cols: list[int], vals: list[float],
         lows: list[float]) -> None:
    """Append COO rows (local numbering, each row's entries contiguous) with lower bounds
    ``lows`` and no upper bound."""
    if not lows:
        return
    r = np.asarray(rows, dtype=np.int64)
    starts = np.searchsorted(r, np.arange(len(lows))).astype(np.int32)
    h.addRows(len(lows), np.asarray(lows), np.full(len(lows), INF), r.size, starts,
              np.asarray(cols, dtype=np.int32), np.asarray(vals, dtype=float))


def _mip_solution(h: highspy.Highs, b: MipBuilder, seconds: float) -> MipSolution:
    """The MIP outcome of a finished HiGHS run in the engine's terms."""
    info = h.getInfo()
    ms = highspy.HighsModelStatus
    status_h = h.getModelStatus()
    x = (np.asarray(h.getSolution().col_value, dtype=float)
         if info.primal_solution_status == 2 else None)
    objective = float(info.objective_function_value) if x is not None else float("nan")
    if x is not None:
        at_x = float(np.dot(np.concatenate(b.cost), x)) + b.offset
        if not consistent(at_x, objective):
            # HiGHS (seen with 1.16) can report the optimum's value with the warm start's
            # column values; the value of the returned columns is the one that holds
            objective = at_x
    bound = float(info.mip_dual_bound)
    gap = (max((objective - bound) / max(abs(objective), 1e-9), 0.0) if x is not None
           else float("inf"))
    if status_h == ms.kOptimal and x is not None:
        status = proven_status(objective, bound)
    elif status_h == ms.kInfeasible:
        status = SolveStatus.INFEASIBLE
    elif status_h in (ms.kTimeLimit, ms.kInterrupt, ms.kSolutionLimit):
        status = (SolveStatus.TIME_LIMIT_FEASIBLE if x is not None
                  else SolveStatus.TIME_LIMIT_NO_SOLUTION)
    else:
        status = SolveStatus.ERROR
    return MipSolution(status, x, objective, bound, gap, seconds)


@dataclass(frozen=True)
class SetSearch:
    """Outcome of :func:`search_sets`: the best plan it found (chosen pairs (P,), flows
    (P, S) [staff]) or None, and a lower bound on every plan [objective units]."""

    plan: tuple[NDArray[np.bool_], NDArray[np.float64]] | None
    bound: float
    sets: int
    threshold: float
    status: SolveStatus


def search_sets(inst: Instance, options: PairingOptions, sb: SetBound,
                plan: tuple[NDArray[np.bool_], NDArray[np.float64]], value: float,
                time_limit: float) -> SetSearch:
    """Search for a better plan than ``plan`` (objective ``value``) and a bound, with the
    donor-set MIP over the sets that reduced-cost fixing keeps.

    The sets kept are those whose floor (:func:`pairaid.pairing.formulations.colgen.set_floor`) is
    below a threshold T: ``value``, or when more than :data:`MAX_SETS` are, the floor of
    the first set beyond the :data:`MAX_SETS` lowest; the plan's own sets are added. A
    plan that uses a set left out costs at least T, and any other is a point of the MIP,
    so min(T, the MIP's bound) is a lower bound on every plan.

    Parameters
    ----------
    inst, options : as for :func:`build_set_model`
    sb : SetBound
        Column generation's outcome on the same problem, with its reduced costs.
    plan : (chosen (P,), flows (P, S))
        A feasible plan; it starts the MIP.
    value : float
        Its objective [objective units].
    time_limit : float
        Wall-clock budget [s].

    Returns
    -------
    SetSearch
    """
    floors = set_floor(sb)
    if floors is None:
        return SetSearch(None, -INF, 0, -INF, SolveStatus.TIME_LIMIT_NO_SOLUTION)
    chosen, flows = plan
    every = np.sort(np.concatenate(floors))
    threshold = value
    if int((every < threshold).sum()) > MAX_SETS:
        threshold = float(every[MAX_SETS])
    keep: list[NDArray[np.int64]] = []
    ratios: list[NDArray[np.float64]] = []
    for r, (mem, fl) in enumerate(zip(sb.sets, floors, strict=True)):
        mine = np.sort(np.flatnonzero(chosen & (inst.pair_r == r)))
        own = [i for i in range(mem.shape[0])
               if np.array_equal(np.sort(mem[i][mem[i] >= 0]), mine)]
        idx = np.union1d(np.flatnonzero(fl < threshold), own).astype(np.int64)
        keep.append(mem[idx])
        ratios.append(sb.received[r][idx].reshape(-1) if sb.received is not None
                      else np.zeros(idx.size * len(inst.resources)))
    model = build_set_model(inst, options, keep)
    start = start_from_plan(model, inst, chosen, flows)
    sol, _ = solve_set_model(model, inst, time_limit=time_limit, mip_rel_gap=options.mip_rel_gap,
                             threads=options.threads, start=start,
                             ratios=np.concatenate(ratios))
    found = None
    if sol.x is not None:
        found = extract_sets(model, inst, sol.x, integer_flows=options.integer_flows)
    bound = -INF if np.isnan(sol.bound) else min(threshold, sol.bound)
    return SetSearch(found, bound, model.x.size, threshold, sol.status)
