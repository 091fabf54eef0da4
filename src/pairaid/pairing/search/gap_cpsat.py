"""The generalized assignment model in OR-Tools CP-SAT (second solver of the portfolio)."""

from __future__ import annotations

import time

import numpy as np
from numpy.typing import NDArray

from pairaid.pairing.formulations.gap import SEARCHES, GapResult, check_assignment
from pairaid.pairing.highs import SolveStatus, proven_status
from pairaid.pairing.orlib import GapInstance


def solve_gap_cpsat(inst: GapInstance, *, sense: str, time_limit: float,
                    mip_rel_gap: float = 0.0, hint: NDArray[np.int64] | None = None,
                    workers: int = 2) -> GapResult:
    """Solve a GAP with CP-SAT (``workers`` parallel workers; 2 suits a 2-core machine,
    more did worse in the OR-Library baselines of this project)."""
    from ortools.sat.python import cp_model  # on first use: it adds ~0.1 s to start-up

    t0 = time.perf_counter()
    m, n = inst.cost.shape
    model = cp_model.CpModel()
    x = [[model.new_bool_var(f"x{i}_{j}") for j in range(n)] for i in range(m)]
    for j in range(n):
        model.add_exactly_one(x[i][j] for i in range(m))
    for i in range(m):
        model.add(sum(int(inst.weight[i, j]) * x[i][j] for j in range(n))
                  <= int(inst.capacity[i]))
    obj = sum(int(inst.cost[i, j]) * x[i][j] for i in range(m) for j in range(n))
    if sense == "min":
        model.minimize(obj)
    else:
        model.maximize(obj)
    if hint is not None and (hint >= 0).all():
        for i in range(m):
            for j in range(n):
                model.add_hint(x[i][j], int(hint[j] == i))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.relative_gap_limit = float(mip_rel_gap)
    code = solver.solve(model)
    agent = -np.ones(n, dtype=np.int64)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        vals = np.asarray([[solver.value(x[i][j]) for j in range(n)] for i in range(m)])
        agent = np.argmax(vals, axis=0).astype(np.int64)
        objective = check_assignment(inst, agent)
        bound = float(solver.best_objective_bound)
    else:
        objective, bound = float("nan"), float(solver.best_objective_bound)
    if code == cp_model.OPTIMAL:  # also when relative_gap_limit stopped the search
        status = proven_status(objective, bound)
    elif code == cp_model.FEASIBLE:
        status = SolveStatus.TIME_LIMIT_FEASIBLE
    elif code == cp_model.INFEASIBLE:
        status = SolveStatus.INFEASIBLE
    else:
        status = SolveStatus.TIME_LIMIT_NO_SOLUTION
    return GapResult(inst.name, sense, objective, bound, status, time.perf_counter() - t0,
                     agent, "cpsat")


SEARCHES.cpsat = solve_gap_cpsat
