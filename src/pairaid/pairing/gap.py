"""Generalized assignment mode of the pairing engine.

A generalized assignment problem (GAP) is the pairing with k = 1 and donor capacities:
agents (donors) i with capacity ``b_i``, jobs (recipients) j that each get exactly one
agent, using ``a_ij`` of the agent's capacity at cost (or profit) ``c_ij``::

    opt  sum_ij c_ij x_ij   s.t.  sum_i x_ij = 1 (every j),  sum_j a_ij x_ij <= b_i (every i)

Solved by HiGHS. Tightly constrained instances (Chu–Beasley type D) are where HiGHS alone
stalls with a poor incumbent, so the default portfolio (see :func:`solve_gap`) runs a
MIP-based neighbourhood search (:mod:`pairaid.pairing.gap_lns`) beside HiGHS. OR-Tools
CP-SAT is available as a second solver of the same model (``method="cpsat"``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np
from numpy.typing import NDArray

from pairaid.errors import ConfigError
from pairaid.pairing.highs import INF, MipBuilder, SolveStatus, proven_status
from pairaid.pairing.orlib import GapInstance

QUICK_PHASE = 0.05
"""Share of the time limit of the short HiGHS run that gives the neighbourhood search
its first incumbent."""


@dataclass(frozen=True, eq=False)
class GapResult:
    """Outcome of one GAP instance.

    ``objective`` is the value of the assignment returned (NaN if none), ``bound`` the best
    proven bound (a lower bound for min, an upper bound for max), ``agent[j]`` the agent of
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
    used = np.bincount(agent, weights=inst.weight[agent, np.arange(n)], minlength=m)
    if (used > inst.capacity + 1e-9).any():
        raise ValueError("an agent's capacity is exceeded")
    return float(inst.cost[agent, np.arange(n)].sum())


def _highs(inst: GapInstance, sense: str, time_limit: float, mip_rel_gap: float,
           start: NDArray[np.int64] | None,
           on_start: Callable[[highspy.Highs], None] | None = None) -> GapResult:
    t0 = time.perf_counter()
    m, n = inst.cost.shape
    b = build_gap_model(inst, sense)
    x0 = None
    if start is not None:
        x0 = np.zeros(m * n)
        x0[start * n + np.arange(n)] = 1.0
    sol = b.solve(time_limit=time_limit, mip_rel_gap=mip_rel_gap, start=x0,
                  on_start=on_start)
    agent = -np.ones(n, dtype=np.int64)
    if sol.x is not None:
        agent = np.argmax(sol.x.reshape(m, n), axis=0).astype(np.int64)
    obj = check_assignment(inst, agent) if sol.x is not None else float("nan")
    return GapResult(inst.name, sense, obj, sol.bound, sol.status,
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
        on the whole time limit in a background thread, beside a short HiGHS run
        (:data:`QUICK_PHASE` of the time) whose incumbent a MIP-based large
        neighbourhood search improves until the background HiGHS ends; the best
        assignment and HiGHS' bound are kept. ``auto`` = ``portfolio``.

    Returns
    -------
    GapResult

    Raises
    ------
    ConfigError
        Unknown sense or method.
    """
    if sense not in ("min", "max"):
        raise ConfigError(f"sense must be 'min' or 'max', got {sense!r}")
    if method not in ("auto", "highs", "cpsat", "portfolio"):
        raise ConfigError(f"method must be auto, highs, cpsat or portfolio, got {method!r}")
    if method == "highs":
        return _highs(inst, sense, time_limit, mip_rel_gap, None)
    from pairaid.pairing.gap_cpsat import solve_gap_cpsat

    if method == "cpsat":
        return solve_gap_cpsat(inst, sense=sense, time_limit=time_limit,
                               mip_rel_gap=mip_rel_gap, hint=None)
    return _portfolio(inst, sense, time_limit, mip_rel_gap)


def _better(a: float, b: float, sense: str) -> bool:
    if not np.isfinite(b):
        return np.isfinite(a)
    return np.isfinite(a) and (a < b if sense == "min" else a > b)


def _portfolio(inst: GapInstance, sense: str, time_limit: float,
               mip_rel_gap: float) -> GapResult:
    """HiGHS on the whole time limit in a background thread (it releases the GIL); in this
    thread a short HiGHS run finds an incumbent that MIP-based neighbourhood search then
    improves until HiGHS ends. The best assignment and HiGHS' bound are kept."""
    from pairaid.pairing.gap_lns import improve_gap

    t0 = time.perf_counter()
    box: dict[str, object] = {}
    done = threading.Event()

    def keep(h: highspy.Highs) -> None:
        h.HandleUserInterrupt = True  # lets cancelSolve() from this thread stop it
        box["highs"] = h

    def run_highs() -> None:
        try:
            box["result"] = _highs(inst, sense, time_limit, mip_rel_gap, None, on_start=keep)
        finally:
            done.set()

    worker = threading.Thread(target=run_highs, daemon=True)
    worker.start()
    quick = _highs(inst, sense, min(QUICK_PHASE * time_limit, time_limit), mip_rel_gap,
                   None)
    agent = quick.agent
    if quick.status.proven:
        while worker.is_alive():  # repeat: the background run may not have started yet
            highs = box.get("highs")
            if highs is not None:
                highs.cancelSolve()  # type: ignore[attr-defined]
            worker.join(0.02)
        return GapResult(inst.name, sense, quick.objective, quick.bound, quick.status,
                         time.perf_counter() - t0, quick.agent, "portfolio")
    if np.isfinite(quick.objective):
        left = time_limit - (time.perf_counter() - t0)
        agent = improve_gap(inst, quick.agent, sense=sense, time_limit=max(left - 0.1, 0.0),
                            stop=done.is_set)
    worker.join()
    main = box["result"]
    assert isinstance(main, GapResult)
    objective = check_assignment(inst, agent) if np.isfinite(quick.objective) else np.nan
    bound = main.bound
    if np.isfinite(main.objective) and (not np.isfinite(objective) or (
            main.objective <= objective if sense == "min" else main.objective >= objective)):
        agent, objective = main.agent, main.objective
    if not np.isfinite(objective):
        return main
    proven = abs(objective - bound) <= mip_rel_gap * abs(objective) + 1e-6
    status = proven_status(objective, bound) if proven else SolveStatus.TIME_LIMIT_FEASIBLE
    return GapResult(inst.name, sense, objective, bound, status, time.perf_counter() - t0,
                     agent, "portfolio")
