"""Neighbourhood search for the generalized assignment problem, with HiGHS solving each
neighbourhood as a MIP.

From a feasible assignment ``agent`` (job j on agent ``agent[j]``) the search first
descends by *local branching* (Fischetti & Lodi 2003): the whole GAP plus the constraint
that at most :data:`K` jobs change agent, ``sum_j x[agent[j], j] >= n - K``, and a
cutoff row ``sum c x <= current value - eps``, so that only strictly better assignments in
that Hamming ball are feasible. Each step has :data:`STEP_SECONDS`; the descent moves to
every better assignment found and ends at the first step that finds none.

It then draws, until the time is up, one of two neighbourhoods of the current best
assignment and solves it the same way (cutoff row, short time limit):

* **agents**: every job of random agents (whole agents, until about the kind's current
  size in jobs is free) may go to any agent, and at most :data:`OTHER_CHANGES` of the
  other jobs may change agent (local branching restricted to the rest). This frees whole
  agents' capacity, the move that tight (Chu–Beasley type D) instances need, while the
  rest may make room along a short chain.
* **jobs**: the kind's current size of random jobs may go to any agent in the capacity
  the other jobs leave; all other jobs stay (Shaw 1998).

Before the descent and before each of these neighbourhoods, the search runs a burst of
:data:`TABU_SECONDS` of the shift/swap tabu search of :mod:`pairaid.pairing.search.gap_tabu`,
which keeps its own trajectory from burst to burst and restarts from the current best
only when a neighbourhood or the caller found a better one; its best assignment is
accepted like any other. The MIP neighbourhoods then change many jobs at once around the
assignments the tabu search reaches one move at a time.

Both sizes start at :data:`START_FREE` jobs and adapt (:data:`GROWTH`): larger after a
neighbourhood HiGHS solved to the end in its time, smaller after one it did not, so that
they follow the instance's size and tightness instead of being tuned to a few files.

A share :data:`SIDEWAYS` of these neighbourhoods asks instead for an equally good assignment
in which at least one job moves, and moves there: a sideways step across the plateaus of
equal cost that tight instances have.

Every accepted move is a feasible assignment checked by
:func:`pairaid.pairing.formulations.gap.check_assignment`; the result is never worse than
the start. When a neighbourhood that is the whole problem (n <= K, or every job freed)
is proven to hold no better assignment, the search stops early: the assignment is optimal.

Measured on OR-Library d20100 (best known 6185, ``benchmarks/bench_orlib.py``): the
previous search (random agent/job neighbourhoods without cutoff) ended 0.74-1.07 % above
it in 60 s; local branching reaches about 6216 in its first step (2-5 s) and this search
6203-6214 in 60 s (HiGHS' ``objective_bound`` option in place of the cutoff row does not
prune a MIP in HiGHS 1.16; sideways steps moved 3 runs of 6207-6214 to 4 of 6203-6213).

References
----------
M. Fischetti, A. Lodi, "Local branching", Math. Programming 98 (2003) 23-47.
P. Shaw, "Using constraint programming and local search methods to solve vehicle routing
problems", CP 1998, LNCS 1520, 417-431.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import highspy
import numpy as np
from numpy.typing import NDArray

from pairaid.pairing.formulations.gap import SEARCHES, check_assignment
from pairaid.pairing.highs import INF, MipBuilder, SolveStatus
from pairaid.pairing.orlib import GapInstance
from pairaid.pairing.search.gap_tabu import TabuSearch

K = 10
"""Largest number of jobs that may change agent in a local-branching step."""
STEP_SECONDS = 2.0
"""Time limit of one local-branching step [s]."""
OTHER_CHANGES = (4, 8)
"""Range of the number of other jobs that may change agent in an agents neighbourhood."""
START_FREE = 30
"""Number of jobs an agents or jobs neighbourhood frees at first; each kind's size then
adapts (see :data:`GROWTH`)."""
MIN_FREE = 8
"""Fewest jobs a neighbourhood frees."""
GROWTH = 1.1
"""Factor by which a kind's neighbourhood size grows after a neighbourhood HiGHS solved to
the end within its time (so it held no better assignment, or HiGHS found the best in it),
and shrinks after one that ran out of time: the sizes settle where about half the
neighbourhoods finish, whatever the instance's size (the adaptive difficulty of OR-Tools
CP-SAT's neighbourhood generators, ``ortools/sat/cp_model_lns.h``)."""
NEIGHBOURHOOD_SECONDS = 1.0
"""Time limit of one agents or jobs neighbourhood [s]."""
TABU_SECONDS = 1.0
"""Length of one burst of the tabu search (:mod:`pairaid.pairing.search.gap_tabu`) between two
MIP neighbourhoods [s]."""
TABU_CHECK = 50
"""Tabu iterations between two checks of the clock and the stop request."""
SIDEWAYS = 0.2
"""Share of agents/jobs neighbourhoods that look for an equally good, different assignment
(a sideways move across a plateau) instead of a strictly better one."""


