"""Generalized assignment mode of the pairing engine.

A generalized assignment problem (GAP) is the pairing with k = 1 and donor capacities:
agents (donors) i with capacity ``b_i``, jobs (recipients) j that each get exactly one
agent, using ``a_ij`` of the agent's capacity at cost (or profit) ``c_ij``::

    opt  sum_ij c_ij x_ij   s.t.  sum_i x_ij = 1 (every j),  sum_j a_ij x_ij <= b_i (every i)

Solved by HiGHS. Tightly constrained instances (Chu–Beasley type D) are where HiGHS alone
stalls with a poor incumbent, so the default portfolio (see :func:`solve_gap`) runs a
MIP-based neighbourhood search (:mod:`pairaid.pairing.search.gap_lns`) beside HiGHS. OR-Tools
CP-SAT is available as a second solver of the same model (``method="cpsat"``).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

import highspy
import numpy as np
from numpy.typing import NDArray

from pairaid.errors import ConfigError, PairaidError
from pairaid.pairing.exact import EXACT_FLOAT_INT, exact_floats, exact_sum
from pairaid.pairing.highs import (
    INF,
    MipBuilder,
    SolveStatus,
    consistent,
    proven_status,
    scheduler_set_for,
    set_scheduler_threads,
)
from pairaid.pairing.orlib import GapInstance
from pairaid.rounding import whole_ceil, whole_floor

STALL_SECONDS = 1.0
"""The portfolio starts the neighbourhood search when HiGHS has held the same incumbent
(or none) for this long [s] without proving it optimal; instances HiGHS proves within
this time run on HiGHS alone."""
STALL_SHARE = 0.02
"""... or for this share of the time limit, whichever is longer."""


@dataclass(frozen=True, eq=False)
class GapResult:
    """Outcome of one GAP instance.

    ``objective`` is the value of the assignment returned (NaN if none), ``bound`` the best
    proven bound (a lower bound for min, an upper bound for max; +inf for min and -inf for
    max when the instance is proven infeasible, status ``infeasible``), ``agent[j]`` the agent of
    job j (-1 if none), ``seconds`` wall-clock time of model building and solving [s].
    """

    name: str
    sense: str
    objective: float
    bound: float
    status: SolveStatus
    seconds: float
    agent: NDArray[np.int64]
    solver: str

    @property
    def gap(self) -> float:
        """Relative distance between objective and bound (0 when proven optimal)."""
        if not np.isfinite(self.objective):
            return float("inf")
        return abs(self.objective - self.bound) / max(abs(self.objective), 1e-9)


class GapCpsat(Protocol):
    """Signature of :func:`pairaid.pairing.search.gap_cpsat.solve_gap_cpsat`."""

    def __call__(self, inst: GapInstance, *, sense: str, time_limit: float,
                 mip_rel_gap: float = ..., hint: NDArray[np.int64] | None = ...
                 ) -> GapResult: ...


class GapImprove(Protocol):
    """Signature of :func:`pairaid.pairing.search.gap_lns.improve_gap`."""

    def __call__(self, inst: GapInstance, agent: NDArray[np.int64], *, sense: str,
                 time_limit: float, stop: Callable[[], bool] | None = ...,
                 on_better: Callable[[NDArray[np.int64]], None] | None = ...,
                 incoming: Callable[[], NDArray[np.int64] | None] | None = ...,
                 on_solve: Callable[[highspy.Highs], None] | None = ...,
                 threads: int | None = ...) -> NDArray[np.int64]: ...


@dataclass
class GapSearches:
    """The searches that the methods ``cpsat`` and ``portfolio`` of :func:`solve_gap` run.

    A formulation never imports a search (the searches depend on the model): the modules
    :mod:`pairaid.pairing.search.gap_cpsat` and :mod:`pairaid.pairing.search.gap_lns`
    register themselves here when imported, and :mod:`pairaid.pairing.search` imports both,
    so any import of :mod:`pairaid.pairing` fills this in.
    """

    cpsat: GapCpsat | None = None
    improve: GapImprove | None = None

    def get_cpsat(self) -> GapCpsat:
        if self.cpsat is None:
            raise PairaidError("pairaid.pairing.search.gap_cpsat is not imported")
        return self.cpsat

    def get_improve(self) -> GapImprove:
        if self.improve is None:
            raise PairaidError("pairaid.pairing.search.gap_lns is not imported")
        return self.improve


SEARCHES = GapSearches()
"""Where the GAP searches register (see :class:`GapSearches`)."""


def build_gap_model(inst: GapInstance, sense: str) -> MipBuilder:
    """HiGHS model of the GAP (column ``i * n + j`` is x_ij)."""
    m, n = inst.cost.shape
    b = MipBuilder(maximize=(sense == "max"))
    x = b.add_vars(m * n, cost=inst.cost.reshape(-1).astype(float), upper=1.0, integer=True)
    ii, jj = np.divmod(np.arange(m * n), n)
    b.add_rows(rows=jj, cols=x, vals=1.0, lower=np.ones(n), upper=np.ones(n))
    b.add_rows(rows=ii, cols=x, vals=inst.weight.reshape(-1).astype(float),
               lower=np.full(m, -INF), upper=inst.capacity.astype(float))
    return b


def check_assignment(inst: GapInstance, agent: NDArray[np.int64]) -> float:
    """Objective of an assignment after checking it is feasible.

    Raises
    ------
    ValueError
        A job is unassigned or an agent's capacity is exceeded.
    """
    m, n = inst.cost.shape
    if agent.shape != (n,) or (agent < 0).any() or (agent >= m).any():
        raise ValueError("every job must have exactly one agent")
    taken = inst.weight[agent, np.arange(n)]
    if resources_exact(inst):  # float sums of integers below 2^53 are exact
        over = bool((np.bincount(agent, weights=taken, minlength=m) > inst.capacity).any())
    else:  # Python integers
        used = [0] * m
        for i, w in zip(agent.tolist(), taken.tolist(), strict=True):
            used[i] += w
        over = any(u > int(c) for u, c in zip(used, inst.capacity.tolist(), strict=True))
    if over:
        raise ValueError("an agent's capacity is exceeded")
    return float(exact_sum(inst.cost[agent, np.arange(n)]))


def _binding_capacity(inst: GapInstance) -> GapInstance:
    """``inst`` with each capacity above the sum of its agent's positive weights lowered to
    that sum: no assignment can use more, so the feasible assignments are the same (a file
    may write 10^18 for "no limit")."""
    room = np.clip(inst.weight, 0, None).astype(object).sum(axis=1)
    capacity = [min(int(c), int(r)) for c, r in zip(inst.capacity, room, strict=True)]
    if capacity == inst.capacity.tolist():
        return inst
    return GapInstance(inst.name, inst.cost, inst.weight, np.asarray(capacity, dtype=np.int64))


def resources_exact(inst: GapInstance) -> bool:
    """Whether HiGHS (float64) checks every agent's capacity row exactly: the weights of
    an agent added up, and its capacity, stay below 2^53 in magnitude
    (:data:`pairaid.pairing.exact.EXACT_FLOAT_INT`). Added up in floats (this runs on
    every move of the searches), against 2^52 to leave a factor 2 for their rounding."""
    if inst.weight.size == 0:
        return True
    rows = np.abs(inst.weight.astype(float)).sum(axis=1)
    return bool(max(rows.max(), np.abs(inst.capacity.astype(float)).max())
                < EXACT_FLOAT_INT / 2)


CPSAT_INT = 2**62
"""CP-SAT refuses a model whose linear sums can leave the 64-bit range; weights and
capacities are kept below this in magnitude per agent, with room to spare [-]."""


def _highs(inst: GapInstance, sense: str, time_limit: float, mip_rel_gap: float,
           start: NDArray[np.int64] | None,
           on_start: Callable[[highspy.Highs], None] | None = None,
           threads: int | None = None) -> GapResult:
    t0 = time.perf_counter()
    m, n = inst.cost.shape
    b = build_gap_model(inst, sense)
    x0 = None
    if start is not None:
        x0 = np.zeros(m * n)
        x0[start * n + np.arange(n)] = 1.0
    sol = b.solve(time_limit=time_limit, mip_rel_gap=mip_rel_gap, start=x0,
                  on_start=on_start, threads=threads)
    agent = -np.ones(n, dtype=np.int64)
    if sol.x is not None:
        agent = np.argmax(sol.x.reshape(m, n), axis=0).astype(np.int64)
    obj = check_assignment(inst, agent) if sol.x is not None else float("nan")
    status = sol.status
    if sol.x is not None and not consistent(obj, sol.objective):
        # the status HiGHS gave belongs to the value it reported, not to this assignment's:
        # recomputed from the assignment's own value and HiGHS' bound
        proven = abs(obj - sol.bound) <= mip_rel_gap * abs(obj) + 1e-6
        status = proven_status(obj, sol.bound) if proven else SolveStatus.TIME_LIMIT_FEASIBLE
    return GapResult(inst.name, sense, obj, sol.bound, status,
                     time.perf_counter() - t0, agent, "highs")


def solve_gap(inst: GapInstance, *, sense: str = "min", time_limit: float = 60.0,
              mip_rel_gap: float = 0.0, method: str = "auto") -> GapResult:
    """Solve a GAP instance.

    Parameters
    ----------
    inst : GapInstance
    sense : {"min", "max"}
    time_limit : float
        Wall-clock limit for the whole solve [s].
    mip_rel_gap : float
        Relative gap at which to stop (0 = prove the optimum).
    method : {"auto", "highs", "cpsat", "portfolio"}
        ``highs``: HiGHS alone. ``cpsat``: OR-Tools CP-SAT alone. ``portfolio``: HiGHS
        on the whole time limit; when its incumbent stalls (see :func:`_portfolio`), a
        MIP-based neighbourhood search on the second core that exchanges assignments
        with the running HiGHS through its callbacks; the best assignment and HiGHS'
        bound are kept. ``auto`` = ``portfolio``, except where an agent's weights added
        up, or its capacity, reach 2^52 in magnitude (after lowering each capacity to the
        sum of its agent's positive weights, which cannot change the feasible
        assignments): HiGHS' float64 cannot check those capacities exactly, so ``auto``
        then means ``cpsat``.

    Returns
    -------
    GapResult

    Raises
    ------
    ConfigError
        Unknown sense or method; weights or capacities of 2^52 or more (per agent, added
        up) with ``highs`` or ``portfolio``, or of 2^62 or more with any method.
    """
    if sense not in ("min", "max"):
        raise ConfigError(f"sense must be 'min' or 'max', got {sense!r}")
    if method not in ("auto", "highs", "cpsat", "portfolio"):
        raise ConfigError(f"method must be auto, highs, cpsat or portfolio, got {method!r}")
    m, n = inst.cost.shape
    if m and n and int(np.abs(inst.cost.astype(object)).max()) * n >= EXACT_FLOAT_INT:
        return _solve_reduced(inst, sense, time_limit, mip_rel_gap, method)
    inst = _binding_capacity(inst)
    if not resources_exact(inst):
        method = _exact_resources_method(inst, method)
    if method == "highs":
        res = _highs(inst, sense, time_limit, mip_rel_gap, None)
    elif method == "cpsat":
        res = SEARCHES.get_cpsat()(inst, sense=sense, time_limit=time_limit,
                                    mip_rel_gap=mip_rel_gap, hint=None)
    else:
        res = _portfolio(inst, sense, time_limit, mip_rel_gap)
    if res.status == SolveStatus.INFEASIBLE:
        # the optimum of a proven infeasible instance is +inf (min) / -inf (max); the
        # solvers' own bounds said -inf (HiGHS, min) or 0 (CP-SAT), which read as numbers
        res = replace(res, bound=float("inf") if sense == "min" else float("-inf"))
    return res


def _exact_resources_method(inst: GapInstance, method: str) -> str:
    """The method for an instance whose weights or capacities reach 2^52 (the c0001 kind
    in the constraints): HiGHS works in float64, rounds such numbers and could put an agent
    over its capacity (weight 2^53 + 1 against capacity 2^53 looked feasible), so CP-SAT,
    which works in 64-bit integers, solves it.

    Raises
    ------
    ConfigError
        ``highs`` or ``portfolio`` was asked for by name, or an agent's weights and
        capacity reach :data:`CPSAT_INT` (too large for CP-SAT too).
    """
    rows = np.abs(inst.weight.astype(object)).sum(axis=1) + np.abs(
        inst.capacity.astype(object))
    if int(max(rows)) >= CPSAT_INT:
        raise ConfigError(f"{inst.name}: an agent's weights and capacity add up to "
                          f"{int(max(rows))}, too large for an exact solve (below 2^62 "
                          "needed)")
    if method in ("highs", "portfolio"):
        raise ConfigError(f"{inst.name}: an agent's weights or capacity reach 2^52 (float64 "
                          f"is exact below 2^53 = {EXACT_FLOAT_INT} only); HiGHS cannot check "
                          "the capacities exactly: use method 'cpsat' or 'auto' (exact 64-bit "
                          "integers)")
    return "cpsat"


def _solve_reduced(inst: GapInstance, sense: str, time_limit: float, mip_rel_gap: float,
                   method: str) -> GapResult:
    """:func:`solve_gap` for costs too large for float64 (:mod:`pairaid.pairing.exact`).

    Every job goes to exactly one agent, so taking each job's smallest cost off all its
    costs lowers every assignment's objective by the same constant: the optima stay. The
    reduced instance is solved; the objective is added up again from the original costs in
    Python integers and the bound shifted back (rounded inward to a whole number first:
    every objective of integer costs is whole).
    """
    m, n = inst.cost.shape
    low = inst.cost.astype(object).min(axis=0)
    reduced = exact_floats(inst.cost.astype(object) - low, n, f"{inst.name}: GAP costs")
    small = GapInstance(inst.name, reduced.astype(np.int64), inst.weight, inst.capacity)
    res = solve_gap(small, sense=sense, time_limit=time_limit, mip_rel_gap=mip_rel_gap,
                    method=method)
    shift = exact_sum(low)
    objective: float = float("nan")
    if np.isfinite(res.objective):
        objective = exact_sum(inst.cost[res.agent, np.arange(n)])
    bound: float = res.bound
    if np.isfinite(res.bound):
        inward = whole_ceil(res.bound) if sense == "min" else whole_floor(res.bound)
        bound = shift + int(inward)
    return GapResult(res.name, sense, objective, bound, res.status, res.seconds, res.agent,
                     res.solver)


def _better(a: float, b: float, sense: str) -> bool:
    if not np.isfinite(b):
        return np.isfinite(a)
    return np.isfinite(a) and (a < b if sense == "min" else a > b)


SEARCH_NICE = 19
"""Nice value of the neighbourhood search's thread (Linux: per thread; 19 = lowest
priority). The search then runs on a core HiGHS leaves idle but takes almost nothing
from HiGHS when the cores are busy, so the portfolio is not slower than HiGHS alone where
HiGHS alone proves the optimum (``benchmarks/bench_gap.py``)."""


ESCALATE_SHARE = 0.25
"""When HiGHS has worked this share of the time limit (in CPU seconds of its thread, so
whatever the machine's load) without proving the optimum, the low-priority search is
replaced by one at normal priority from the best assignment so far: by then the instance
is a hard one for HiGHS, and on a busy machine a search at nice 19 would get almost no
CPU."""


ESCALATE_GAP = 0.01
"""When HiGHS' incumbent is still this share above its bound (relative gap) after HiGHS
has worked the stall time (:data:`STALL_SECONDS`, :data:`STALL_SHARE`; CPU seconds of its
thread), the search starts at once at normal priority, whether HiGHS' incumbent has stalled
or not (a low-priority search running then is replaced). At the loads of 2026-11-30 (12-19
on 2 cores) HiGHS' thread got 2 s of CPU in 15 s and was still finding (slightly) better
incumbents, and in a 60 s run on a generated 200 x 20 type-D instance the whole process
got 5.0 s of CPU and the nice-19 search none of it (not one tabu iteration): the result
was HiGHS' own. HiGHS' gap after 1.2 s of CPU, measured on gapc and type D, is in
docs/pairing.md."""
def _lower_priority() -> None:
    """Give the calling thread the nice value :data:`SEARCH_NICE` (Linux sets it per
    thread; where the platform refuses, the thread keeps its priority)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), SEARCH_NICE)
    except (AttributeError, OSError):
        pass


