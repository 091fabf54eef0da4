"""Large-neighbourhood search for the generalized assignment problem, with HiGHS solving
each neighbourhood exactly.

From a feasible assignment, repeatedly free every job of 2 to :data:`MAX_AGENTS` agents
chosen at random and re-assign those jobs among those agents by a small HiGHS MIP
(started from the current assignment, with a short time limit), or free :data:`JOBS`
random jobs (more after a run of failures) and re-assign them among all agents in the
capacity left; keep the result when it is better. Each
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
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from pairaid.pairing.highs import INF, MipBuilder
from pairaid.pairing.orlib import GapInstance

MAX_AGENTS = 4
"""Largest number of agents whose jobs are freed together (tightly constrained sub-problems
of 5 agents already take HiGHS seconds to prove)."""
JOBS = 15
"""Jobs freed together in the job neighbourhood, at first."""
MAX_JOBS = 40
"""Most jobs freed together: after :data:`STALL` neighbourhoods without improvement the
job neighbourhood grows by 5 jobs, up to this, and shrinks back on improvement."""
STALL = 20
SUB_TIME_LIMIT = 0.3
"""Time limit of one neighbourhood [s]; the sub-MIP starts from the current assignment,
so stopping early never makes it worse."""


def _sub_solve(inst: GapInstance, agent: NDArray[np.int64], agents: NDArray[np.int64],
               jobs: NDArray[np.int64], sense: str, time_limit: float
               ) -> NDArray[np.int64] | None:
    """Re-assign ``jobs`` (currently on ``agents``) among ``agents``, other jobs fixed."""
    if jobs.size == 0:
        return None
    a_n, j_n = agents.size, jobs.size
    n = agent.size
    fixed = np.ones(n, dtype=bool)
    fixed[jobs] = False
    used = np.bincount(agent[fixed], weights=inst.weight[agent[fixed], np.flatnonzero(fixed)],
                       minlength=inst.capacity.size)
    room = inst.capacity[agents] - used[agents]
    cost = inst.cost[np.ix_(agents, jobs)].astype(float)
    weight = inst.weight[np.ix_(agents, jobs)].astype(float)
    b = MipBuilder(maximize=(sense == "max"))
    x = b.add_vars(a_n * j_n, cost=cost.reshape(-1), upper=1.0, integer=True)
    ii, jj = np.divmod(np.arange(a_n * j_n), j_n)
    b.add_rows(rows=jj, cols=x, vals=1.0, lower=np.ones(j_n), upper=np.ones(j_n))
    b.add_rows(rows=ii, cols=x, vals=weight.reshape(-1), lower=np.full(a_n, -INF),
               upper=room.astype(float))
    where = -np.ones(inst.capacity.size, dtype=np.int64)
    where[agents] = np.arange(a_n)
    start = np.zeros(a_n * j_n)
    start[where[agent[jobs]] * j_n + np.arange(j_n)] = 1.0
    sol = b.solve(time_limit=time_limit, mip_rel_gap=0.0, start=start)
    if sol.x is None:
        return None
    new = agent.copy()
    new[jobs] = agents[np.argmax(sol.x.reshape(a_n, j_n), axis=0)]
    return new


def improve_gap(inst: GapInstance, agent: NDArray[np.int64], *, sense: str,
                time_limit: float, seed: int = 0,
                stop: Callable[[], bool] | None = None) -> NDArray[np.int64]:
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
    stop : callable, optional
        Polled between neighbourhoods; the search ends when it returns true.

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
    sizes = np.arange(2, min(m, MAX_AGENTS) + 1)
    jobs_n, fails = JOBS, 0
    while sizes.size and time.perf_counter() - t0 < time_limit and not (stop and stop()):
        left = time_limit - (time.perf_counter() - t0)
        if rng.random() < 0.5:
            # every job of a few agents, re-assigned among them
            size = int(rng.choice(sizes))
            agents = np.sort(rng.choice(m, size=size, replace=False))
            jobs = np.flatnonzero(np.isin(best, agents))
            limit = SUB_TIME_LIMIT
        else:
            # random jobs, re-assigned among all agents in the room left; more of them
            # after a run of failures
            agents = np.arange(m)
            jobs = np.sort(rng.choice(n, size=min(n, jobs_n), replace=False))
            limit = SUB_TIME_LIMIT + 0.02 * jobs_n
        new = _sub_solve(inst, best, agents, jobs, sense, max(min(left, limit), 0.01))
        if new is not None:
            v = sign * float(inst.cost[new, np.arange(n)].sum())
            if v < value - 1e-9:
                best, value, jobs_n, fails = new, v, JOBS, 0
                continue
        fails += 1
        if fails > STALL and jobs_n < MAX_JOBS:
            jobs_n, fails = jobs_n + 5, 0
    return best