class _Search:
    """The GAP in minimisation form (profits negated for ``sense="max"``) and one
    neighbourhood solve."""

    def __init__(self, inst: GapInstance, sense: str, deadline: float,
                 stop: Callable[[], bool] | None,
                 on_solve: Callable[[highspy.Highs], None] | None = None,
                 threads: int | None = None) -> None:
        self.on_solve = on_solve
        self.threads = threads
        self.inst = inst
        self.sign = 1.0 if sense == "min" else -1.0
        self.cost = self.sign * inst.cost.astype(float)
        self.m, self.n = inst.cost.shape
        self.deadline = deadline
        self.stop = stop
        self.proven = False

    def out_of_time(self) -> bool:
        """Time is up, the caller asked to stop, or the incumbent is proven optimal."""
        return (self.proven or time.perf_counter() >= self.deadline
                or bool(self.stop and self.stop()))

    def value(self, agent: NDArray[np.int64]) -> float:
        return float(self.cost[agent, np.arange(self.n)].sum())

    def solve(self, agent: NDArray[np.int64], free: NDArray[np.bool_],
              changes: int | None, seconds: float, sideways: bool = False
              ) -> tuple[NDArray[np.int64] | None, bool]:
        """Best assignment (found in ``seconds``) strictly better than ``agent`` in which
        the ``free`` jobs may go to any agent and, of the other jobs, at most ``changes``
        change agent (``None``: all other jobs stay). Returns the assignment (``None`` if
        none was found) and whether HiGHS finished the neighbourhood (proved it optimal or
        empty) within the time; sets :attr:`proven` when the neighbourhood is the whole
        problem and holds none."""
        inst, m = self.inst, self.m
        jobs = np.flatnonzero(free) if changes is None else np.arange(self.n)
        if jobs.size == 0:
            return None, True
        stay = np.flatnonzero(~free)
        room = inst.capacity.astype(float)
        if changes is None:
            room = room - np.bincount(agent[stay], weights=inst.weight[agent[stay], stay],
                                      minlength=m)
        j_n = jobs.size
        b = MipBuilder(maximize=False)
        x = b.add_vars(m * j_n, cost=self.cost[:, jobs].reshape(-1), upper=1.0, integer=True)
        ii, jj = np.divmod(np.arange(m * j_n), j_n)
        b.add_rows(rows=jj, cols=x, vals=1.0, lower=np.ones(j_n), upper=np.ones(j_n))
        b.add_rows(rows=ii, cols=x, vals=inst.weight[:, jobs].reshape(-1).astype(float),
                   lower=np.full(m, -INF), upper=room)
        if changes is not None and stay.size:
            # local branching on the jobs that are not free: at most `changes` move
            b.add_rows(rows=np.zeros(stay.size, dtype=np.int64),
                       cols=agent[stay] * j_n + stay, vals=1.0,
                       lower=np.array([float(stay.size - changes)]), upper=np.array([INF]))
        now = float(self.cost[agent[jobs], jobs].sum())
        left = min(seconds, self.deadline - time.perf_counter())
        if left <= 0.01:
            return None, False
        # the cutoff as a constraint: only strictly better assignments are feasible
        # (sideways: as good and different, at least one freed job moves)
        b.add_rows(rows=np.zeros(x.size, dtype=np.int64), cols=x,
                   vals=self.cost[:, jobs].reshape(-1), lower=np.array([-INF]),
                   upper=np.array([now + (1e-9 if sideways else -1e-6) * max(1.0, abs(now))]))
        if sideways:
            b.add_rows(rows=np.zeros(j_n, dtype=np.int64), cols=agent[jobs] * j_n
                       + np.arange(j_n), vals=1.0, lower=np.array([-INF]),
                       upper=np.array([float(j_n - 1)]))
        sol = b.solve(time_limit=left, mip_rel_gap=0.0, on_start=self.on_solve,
                      threads=self.threads)
        whole = not sideways and ((changes is None and stay.size == 0)
                                  or (changes is not None and changes >= stay.size))
        if whole and sol.status == SolveStatus.INFEASIBLE:
            self.proven = True  # nothing better anywhere: ``agent`` is optimal
        finished = sol.status.proven or sol.status == SolveStatus.INFEASIBLE
        if sol.x is None:
            return None, finished
        new = agent.copy()
        new[jobs] = np.argmax(sol.x.reshape(m, j_n), axis=0)
        return new, finished