HIGHS_THREADS = 1
"""Threads of HiGHS' task scheduler in the portfolio. HiGHS' MIP solver works in the
calling thread; its default scheduler adds a worker per further core that, on d10100 and
d20100, used 0.7-3.8 s of CPU beside 6.8-11.2 s of the main thread in 25 s runs (measured
with ``/proc/<pid>/task/*/stat``; 65-70 % of the second core on a quiet machine) without a
better incumbent or bound than one thread reached in the same time. With one thread that
core is left to the neighbourhood search; the proofs of types C and gapc took the same CPU
time either way."""

_SEARCHES: list[threading.Thread] = []  # search threads of earlier portfolio runs


def use_scheduler(threads: int | None) -> None:
    """Set the calling thread's HiGHS scheduler up for ``threads`` threads (``None``:
    HiGHS' default; :func:`pairaid.pairing.highs.set_scheduler_threads`), after the search
    threads of earlier portfolio runs (told to stop when their run ended) have ended."""
    if scheduler_set_for(threads):
        return
    for earlier in _SEARCHES:
        earlier.join()
    _SEARCHES.clear()
    set_scheduler_threads(threads)


class _Exchange:
    """What the running HiGHS and the neighbourhood search share (under one lock): HiGHS'
    latest incumbent (column values, decoded only when the search asks for it), the
    search's best value, and its assignment waiting to be handed to HiGHS through the
    user-solution callback."""

    def __init__(self, inst: GapInstance, sense: str) -> None:
        self.inst = inst
        self.sign = 1.0 if sense == "min" else -1.0
        self.lock = threading.Lock()
        self.highs_x: NDArray[np.float64] | None = None
        self.highs_value = float("inf")  # minimisation form (sign * objective)
        self.search_value = float("inf")
        self.search_agent: NDArray[np.int64] | None = None
        self.pending: NDArray[np.float64] | None = None
        self.changed = 0.0  # HiGHS thread's CPU time at its last new incumbent [s]

    def from_highs(self, x: NDArray[np.float64], objective: float, when: float) -> None:
        with self.lock:
            self.highs_x, self.highs_value = np.array(x), self.sign * objective
            self.changed = when

    def latest_highs(self) -> NDArray[np.int64] | None:
        """HiGHS' incumbent as an assignment (None if it has none or it is not a
        feasible assignment)."""
        with self.lock:
            x = self.highs_x
        if x is None:
            return None
        m, n = self.inst.cost.shape
        agent = np.argmax(x[: m * n].reshape(m, n), axis=0).astype(np.int64)
        try:
            check_assignment(self.inst, agent)
        except ValueError:
            return None
        return agent

    def from_search(self, agent: NDArray[np.int64]) -> None:
        value = self.sign * check_assignment(self.inst, agent)
        m, n = self.inst.cost.shape
        with self.lock:
            if value < self.search_value - 1e-9:
                self.search_value, self.search_agent = value, agent.copy()
            if value < self.highs_value - 1e-9 and value <= self.search_value + 1e-9:
                x = np.zeros(m * n)
                x[agent * n + np.arange(n)] = 1.0
                self.pending = x

    def take_pending(self) -> NDArray[np.float64] | None:
        with self.lock:
            x, self.pending = self.pending, None
            return x


