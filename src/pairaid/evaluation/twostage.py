"""Two-stage pairing: pairs chosen once, staff flows chosen per scenario (recourse).

The sample-average model over scenarios ``w = 1..N`` with probabilities ``pi_w`` (``1/N``,
or the weights of a reduced set, :func:`reduce_scenarios`), on the plan's candidate pairs
``p = (d, r)`` (:class:`pairaid.pairing.instance.Instance`: forbidden pairs and pairs beyond
``max_distance_km`` left out, fixed pairs forced, per-region limits k and m)::

    min   sum_w pi_w L_w  +  lam * CVaR_alpha(L)  +  c * sum_p km_p y_p
    L_w = sum_{r,s} w_s F_{r,s,w}(Q_{r,s,w})            unmet staff-days of scenario w
    Q_{r,s,w} = sum_{p into r} q_{p,s,w}                 staff received
    q_{p,s,w} <= min(cap_{d,s}, peak gap_{r,s,w}) y_p    flows only on chosen pairs
    sum_{p from d} q_{p,s,w} <= cap_{d,s}                donor capacity, every scenario
    sum_{p,s} q_{p,s,w} <= T                             same total staff as the others
    lo_r <= sum_{p into r} y_p <= k_r,  sum_{p from d} y_p <= m_d     (the limits of plan)
    y binary (fixed pairs at 1), q >= 0 (continuous: the plan is the pairs)

``F`` is the convex piecewise-linear shortfall of a recipient over the days, priced by the
plan's own segments (:func:`pairaid.pairing.formulations.model.add_shortfall_segments`), so
a scenario adds one row per recipient and resource in need rather than one per day. The
model is built with the plan's :class:`pairaid.pairing.highs.MipBuilder` and solved as one
MIP by HiGHS. CVaR by Rockafellar & Uryasev (2000):
``CVaR = eta + 1/(1 - alpha) sum_w pi_w v_w`` with ``v_w >= L_w - eta``, ``v >= 0``.

References
----------
R. T. Rockafellar, S. Uryasev, "Optimization of conditional value-at-risk", Journal of
Risk 2 (2000) 21-41.
J. R. Birge, F. Louveaux, *Introduction to Stochastic Programming*, Springer 2011, ch. 4
(value of the stochastic solution, expected value of perfect information).
N. Growe-Kuska, H. Heitsch, W. Romisch, "Scenario reduction and scenario tree
construction for power management problems", IEEE Bologna Power Tech 2003 (scenario
reduction by selecting representatives and moving the others' probability onto them).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from pairaid.errors import InfeasibleError
from pairaid.pairing import PairingOptions, PairingProblem
from pairaid.pairing.formulations.model import add_flow_links, add_shortfall_segments
from pairaid.pairing.highs import INF, MipBuilder, SolveStatus
from pairaid.pairing.instance import Instance, build_instance
from pairaid.pairing.types import Pair


@dataclass(frozen=True)
class TwoStageResult:
    """Result of :func:`solve_two_stage`.

    Attributes
    ----------
    pairs : list of (donor_code, recipient_code)
    objective : float
        Objective value [staff-days plus weighted km].
    expected_shortfall : float
        Probability-weighted mean over the scenarios of the unmet staff-days (weighted by
        resource) [staff-days].
    status : str
        Solve status (:class:`pairaid.pairing.highs.SolveStatus` value).
    mip_gap : float
    seconds : float
        Build and solve time [s].
    rows, columns, nonzeros : int
        Size of the MIP.
    scenarios : int
        Scenarios in the MIP (after reduction).
    """

    pairs: list[Pair]
    objective: float
    expected_shortfall: float
    status: str
    mip_gap: float
    seconds: float
    rows: int
    columns: int
    nonzeros: int
    scenarios: int = 0


def solve_two_stage_instance(inst: Instance, gaps: NDArray[np.float64], *,
                             probabilities: NDArray[np.float64] | None = None,
                             total_staff: float | None = None,
                             distance_weight: float = 1e-3,
                             cvar_alpha: float | None = None, cvar_weight: float = 1.0,
                             time_limit: float = 60.0, mip_rel_gap: float = 1e-4,
                             start_pairs: Sequence[Pair] | None = None) -> TwoStageResult:
    """Pairs of ``inst``'s candidates minimising the expected unmet staff-days (module).

    Parameters
    ----------
    inst : Instance
        The plan's indexed problem (candidates, fixed pairs, limits k, m, lo, capacity
        after reserves [staff], weights); its own gaps are not used.
    gaps : numpy.ndarray, shape (N, R, S, T)
        Gap of every scenario [staff on the day], in ``inst``'s order.
    probabilities : numpy.ndarray, shape (N,), optional
        Scenario probabilities (summing to 1) [default 1/N each].
    total_staff : float, optional
        Most staff sent in each scenario [staff].
    distance_weight : float
        Objective weight per km of a chosen pair.
    cvar_alpha : float, optional
        Add ``cvar_weight`` x CVaR at this level (e.g. 0.9) to the objective.
    time_limit, mip_rel_gap : float
        HiGHS settings [s], [-].
    start_pairs : sequence of pairs, optional
        A feasible pairing to start from (e.g. the median plan), so that a time limit
        still returns a plan at least as good; HiGHS completes the flows.

    Returns
    -------
    TwoStageResult

    Raises
    ------
    pairaid.errors.InfeasibleError
        If no pairing meets the limits (or none was found in the time limit without a
        start).
    """
    t0 = time.perf_counter()
    n_scen = gaps.shape[0]
    prob = (np.full(n_scen, 1.0 / n_scen) if probabilities is None
            else np.asarray(probabilities, dtype=float))
    R, D, S = len(inst.recipients), len(inst.donors), len(inst.resources)
    pd_, pr_ = inst.pair_d, inst.pair_r
    P = pd_.size
    b = MipBuilder()
    y = b.add_vars(P, cost=distance_weight * inst.pair_dist, lower=inst.fixed.astype(float),
                   upper=1.0, integer=True)
    if P:
        b.add_rows(rows=pr_, cols=y, vals=1.0, lower=inst.lo.astype(float),
                   upper=inst.k.astype(float))
        b.add_rows(rows=pd_, cols=y, vals=1.0, lower=np.full(D, -INF),
                   upper=inst.m.astype(float))
    no_pair = np.flatnonzero((inst.lo > 0) & (np.bincount(pr_, minlength=R) == 0))
    if no_pair.size:
        raise InfeasibleError(f"recipient {inst.recipients[no_pair[0]]} needs a donor but "
                              "has no candidate pair")
    cap = inst.capacity
    loss_cols: list[NDArray[np.int64]] = []  # segment columns of each scenario
    loss_cost: list[NDArray[np.float64]] = []  # their cost per unit of L_w (negative)
    loss_offset = np.zeros(n_scen)  # L_w at no staff received
    for w in range(n_scen):
        g = gaps[w]
        peak = g.max(axis=2, initial=0.0)  # (R, S)
        ub = np.minimum(cap[pd_], peak[pr_])  # (P, S)
        keys = np.flatnonzero(peak.reshape(-1) > 0)
        if (ub > 0).any():
            q, qp, qs = add_flow_links(b, y, pd_, ub, cap)
            n_q = qp.size
            if total_staff is not None:
                b.add_rows(rows=np.zeros(n_q, dtype=np.int64), cols=q, vals=1.0,
                           lower=[-INF], upper=[float(total_staff)])
            loc = -np.ones(R * S, dtype=np.int64)
            loc[keys] = np.arange(keys.size)
            big_q = b.add_vars(keys.size, lower=0.0, upper=peak.reshape(-1)[keys])
            rq = loc[pr_[qp] * S + qs]
            b.add_rows(rows=np.concatenate([rq, np.arange(keys.size)]),
                       cols=np.concatenate([q, big_q]),
                       vals=np.concatenate([np.ones(n_q), -np.ones(keys.size)]),
                       lower=np.zeros(keys.size), upper=np.zeros(keys.size))
            offset0, n0 = b.offset, b.n_cols
            add_shortfall_segments(b, g.reshape(R * S, -1)[keys],
                                   prob[w] * inst.weights[keys % S], big_q)
            loss_offset[w] = (b.offset - offset0) / prob[w] if prob[w] > 0 else 0.0
            loss_cols.append(np.arange(n0, b.n_cols))
            loss_cost.append(b.cost[-1] / prob[w] if prob[w] > 0 and b.n_cols > n0
                             else np.zeros(b.n_cols - n0))
        else:  # no flow can help: the whole gap is unmet
            loss_offset[w] = float((g.sum(axis=2) * inst.weights[None, :]).sum())
            b.offset += prob[w] * loss_offset[w]
            loss_cols.append(np.zeros(0, dtype=np.int64))
            loss_cost.append(np.zeros(0))
    if cvar_alpha is not None:
        eta = b.add_vars(1, cost=cvar_weight, lower=-INF)
        v = b.add_vars(n_scen, cost=cvar_weight * prob / (1.0 - float(cvar_alpha)))
        for w in range(n_scen):
            # v_w + eta - (offset_w + sum cost z) >= 0
            cols = np.concatenate([v[w:w + 1], eta, loss_cols[w]])
            vals = np.concatenate([[1.0, 1.0], -loss_cost[w]])
            b.add_rows(rows=np.zeros(cols.size, dtype=np.int64), cols=cols, vals=vals,
                       lower=[loss_offset[w]], upper=[INF])
    nnz = int(sum(c.size for c in b._coo_c))
    start = None
    if start_pairs is not None:
        want = set(start_pairs)
        start = np.full(b.n_cols, np.nan)
        start[y] = [float((inst.donors[d], inst.recipients[r]) in want)
                    for d, r in zip(pd_, pr_, strict=True)]
    sol = b.solve(time_limit=time_limit, mip_rel_gap=mip_rel_gap, start=start)
    if sol.x is None:
        advice = (f"; the time limit ({time_limit:g} s) ran out before any plan was "
                  "found: raise --time-limit"
                  if sol.status == SolveStatus.TIME_LIMIT_NO_SOLUTION else "")
        raise InfeasibleError(f"two-stage pairing: no plan found (HiGHS: "
                              f"{sol.status.value}){advice}")
    x = sol.x
    chosen = np.flatnonzero(x[y] > 0.5)
    losses = np.array([loss_offset[w] + float(loss_cost[w] @ x[loss_cols[w]])
                       for w in range(n_scen)])
    pairs = sorted((inst.donors[pd_[p]], inst.recipients[pr_[p]]) for p in chosen)
    status = sol.status.value if isinstance(sol.status, SolveStatus) else str(sol.status)
    return TwoStageResult(pairs=pairs, objective=float(sol.objective),
                          expected_shortfall=float(prob @ losses), status=status,
                          mip_gap=float(sol.mip_gap), seconds=time.perf_counter() - t0,
                          rows=b.n_rows, columns=b.n_cols, nonzeros=nnz, scenarios=n_scen)


def scenario_gap_array(inst: Instance, demands: Sequence[pd.DataFrame]) -> NDArray[np.float64]:
    """``demand`` tables (``recipient_code``, ``resource``, ``date``, ``gap``) as an array
    (N, R, S, T) in ``inst``'s order; rows of codes or dates not in ``inst`` are ignored."""
    r_of = {c: i for i, c in enumerate(inst.recipients)}
    s_of = {c: i for i, c in enumerate(inst.resources)}
    t_of = {pd.Timestamp(t): i for i, t in enumerate(inst.dates)}
    out = np.zeros((len(demands), len(inst.recipients), len(inst.resources),
                    len(inst.dates)))
    for w, demand in enumerate(demands):
        ri = demand["recipient_code"].astype(str).map(r_of)
        si = demand["resource"].astype(str).map(s_of)
        ti = pd.to_datetime(demand["date"]).map(t_of)
        ok = (ri.notna() & si.notna() & ti.notna()).to_numpy()
        out[w, ri[ok].astype(int), si[ok].astype(int), ti[ok].astype(int)] = \
            demand["gap"].to_numpy(dtype=float)[ok]
    return out


