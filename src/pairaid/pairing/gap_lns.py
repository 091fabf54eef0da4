"""Large-neighbourhood search for the generalized assignment problem, with HiGHS solving
each neighbourhood exactly.

From a feasible assignment, repeatedly free every job of a few agents (chosen at random,
more of them after a run without improvement) and re-assign those jobs among those
agents optimally by a small HiGHS MIP; keep the result when it is better. Each
sub-problem keeps the rest of the assignment fixed, so every accepted move stays
feasible. This is the "MIP-based large neighbourhood search" family (Shaw 1998; Danna,
Rothberg & Le Pape 2005) with the exact sub-solver doing all the searching.

References
----------
P. Shaw, "Using constraint programming and local search methods to solve vehicle routing
problems", CP 1998, LNCS 1520, 417-431. E. Danna, E. Rothberg, C. Le Pape, "Exploring
relaxation induced neighborhoods to improve MIP solutions", Math. Programming 102 (2005)
71-90.
"""

from __future__ import annotations

import time

import numpy as np
from numpy.typing import NDArray

from pairaid.pairing.highs import INF, MipBuilder
from pairaid.pairing.orlib import GapInstance


def _sub_solve(inst: GapInstance, agent: NDArray[np.int64], agents: NDArray[np.int64],
               sense: str, time_limit: float) -> NDArray[np.int64] | None:
    jobs = np.flatnonzero(np.isin(agent, agents))
    if jobs.size == 0:
        return None
    a_n, j_n = agents.size, jobs.size
    cost = inst.cost[np.ix_(agents, jobs)].astype(float)
    weight = inst.weight[np.ix_(agents, jobs)].astype(float)
    b = MipBuilder(maximize=(sense == "max"))
    x = b.add_vars(a_n * j_n, cost=cost.reshape(-1), upper=1.0, integer=True)
    ii, jj = np.divmod(np.arange(a_n * j_n), j_n)
    b.add_rows(rows=jj, cols=x, vals=1.0, lower=np.ones(j_n), upper=np.ones(j_n))
    b.add_rows(rows=ii, cols=x, vals=weight.reshape(-1), lower=np.full(a_n, -INF),
               upper=inst.capacity[agents].astype(float))
    where = {int(a): i for i, a in enumerate(agents)}
    start = np.zeros(a_n * j_n)
    start[np.asarray([where[int(agent[j])] for j in jobs]) * j_n + np.arange(j_n)] = 1.0
    sol = b.solve(time_limit=time_limit, mip_rel_gap=0.0, start=start, threads=None)
    if sol.x is None:
        return None
    new = agent.copy()
    new[jobs] = agents[np.argmax(sol.x.reshape(a_n, j_n), axis=0)]
    return new


def improve_gap(inst: GapInstance, agent: NDArray[np.int64], *, sense: str,
                time_limit: float, seed: int = 0) -> NDArray[np.int64]:
    """Improve a feasible assignment by MIP-based large-neighbourhood search.

    Parameters
    ----------
    inst : GapInstance
    agent : int array (n,)
        A feasible assignment (agent of each job).
    sense : {"min", "max"}
    time_limit : float
        Wall-clock budget [s].
    seed : int
        Seed of the random choice of neighbourhoods (the search is reproducible up to
        timing).

    Returns
    -------
    int array (n,)
        An assignment at least as good, still feasible.
    """
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    m, n = inst.cost.shape
    best = agent.copy()
    sign = 1.0 if sense == "min" else -1.0
    value = sign * float(inst.cost[best, np.arange(n)].sum())
    size, stale = min(3, m), 0
    while time.perf_counter() - t0 < time_limit:
        agents = np.sort(rng.choice(m, size=size, replace=False))
        left = time_limit - (time.perf_counter() - t0)
        new = _sub_solve(inst, best, agents, sense, max(min(left, 5.0), 0.05))
        if new is not None:
            v = sign * float(inst.cost[new, np.arange(n)].sum())
            if v < value - 1e-9:
                best, value, stale = new, v, 0
                continue
        stale += 1
        if stale > 2 * m and size < m:
            size, stale = size + 1, 0
    return best
