"""The pairing mixed-integer model: build it (vectorised) and solve it with HiGHS.

Model (P candidate pairs p = (d, r), resources s, days t)::

    min  sum_{r,s,t} w_s u[r,s,t]                      weighted shortfall [staff-days]
       + distance_weight * sum_p km_p y_p              distance
       + burden_max_weight * B                         min-max donor burden
       + burden_deviation_weight * sum_{d,s} dev[d,s]  burden proportional to capacity
       + change_cost * (pairs added + pairs dropped)   stability against previous plan
    s.t. q[p,s] <= min(cap[d,s], peak gap[r,s]) * y_p  staff flow only along chosen pairs
         sum_{p of d} q[p,s] <= cap[d,s]                donor capacity (after reserves)
         u[r,s,t] >= gap[r,s,t] - sum_{p of r} q[p,s]   teams stay for the whole horizon
                                                        (priced by segments, see below)
         lo_r <= sum_{p of r} y_p <= k_r                 donors per recipient
         sum_{p of d} y_p <= m_d                         recipients per donor
         sum_{p of r} q[p,s] <= peak_t gap[r,s,t]         no staff beyond the peak gap
         sum q - sum_p t_p <= max_total_sent              optional (t: team doctors)
         q[p,doctors] >= t_p >= rho q[p,nurses]           team rule (optional, below)
         B >= sent[d,s] / cap[d,s]                       for every (d, s) with cap > 0
         dev[d,s] >= |sent[d,s] / cap[d,s] - sum_d sent[d,s] / sum_d cap[d,s]|
         y binary, q integer >= 0, u >= 0

The per-day shortfall is a convex piecewise-linear function of the staff received, so it
is priced by one segment variable per distinct gap value (:func:`add_shortfall_segments`)
rather than by one variable and row per day. What a recipient receives is bounded by its
peak gap (rounded up to whole staff), since staff beyond the peak never reduce shortfall
and would only burden donors. Both keep the model small and its relaxation tight.

With the team-composition rule (``team_doctors_per_nurse`` = rho > 0,
:mod:`pairaid.pairing.teams`) a pair that sends nurses sends at least rho doctors per
nurse. Its doctor flow may then exceed the recipient's doctor gap (the team's own doctors),
so for doctors the received staff is ``Q <= sum q`` (at most the peak gap) instead of
``Q = sum q``: doctors beyond the gap reduce no shortfall but still use the donor's doctors,
its burden; the staff cap leaves out each pair's team doctors ``t_p = ceil(rho n_p)``
(:func:`pairaid.pairing.teams.add_team_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pairaid.pairing.highs import INF, MipBuilder, MipSolution
from pairaid.pairing.instance import Instance
from pairaid.pairing.teams import add_team_rows, lead_bounds, trim_companions
from pairaid.pairing.types import PairingOptions
from pairaid.rounding import whole_ceil, whole_floor


def add_shortfall_segments(b: MipBuilder, gaps: NDArray[np.float64],
                           weights: NDArray[np.float64], received: NDArray[np.int64]) -> None:
    """Price the shortfall of each key (recipient, resource) as a function of the staff
    it receives, by segments.

    For one key with daily gaps g_t, the shortfall F(Q) = sum_t max(g_t - Q, 0) is convex
    and piecewise linear with breakpoints at the distinct gap values v_1 < ... < v_L. With
    segment variables z_j in [0, v_j - v_{j-1}] and sum_j z_j <= Q,
    F(Q) = sum_t g_t - max sum_j n_j z_j, where n_j is the number of days with gap >= v_j;
    as n_j decreases with j, a minimiser fills the segments in order. One row per key
    instead of one per day keeps the model lean.

    Parameters
    ----------
    gaps : (K, T) array [staff on the day]
    weights : (K,) array, weight of a staff-day of shortfall per key
    received : (K,) column indices of the staff received per key
    """
    K = gaps.shape[0]
    key = np.repeat(np.arange(K), gaps.shape[1])
    vals = gaps.reshape(-1)
    pos = vals > 0
    uniq, counts = np.unique(np.stack([key[pos], vals[pos]], axis=1), axis=0,
                             return_counts=True)
    if uniq.size == 0:
        return
    z_key = uniq[:, 0].astype(np.int64)
    v = uniq[:, 1]
    first = np.r_[True, z_key[1:] != z_key[:-1]]
    prev = np.where(first, 0.0, np.r_[0.0, v[:-1]])
    total = np.bincount(z_key, weights=counts, minlength=K)
    csum = np.cumsum(counts)
    start_of = np.maximum.accumulate(np.where(first, np.arange(z_key.size), 0))
    before = csum - counts - np.where(start_of > 0, csum[start_of - 1], 0)
    at_or_above = total[z_key] - before
    z = b.add_vars(z_key.size, cost=-weights[z_key] * at_or_above, lower=0.0,
                   upper=v - prev)
    b.offset += float((gaps.sum(axis=1) * weights).sum())
    b.add_rows(rows=np.concatenate([z_key, np.arange(K)]),
               cols=np.concatenate([z, received]),
               vals=np.concatenate([np.ones(z_key.size), -np.ones(K)]),
               lower=np.full(K, -INF), upper=np.zeros(K))


@dataclass(frozen=True, eq=False)
class PairingModel:
    """A built (not yet solved) pairing model with the index of each variable block."""

    builder: MipBuilder
    y: NDArray[np.int64]  # (P,) column of y_p
    q_pair: NDArray[np.int64]  # pair index of each flow column
    q_res: NDArray[np.int64]  # resource index of each flow column
    q: NDArray[np.int64]  # columns of the flows


def add_flow_links(b: MipBuilder, y: NDArray[np.int64], pair_donor: NDArray[np.int64],
                   ub: NDArray[np.float64], cap: NDArray[np.float64], *,
                   integer: bool = False
                   ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Add the staff-flow columns of the pairs and the rows that tie them to the pairs.

    For every pair ``p`` and resource ``s`` with ``ub[p, s] > 0`` one column
    ``q[p, s]`` in ``[0, ub[p, s]]`` (staff sent) is added, with the row
    ``q[p, s] - ub[p, s] y[p] <= 0`` (nothing flows over an unchosen pair) and, for each
    donor and resource whose flow bounds together could exceed its capacity, the row
    ``sum_p q[p, s] <= cap[d, s]`` (rows that cannot bind are left out).

    Parameters
    ----------
    b : MipBuilder
        The model being built (columns and rows are appended).
    y : numpy.ndarray of int, shape (P,)
        Column indices of the pair variables.
    pair_donor : numpy.ndarray of int, shape (P,)
        Donor index of each pair.
    ub : numpy.ndarray, shape (P, S)
        Upper bound of each flow [staff].
    cap : numpy.ndarray, shape (D, S)
        What each donor can send of each resource [staff].
    integer : bool
        Whether the flows are whole staff.

    Returns
    -------
    (q, qp, qs) : three numpy.ndarray of int, shape (n,)
        Column index, pair index and resource index of each flow column added.
    """
    D, S = cap.shape
    qp, qs = np.nonzero(ub > 0)
    qub = ub[qp, qs]
    q = b.add_vars(qp.size, lower=0.0, upper=qub, integer=integer)
    n_q = qp.size
    rows = np.arange(n_q)
    b.add_rows(rows=np.concatenate([rows, rows]), cols=np.concatenate([q, y[qp]]),
               vals=np.concatenate([np.ones(n_q), -qub]), lower=np.full(n_q, -INF),
               upper=np.zeros(n_q))
    ds = pair_donor[qp] * S + qs
    ub_sum = np.bincount(ds, weights=qub, minlength=D * S)
    binding = np.flatnonzero(ub_sum > cap.reshape(-1) + 1e-9)
    if binding.size:
        local = -np.ones(D * S, dtype=np.int64)
        local[binding] = np.arange(binding.size)
        sel = local[ds] >= 0
        b.add_rows(rows=local[ds[sel]], cols=q[sel], vals=1.0,
                   lower=np.full(binding.size, -INF), upper=cap.reshape(-1)[binding])
    return q, qp, qs