def solve_two_stage(supply: pd.DataFrame, demands: Sequence[pd.DataFrame],
                    distances: pd.DataFrame, weights: dict[str, float], *,
                    required: Sequence[str] = (), k: int = 2, m: int = 1,
                    total_staff: float | None = None, distance_weight: float = 1e-3,
                    cvar_alpha: float | None = None, cvar_weight: float = 1.0,
                    time_limit: float = 60.0, mip_rel_gap: float = 1e-4) -> TwoStageResult:
    """:func:`solve_two_stage_instance` from plain tables (one ``demand`` per scenario).

    Parameters
    ----------
    supply : pandas.DataFrame
        ``donor_code``, ``resource``, ``capacity`` [staff].
    demands : sequence of pandas.DataFrame
        One per scenario: ``recipient_code``, ``resource``, ``date``, ``gap``
        [staff on the day].
    distances : pandas.DataFrame
        ``donor_code``, ``recipient_code``, ``distance_km`` [km]: the candidate pairs.
    weights : dict of str to float
        Weight of one staff-day of shortfall per resource.
    required : sequence of str
        Recipients that must get at least one donor.
    k, m : int
        Most donors per recipient, most recipients per donor.

    Raises
    ------
    pairaid.errors.InfeasibleError
        If no pairing meets the limits.
    """
    keys = pd.concat([d[["recipient_code", "resource", "date"]] for d in demands])
    keys = keys.drop_duplicates().reset_index(drop=True)
    inst = build_instance(PairingProblem(supply=supply, demand=keys.assign(gap=0.0),
                                         distances=distances, weights=weights),
                          PairingOptions(max_donors_per_recipient=k,
                                         max_recipients_per_donor=m))
    lo = np.asarray([1 if r in set(required) else 0 for r in inst.recipients],
                    dtype=np.int64)
    inst = replace(inst, lo=lo)
    return solve_two_stage_instance(inst, scenario_gap_array(inst, demands),
                                    total_staff=total_staff,
                                    distance_weight=distance_weight, cvar_alpha=cvar_alpha,
                                    cvar_weight=cvar_weight, time_limit=time_limit,
                                    mip_rel_gap=mip_rel_gap)


