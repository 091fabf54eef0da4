"""Why a pairing has no feasible plan, in words.

The pairing constraints that can conflict are the degree limits: every recipient with a
gap needs ``lo`` donors (default 1) but takes at most ``k``; every donor takes at most
``m`` recipients; fixed pairs use up places; forbidden pairs and ``max_distance_km`` remove
candidates. Flows never make the model infeasible (shortfall absorbs any lack of staff).
So feasibility is exactly the existence of a degree-constrained bipartite subgraph, which
is decided by a maximum flow (Hall's theorem in its b-matching form); the minimum cut
names the recipients and donors in conflict.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, maximum_flow

from pairaid.pairing.instance import Instance


def _names(codes: list[str], limit: int = 8) -> str:
    shown = ", ".join(codes[:limit])
    return shown + (f" and {len(codes) - limit} more" if len(codes) > limit else "")


def diagnose(inst: Instance) -> str | None:
    """Return a sentence saying why no pairing satisfies the limits, or ``None``.

    Parameters
    ----------
    inst : Instance
        A validated problem (see :func:`pairaid.pairing.instance.build_instance`).

    Returns
    -------
    str or None
        ``None`` when a pairing satisfying every degree limit, fixed and forbidden pair
        exists (the model is then feasible), otherwise the reason in words.
    """
    R, D = len(inst.recipients), len(inst.donors)
    lo, k, m = inst.lo, inst.k, inst.m
    need = np.flatnonzero(lo > 0)
    if need.size == 0:
        pass
    else:
        zero_k = need[k[need] < lo[need]]
        if zero_k.size:
            if zero_k.size == need.size and np.all(k == k[0]):
                return (f"max_donors_per_recipient (k) is {int(k[0])} but {need.size} "
                        f"recipients have a positive gap and each needs at least "
                        f"{int(lo[need].max())} donor(s)")
            codes = [inst.recipients[r] for r in zero_k]
            return (f"recipient(s) {_names(codes)} have a positive gap and need at least "
                    f"{int(lo[zero_k].max())} donor(s) but their max_donors_per_recipient "
                    "limit is lower")
        deg = np.bincount(inst.pair_r, minlength=R)
        lonely = need[deg[need] < lo[need]]
        if lonely.size:
            codes = [inst.recipients[r] for r in lonely]
            return (f"recipient(s) {_names(codes)} have a positive gap but fewer candidate "
                    "donors than they need (every other pair is forbidden, beyond "
                    "max_distance_km, or has no distance)")
    kind = ("fixed or kept previous pairs" if (inst.fixed & inst.previous).any()
            else "fixed pairs")
    fixed_r = np.bincount(inst.pair_r[inst.fixed], minlength=R)
    fixed_d = np.bincount(inst.pair_d[inst.fixed], minlength=D)
    over_r = np.flatnonzero(fixed_r > k)
    if over_r.size:
        r = over_r[0]
        return (f"recipient {inst.recipients[r]} has {fixed_r[r]} {kind} but "
                f"max_donors_per_recipient allows {k[r]}")
    over_d = np.flatnonzero(fixed_d > m)
    if over_d.size:
        d = over_d[0]
        return (f"donor {inst.donors[d]} has {fixed_d[d]} {kind} but "
                f"max_recipients_per_donor allows {m[d]}")
    total_need = int(lo.sum())
    if total_need > int(m.sum()):
        if np.all(lo[need] == 1) and np.all(m == 1):
            return (f"{need.size} recipients need a donor but only {D} donors may take "
                    "one each")
        return (f"{need.size} recipients need {total_need} donor places in all but the "
                f"{D} donors may take only {int(m.sum())} recipients in all")
    return _flow_check(inst, fixed_r, fixed_d)


def _flow_check(inst: Instance, fixed_r: np.ndarray, fixed_d: np.ndarray) -> str | None:
    """Max-flow test of the remaining places once the fixed pairs are placed."""
    R, D = len(inst.recipients), len(inst.donors)
    rest_need = np.maximum(inst.lo - fixed_r, 0)
    if rest_need.sum() == 0:
        return None
    free = ~inst.fixed
    src, sink = 0, 1 + D + R
    rows = np.concatenate([np.zeros(D, dtype=np.int64), 1 + inst.pair_d[free],
                           1 + D + np.arange(R)])
    cols = np.concatenate([1 + np.arange(D), 1 + D + inst.pair_r[free],
                           np.full(R, sink)])
    caps = np.concatenate([np.maximum(inst.m - fixed_d, 0), np.ones(free.sum(), np.int64),
                           rest_need]).astype(np.int32)
    n = sink + 1
    graph = sp.csr_array((caps, (rows, cols)), shape=(n, n))
    graph.sum_duplicates()
    result = maximum_flow(graph, src, sink)
    if result.flow_value >= rest_need.sum():
        return None
    flow = result.flow
    residual = (graph - flow).tocsr()
    residual.data = np.where(residual.data > 0, residual.data, 0)
    residual.eliminate_zeros()
    reach = breadth_first_order(residual, src, directed=True, return_predecessors=False)
    side = np.zeros(n, dtype=bool)
    side[reach] = True
    # recipients the source cannot reach in the residual graph form the Hall set
    rec = [r for r in range(R) if not side[1 + D + r] and rest_need[r] > 0]
    cand = sorted({int(d) for d, r in zip(inst.pair_d[free], inst.pair_r[free], strict=True)
                   if r in set(rec)})
    places = int(np.maximum(inst.m - fixed_d, 0)[cand].sum()) if cand else 0
    rcodes = [inst.recipients[r] for r in rec]
    dcodes = [inst.donors[d] for d in cand]
    return (f"no pairing gives every recipient its donors: recipients {_names(rcodes)} "
            f"still need {int(rest_need[rec].sum())} donor(s) but their only candidate "
            f"donors ({_names(dcodes) or 'none'}) may take {places} more recipient(s) in "
            f"all (after fixed pairs, forbidden pairs and max_distance_km); at most "
            f"{int(result.flow_value)} of the {int(rest_need.sum())} places can be filled")