@dataclass(frozen=True, eq=False)
class BurdenColumns:
    """Columns added by :func:`add_burden_terms` (empty arrays where a term is off)."""

    big_b: NDArray[np.int64]  # (0 or 1,) largest burden B
    total: NDArray[np.int64]  # (0 or S,) staff sent per resource
    dev: NDArray[np.int64]  # (0 or K,) deviation per (donor, resource) key
    keys: NDArray[np.int64]  # (K,) donor * S + resource of each key (capacity > 0)

    def fill(self, x: NDArray[np.float64], sent: NDArray[np.float64],
             raw: NDArray[np.float64]) -> None:
        """Write into the solution vector ``x`` the least values of these columns for
        the staff ``sent`` (D, S) [staff] out of the raw capacities ``raw`` (D, S)."""
        share = sent.reshape(-1)[self.keys] / raw.reshape(-1)[self.keys]
        x[self.big_b] = share.max(initial=0.0)
        if self.total.size:
            x[self.total] = sent.sum(axis=0)
            overall = sent.sum(axis=0) / raw.sum(axis=0)
            x[self.dev] = np.abs(share - overall[self.keys % sent.shape[1]])


def add_burden_terms(b: MipBuilder, inst: Instance, options: PairingOptions,
                     q: NDArray[np.int64], q_ds: NDArray[np.int64]) -> BurdenColumns:
    """Add the donor-burden terms of the objective (min-max burden B and the deviation
    from the overall share, each only when its weight is positive) over flow columns.

    Parameters
    ----------
    b : MipBuilder
        The model being built.
    inst : Instance
        Gives the donors' raw capacities ``raw_capacity`` (D, S) [staff] that shares are
        taken of (burden as defined in :mod:`pairaid.burden`).
    options : PairingOptions
        ``burden_max_weight`` and ``burden_deviation_weight``.
    q : numpy.ndarray of int, shape (n,)
        Columns of staff flows [staff].
    q_ds : numpy.ndarray of int, shape (n,)
        ``donor * S + resource`` of each flow column.

    Returns
    -------
    BurdenColumns
    """
    D, S = inst.raw_capacity.shape
    n_q = q.size
    qs = q_ds % S
    raw = inst.raw_capacity.reshape(-1)  # (D * S,)
    keys = np.flatnonzero(raw > 0)  # (d, s) with a capacity
    none = np.zeros(0, dtype=np.int64)
    if not (n_q and keys.size and (options.burden_max_weight > 0
                                   or options.burden_deviation_weight > 0)):
        return BurdenColumns(none, none, none, none)
    big_b, total, dev = none, none, none
    nk = keys.size
    loc = -np.ones(D * S, dtype=np.int64)
    loc[keys] = np.arange(nk)
    sel = loc[q_ds] >= 0
    share_rows, share_cols = loc[q_ds[sel]], q[sel]
    share_vals = -1.0 / raw[q_ds[sel]]  # -q / cap[d, s]
    if options.burden_max_weight > 0:
        # B - sum_{p of d} q[p, s] / cap[d, s] >= 0
        big_b = b.add_vars(1, cost=options.burden_max_weight, lower=0.0)
        b.add_rows(rows=np.concatenate([share_rows, np.arange(nk)]),
                   cols=np.concatenate([share_cols, np.repeat(big_b, nk)]),
                   vals=np.concatenate([share_vals, np.ones(nk)]),
                   lower=np.zeros(nk), upper=np.full(nk, INF))
    if options.burden_deviation_weight > 0:
        # total[s] = sum of q of resource s; overall share[s] = total[s] / ctot[s]
        total = b.add_vars(S, lower=0.0)
        b.add_rows(rows=np.concatenate([qs, np.arange(S)]),
                   cols=np.concatenate([q, total]),
                   vals=np.concatenate([np.ones(n_q), -np.ones(S)]),
                   lower=np.zeros(S), upper=np.zeros(S))
        ctot = inst.raw_capacity.sum(axis=0)  # (S,)
        ks = keys % S
        dev = b.add_vars(nk, cost=options.burden_deviation_weight, lower=0.0)
        for sign in (1.0, -1.0):
            # dev[d, s] - sign * (sent[d, s] / cap[d, s] - total[s] / ctot[s]) >= 0
            b.add_rows(
                rows=np.concatenate([share_rows, np.arange(nk), np.arange(nk)]),
                cols=np.concatenate([share_cols, total[ks], dev]),
                vals=np.concatenate([sign * share_vals, sign / ctot[ks], np.ones(nk)]),
                lower=np.zeros(nk), upper=np.full(nk, INF))
    return BurdenColumns(big_b, total, dev, keys)


