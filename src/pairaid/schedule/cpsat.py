"""Solve an all-integer model built with :class:`pairaid.pairing.highs.MipBuilder` by
OR-Tools CP-SAT.

The dispatch model counts teams, so every column is a whole number once the need is taken
in whole staff (:func:`pairaid.rounding.whole_ceil`); CP-SAT finds good schedules of this
lot-sizing shape much sooner than a branch-and-bound MIP, whose heuristics stall on the
general-integer team counts (see ``benchmarks/bench_dispatch.py``). CP-SAT needs integer
data: row coefficients must be whole (they are team sizes and ones), row bounds are rounded
inwards (exact, as the row's activity is whole), and the objective is scaled by
``scale`` and rounded; the objective and bound reported are in the model's own units.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp
from ortools.sat.python import cp_model

from pairaid.pairing.highs import INF, MipBuilder, MipSolution, SolveStatus, proven_status

BIG = 10**9
"""Stand-in for an infinite column bound [model units]."""


def solve_cpsat(b: MipBuilder, *, time_limit: float, mip_rel_gap: float,
                workers: int | None = None, scale: float = 1e4) -> MipSolution:
    """Solve the (all-integer) model of ``b`` with CP-SAT.

    Parameters
    ----------
    b : MipBuilder
        A minimisation model whose rows have whole coefficients.
    time_limit : float
        Wall-clock limit [s].
    mip_rel_gap : float
        Relative gap at which the search stops.
    workers : int or None
        CP-SAT search workers (None: 2, the size of the machines pairaid is sized for).
    scale : float
        Objective scale: costs are multiplied by it and rounded to integers.

    Returns
    -------
    MipSolution
        As :meth:`MipBuilder.solve` returns, with ``solver = "cp-sat"``.

    Raises
    ------
    ValueError
        If a row coefficient is not a whole number (a programming error).
    """
    t0 = time.perf_counter()
    cost = np.concatenate(b.cost) if b.cost else np.zeros(0)
    lower = np.concatenate(b.lower) if b.lower else np.zeros(0)
    upper = np.concatenate(b.upper) if b.upper else np.zeros(0)
    integer = np.concatenate(b.integer) if b.integer else np.zeros(0, dtype=bool)
    model = cp_model.CpModel()
    lo = np.ceil(np.maximum(lower, -BIG) - 1e-9).astype(np.int64)
    up = np.floor(np.minimum(upper, BIG) + 1e-9).astype(np.int64)
    xs = [model.new_int_var(int(lo[i]), int(max(up[i], lo[i])), "") for i in range(b.n_cols)]
    if b._coo_r:
        a = sp.csr_matrix((np.concatenate(b._coo_v), (np.concatenate(b._coo_r),
                                                      np.concatenate(b._coo_c))),
                          shape=(b.n_rows, b.n_cols))
        a.sum_duplicates()
        if not np.allclose(a.data, np.rint(a.data)):
            raise ValueError("CP-SAT needs whole row coefficients")
        data = np.rint(a.data).astype(np.int64)
        row_lo = np.concatenate(b._row_lo)
        row_up = np.concatenate(b._row_up)
        for i in range(b.n_rows):
            s, e = a.indptr[i], a.indptr[i + 1]
            if s == e:
                continue
            expr = cp_model.LinearExpr.weighted_sum([xs[j] for j in a.indices[s:e]],
                                                    data[s:e].tolist())
            if row_lo[i] > -INF:
                model.add(expr >= int(np.ceil(row_lo[i] - 1e-9)))
            if row_up[i] < INF:
                model.add(expr <= int(np.floor(row_up[i] + 1e-9)))
    # a feasible start: every column at the bound its cost prefers... the empty schedule
    # (no team; unmet need at its upper bound, the need) is feasible by construction
    for j in range(b.n_cols):
        model.add_hint(xs[j], int(up[j]) if cost[j] > 0 and up[j] < BIG and not
                       integer[j] else int(max(lo[j], 0)))
    weights = np.rint(cost * scale).astype(np.int64)
    nz = np.flatnonzero(weights)
    model.minimize(cp_model.LinearExpr.weighted_sum([xs[j] for j in nz],
                                                    weights[nz].tolist()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(float(time_limit) - (time.perf_counter()
                                                                     - t0), 0.1)
    solver.parameters.num_workers = int(workers or 2)
    solver.parameters.relative_gap_limit = float(mip_rel_gap)
    code = solver.solve(model)
    seconds = time.perf_counter() - t0
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        status = (SolveStatus.INFEASIBLE if code == cp_model.INFEASIBLE
                  else SolveStatus.TIME_LIMIT_NO_SOLUTION)
        return MipSolution(status, None, float("nan"), float("nan"), float("inf"), seconds,
                           solver="cp-sat")
    x = np.array([solver.value(v) for v in xs], dtype=float)
    objective = float(cost @ x) + b.offset
    scaled = float(weights @ x.astype(np.int64))
    bound = float(solver.best_objective_bound) / scale + b.offset
    bound = min(bound, objective)
    gap = (scaled - float(solver.best_objective_bound)) / max(abs(scaled), 1e-9)
    # CP-SAT says OPTIMAL also when relative_gap_limit stopped it (c0019 kind): only a
    # bound that meets the objective proves the optimum
    status = proven_status(objective, bound) if code == cp_model.OPTIMAL else \
        SolveStatus.TIME_LIMIT_FEASIBLE
    return MipSolution(status, x, objective, bound, max(gap, 0.0), seconds,
                       solver="cp-sat")