def _portfolio(inst: GapInstance, sense: str, time_limit: float,
               mip_rel_gap: float) -> GapResult:
    """HiGHS on the whole model and time limit in this thread (it releases the GIL),
    watched through its callbacks. While it finds better incumbents, or when it proves
    the optimum before stalling, it runs alone: no other thread is started. When it has
    held the same incumbent for max(:data:`STALL_SECONDS`, :data:`STALL_SHARE` x limit)
    of its running time, the MIP neighbourhood search (:mod:`pairaid.pairing.search.gap_lns`)
    starts from that incumbent in a second thread (the second core); every better
    assignment it finds is handed to the running HiGHS through HiGHS' user-solution
    callback (HiGHS checks it and uses it as its incumbent and cutoff), and HiGHS' own
    new incumbents are handed back to the search. The search starts at the lowest CPU
    priority (:data:`SEARCH_NICE`) and is replaced by one at normal priority once HiGHS
    has used :data:`ESCALATE_SHARE` of the limit in CPU time. When HiGHS' gap is still
    :data:`ESCALATE_GAP` or more after the stall time of its work, the search starts at
    normal priority at once, stalled incumbent or not. The best assignment and
    HiGHS' bound are kept; the run ends when HiGHS ends (proof or time limit). HiGHS
    runs with one scheduler thread (:data:`HIGHS_THREADS`), so that the second core is the
    search's."""
    improve_gap = SEARCHES.get_improve()

    use_scheduler(HIGHS_THREADS)
    t0 = time.perf_counter()
    ex = _Exchange(inst, sense)
    stall = max(STALL_SECONDS, STALL_SHARE * time_limit)
    stop = threading.Event()
    searcher: list[threading.Thread] = []
    retired: list[threading.Event] = []
    cpu0 = [0.0]  # CPU time of the HiGHS thread when its solve started [s]
    high = [False]  # a search at normal priority runs
    current: list[highspy.Highs] = []  # the neighbourhood being solved

    def search(start: NDArray[np.int64], seconds: float, low: bool,
               retire: threading.Event) -> None:
        if low:
            _lower_priority()
        set_scheduler_threads(HIGHS_THREADS)  # this thread's own HiGHS scheduler
        improve_gap(inst, start, sense=sense, time_limit=seconds,
                    stop=lambda: stop.is_set() or retire.is_set(), on_better=ex.from_search,
                    incoming=ex.latest_highs, on_solve=keep_current, threads=HIGHS_THREADS)

    def launch(low: bool) -> None:
        start = ex.latest_highs()
        with ex.lock:
            if ex.search_agent is not None and ex.search_value < ex.highs_value:
                start = ex.search_agent
        left = time_limit - (time.perf_counter() - t0) - 0.1
        if start is None or left < 0.2:
            return
        high[0] = high[0] or not low
        for old in retired:
            old.set()  # the low-priority search ends at its next check
        retire = threading.Event()
        retired.append(retire)
        thread = threading.Thread(target=search, args=(start, left, low, retire),
                                  daemon=False)
        searcher.append(thread)
        _SEARCHES.append(thread)
        thread.start()

    def keep_current(h: highspy.Highs) -> None:
        h.HandleUserInterrupt = True  # lets cancelSolve() from the HiGHS thread stop it
        with ex.lock:
            current[:] = [h]
            if stop.is_set():
                h.cancelSolve()

    def on_improving(e: highspy.cb.HighsCallbackEvent) -> None:  # type: ignore[name-defined]
        out = e.data_out
        ex.from_highs(out.mip_solution, out.objective_function_value, time.thread_time())

    def on_interrupt(e: highspy.cb.HighsCallbackEvent) -> None:  # type: ignore[name-defined]
        # time.thread_time(): CPU seconds of this (the HiGHS) thread, so that the stall
        # is measured in HiGHS' work, whatever the load of the machine
        now = time.thread_time()
        out = e.data_out
        primal, dual = out.mip_primal_bound, out.mip_dual_bound
        far = bool(np.isfinite(primal) and np.isfinite(dual)
                   and abs(primal - dual) >= ESCALATE_GAP * max(abs(primal), 1e-9))
        if not searcher:
            if far and now - cpu0[0] >= stall:
                launch(low=False)  # far from HiGHS' bound after its first `stall` s
            elif ex.highs_x is not None and now - ex.changed >= stall:
                launch(low=True)
        elif not high[0] and (far or now - cpu0[0] >= ESCALATE_SHARE * time_limit):
            launch(low=False)

    def on_user_solution(e: highspy.cb.HighsCallbackEvent) -> None:  # type: ignore[name-defined]
        if ex.pending is None:
            return
        x = ex.take_pending()
        if x is not None:
            e.data_in.setSolution(x)
            e.data_in.user_has_solution = True

    def watch(h: highspy.Highs) -> None:
        cpu0[0] = time.thread_time()
        h.cbMipImprovingSolution.subscribe(on_improving)
        h.cbMipInterrupt.subscribe(on_interrupt)
        h.cbMipUserSolution.subscribe(on_user_solution)

    main = _highs(inst, sense, time_limit, mip_rel_gap, None, on_start=watch,
                  threads=HIGHS_THREADS)
    with ex.lock:
        stop.set()
        for h in current:
            h.cancelSolve()  # the search's neighbourhood solve ends now
    for thread in searcher:
        # a short wait only: the low-priority thread may need a while to be scheduled on
        # a busy machine; it ends by itself at its next check (it is not a daemon thread,
        # so the process waits for it before tearing HiGHS down: a daemon thread still
        # inside HiGHS at exit crashed the interpreter), and every assignment it found is
        # already in `ex`
        thread.join(0.05)
    with ex.lock:
        agent = ex.search_agent
    if agent is None:
        return GapResult(main.name, sense, main.objective, main.bound, main.status,
                         time.perf_counter() - t0, main.agent, "portfolio")
    objective = check_assignment(inst, agent)
    bound = main.bound
    if np.isfinite(main.objective) and (
            main.objective <= objective if sense == "min" else main.objective >= objective):
        agent, objective = main.agent, main.objective
    proven = abs(objective - bound) <= mip_rel_gap * abs(objective) + 1e-6
    status = proven_status(objective, bound) if proven else SolveStatus.TIME_LIMIT_FEASIBLE
    return GapResult(inst.name, sense, objective, bound, status, time.perf_counter() - t0,
                     agent, "portfolio")