def build_model(inst: Instance, options: PairingOptions) -> PairingModel:
    """Build the pairing MIP for a validated instance (no solving)."""
    b = MipBuilder()
    P = inst.pair_d.size
    R, D, S = len(inst.recipients), len(inst.donors), len(inst.resources)
    pd_, pr_ = inst.pair_d, inst.pair_r

    if inst.n_previous > 0:
        stab = np.where(inst.previous, -options.change_cost, options.change_cost)
        b.offset = options.change_cost * inst.n_previous
    else:
        stab = np.zeros(P)
    y = b.add_vars(P, cost=options.distance_weight * inst.pair_dist + stab,
                   lower=inst.fixed.astype(float), upper=1.0, integer=True)

    peak = inst.gaps.max(axis=2, initial=0.0)  # (R, S)
    cap = whole_floor(inst.capacity) if options.integer_flows else inst.capacity
    ub = np.minimum(cap[pd_], whole_ceil(peak[pr_]))  # (P, S)
    if inst.team is not None:
        ub = lead_bounds(inst.team, ub, cap, pd_, integer=options.integer_flows)
    q, qp, qs = add_flow_links(b, y, pd_, ub, cap, integer=options.integer_flows)
    team_t = np.zeros(0, dtype=np.int64)  # team doctors: not counted by the staff cap
    if inst.team is not None:
        team_t, _ = add_team_rows(b, inst.team, q, qp, qs, integer=options.integer_flows)
    n_q = qp.size
    ds = pd_[qp] * S + qs  # donor-resource of each flow
    # received staff Q[r,s] = sum q, for (r,s) with a positive peak gap
    rs_keys = np.flatnonzero(peak.reshape(-1) > 0)
    if rs_keys.size:
        loc = -np.ones(R * S, dtype=np.int64)
        loc[rs_keys] = np.arange(rs_keys.size)
        peak_up = whole_ceil(peak.reshape(-1)[rs_keys]) if options.integer_flows \
            else peak.reshape(-1)[rs_keys]
        big_q = b.add_vars(rs_keys.size, lower=0.0, upper=peak_up)
        rq = loc[pr_[qp] * S + qs]
        sel = rq >= 0  # flows to a key with a gap (all of them without the team rule)
        # sum q - Q = 0; for the team's doctors sum q - Q >= 0 (doctors beyond the gap)
        beyond = np.zeros(rs_keys.size) if inst.team is None else np.where(
            rs_keys % S == inst.team.companion, INF, 0.0)
        b.add_rows(rows=np.concatenate([rq[sel], np.arange(rs_keys.size)]),
                   cols=np.concatenate([q[sel], big_q]),
                   vals=np.concatenate([np.ones(int(sel.sum())), -np.ones(rs_keys.size)]),
                   lower=np.zeros(rs_keys.size), upper=beyond)
        add_shortfall_segments(b, inst.gaps.reshape(R * S, -1)[rs_keys],
                               inst.weights[rs_keys % S], big_q)
    # degree limits
    if P:
        b.add_rows(rows=pr_, cols=y, vals=1.0, lower=inst.lo.astype(float),
                   upper=inst.k.astype(float))
        b.add_rows(rows=pd_, cols=y, vals=1.0, lower=np.full(D, -INF),
                   upper=inst.m.astype(float))
    if options.max_total_sent is not None and n_q:
        # every flow, less the team doctors (pairaid.pairing.teams)
        b.add_rows(rows=np.zeros(n_q + team_t.size, dtype=np.int64),
                   cols=np.concatenate([q, team_t]),
                   vals=np.concatenate([np.ones(n_q), -np.ones(team_t.size)]),
                   lower=[-INF], upper=[float(options.max_total_sent)])
    add_burden_terms(b, inst, options, q, ds)
    return PairingModel(b, y, qp, qs, q)