def improve_gap(inst: GapInstance, agent: NDArray[np.int64], *, sense: str,
                time_limit: float, seed: int = 0,
                stop: Callable[[], bool] | None = None,
                on_better: Callable[[NDArray[np.int64]], None] | None = None,
                incoming: Callable[[], NDArray[np.int64] | None] | None = None,
                on_solve: Callable[[highspy.Highs], None] | None = None,
                tabu: bool = True, threads: int | None = None) -> NDArray[np.int64]:
    """Improve a feasible assignment by MIP-based neighbourhood search.

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
        timing: HiGHS stops on wall-clock limits).
    stop : callable, optional
        Polled between neighbourhoods; the search ends when it returns true.
    on_better : callable, optional
        Called with every strictly better assignment the search moves to.
    incoming : callable, optional
        Polled between neighbourhoods for an assignment found elsewhere (e.g. by a HiGHS
        run on the whole model); the search moves to it when it is strictly better.
    on_solve : callable, optional
        Called with each neighbourhood's ``highspy.Highs`` object just before it is
        solved (e.g. to keep it and cancel the solve from another thread).

    Returns
    -------
    int array (n,)
        An assignment at least as good, still feasible.
    """
    search = _Search(inst, sense, time.perf_counter() + time_limit, stop, on_solve, threads)
    rng = np.random.default_rng(seed)
    m, n = search.m, search.n
    best = agent.copy()
    value = search.value(best)

    def accept(new: NDArray[np.int64] | None, sideways: bool = False,
               report: bool = True) -> bool:
        nonlocal best, value
        if new is None:
            return False
        check_assignment(inst, new)  # raises if a neighbourhood solve broke feasibility
        v = search.value(new)
        if v < value - 1e-9 or (sideways and v <= value + 1e-9):
            if v < value - 1e-9 and report and on_better is not None:
                on_better(new)
            best, value = new, min(v, value)
            return True
        return False

    def poll() -> None:
        if incoming is not None:
            accept(incoming(), report=False)

    ts = TabuSearch(inst, sense, seed) if tabu else None
    if ts is not None:
        ts.reset(best)

    def tabu_burst() -> None:
        if ts is None:
            return
        if value < ts.best_value - 1e-9:
            ts.reset(best)  # a better assignment came from elsewhere: restart there
        end = min(time.perf_counter() + TABU_SECONDS, search.deadline)
        while time.perf_counter() < end and not search.out_of_time():
            ts.run(TABU_CHECK)
        if ts.best is not None:
            accept(ts.best)

    tabu_burst()
    nothing_free = np.zeros(n, dtype=bool)
    while not search.out_of_time():
        poll()
        if not accept(search.solve(best, nothing_free, K, STEP_SECONDS)[0]):
            break
    # neighbourhood sizes in freed jobs, one per kind, adapted to how hard HiGHS finds
    # them: larger after a neighbourhood solved to the end, smaller after a time-out
    size = {"agents": float(min(START_FREE, n)), "jobs": float(min(START_FREE, n))}
    while not search.out_of_time():
        poll()
        tabu_burst()
        kind = "agents" if m > 1 and rng.random() < 0.5 else "jobs"
        target = int(round(size[kind]))
        if kind == "agents":
            # whole agents, in random order, until about `target` jobs are free
            order = rng.permutation(m)
            load = np.bincount(best, minlength=m)[order]
            take = max(2, int(np.searchsorted(np.cumsum(load), target)) + 1)
            free = np.isin(best, order[:min(take, m)])
            changes: int | None = int(rng.integers(OTHER_CHANGES[0], OTHER_CHANGES[1] + 1))
        else:
            free = np.zeros(n, dtype=bool)
            free[rng.choice(n, size=min(target, n), replace=False)] = True
            changes = None
        sideways = bool(rng.random() < SIDEWAYS)
        new, finished = search.solve(best, free, changes, NEIGHBOURHOOD_SECONDS, sideways)
        accept(new, sideways)
        grow = GROWTH if finished else 1.0 / GROWTH
        size[kind] = float(np.clip(size[kind] * grow, MIN_FREE, n))
    return best


SEARCHES.improve = improve_gap