def reduce_scenarios(gaps: NDArray[np.float64], n: int, *, seed: int = 0
                     ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Keep ``n`` representative scenarios and move every other one's probability onto the
    nearest representative (Growe-Kuska, Heitsch & Romisch 2003).

    Representatives are picked by k-means (``scipy.cluster.vq.kmeans2``, k-means++ start
    from ``seed``) on each scenario's staff-days of gap per recipient and resource: the
    scenario nearest each centre; a scenario's probability goes to the representative of
    its cluster.

    Parameters
    ----------
    gaps : numpy.ndarray, shape (N, R, S, T)
        Equiprobable scenarios [staff on the day].
    n : int
        Scenarios to keep (all of them when ``n >= N``).

    Returns
    -------
    indices : numpy.ndarray
        Kept scenarios (sorted).
    probabilities : numpy.ndarray
        Their probabilities (summing to 1).
    """
    from scipy.cluster.vq import kmeans2

    N = gaps.shape[0]
    if n >= N:
        return np.arange(N), np.full(N, 1.0 / N)
    feats = gaps.sum(axis=3).reshape(N, -1)
    scale = feats.std(axis=0)
    feats = feats / np.where(scale > 0, scale, 1.0)
    centres, label = kmeans2(feats, n, minit="++", seed=np.random.default_rng(seed))
    kept: dict[int, float] = {}
    for c in np.unique(label):
        members = np.flatnonzero(label == c)
        near = members[np.argmin(((feats[members] - centres[c]) ** 2).sum(axis=1))]
        kept[int(near)] = members.size / N
    idx = np.asarray(sorted(kept), dtype=np.int64)
    return idx, np.asarray([kept[i] for i in idx])