def solve_model(
    model: PairingModel, options: PairingOptions, start_pairs: NDArray[np.bool_] | None = None,
    start_q: NDArray[np.float64] | None = None,
) -> MipSolution:
    """Solve a built model with HiGHS, optionally from a warm start (chosen pairs, flows)."""
    start = None
    if start_pairs is not None and start_q is not None:
        start = np.full(model.builder.n_cols, np.nan)
        start[model.y] = start_pairs.astype(float)
        start[model.q] = start_q[model.q_pair, model.q_res]
    return model.builder.solve(time_limit=options.time_limit, mip_rel_gap=options.mip_rel_gap,
                               threads=options.threads, start=start)


def extract(model: PairingModel, inst: Instance, x: NDArray[np.float64], *,
            integer_flows: bool) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    """Chosen pairs (P,) and flows (P, S) from a solution vector (under the team rule,
    without doctors that neither a team nor a gap needs:
    :func:`pairaid.pairing.teams.trim_companions`)."""
    chosen = x[model.y] > 0.5
    q = np.zeros((inst.pair_d.size, len(inst.resources)))
    vals = x[model.q]
    q[model.q_pair, model.q_res] = np.round(vals) if integer_flows else vals
    q = np.where(chosen[:, None], np.maximum(q, 0.0), 0.0)
    if inst.team is not None:  # no doctors that neither a team nor a gap needs
        peak = inst.gaps[:, inst.team.companion].max(axis=1, initial=0.0)
        q = trim_companions(inst.team, q, inst.pair_r,
                            whole_ceil(peak) if integer_flows else peak,
                            integer=integer_flows)
    return chosen, q
