"""Large-neighbourhood search on the compact pairing model, with HiGHS solving each
neighbourhood.

Used when HiGHS alone does not prove optimality within part of the time limit (hard
many-to-many instances with scarce capacity and binding k): from the incumbent, free
the pair variables of a few recipients (and keep every other pair as it is), re-solve
the same model with those bounds, and keep the result when it is better. Flows stay
free everywhere, so staff can move between all chosen pairs.

References
----------
P. Shaw, "Using constraint programming and local search methods to solve vehicle routing
problems", CP 1998, LNCS 1520, 417-431.
"""

from __future__ import annotations

import time

import numpy as np
from numpy.typing import NDArray

from pairaid.pairing.formulations.model import PairingModel
from pairaid.pairing.highs import consistent, new_highs
from pairaid.pairing.instance import Instance

SUB_TIME_LIMIT = 1.0
"""Time limit of one neighbourhood [s]."""


def improve_plan(model: PairingModel, inst: Instance, x: NDArray[np.float64], *,
                 time_limit: float, seed: int = 0, recipients: int = 4
                 ) -> tuple[NDArray[np.float64], float]:
    """Improve a feasible solution vector of the compact model.

    Parameters
    ----------
    model : PairingModel
    inst : Instance
    x : array
        A feasible solution (all columns).
    time_limit : float
        Wall-clock budget [s].
    seed : int
        Seed of the random choice of neighbourhoods.
    recipients : int
        Recipients whose pairs are freed together.

    Returns
    -------
    x : array
        The best solution found (at least as good).
    objective : float
        Its objective value.
    """
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    b = model.builder
    lp = b._lp()
    cost = np.asarray(lp.col_cost_)
    best = x.copy()
    value = float(cost @ best) + b.offset
    lower = np.asarray(lp.col_lower_)
    upper = np.asarray(lp.col_upper_)
    h = new_highs()
    h.setOptionValue("mip_rel_gap", 0.0)
    h.passModel(lp)
    y = model.y.astype(np.int32)
    R = len(inst.recipients)
    pick = max(1, min(recipients, R))
    cols = np.arange(b.n_cols, dtype=np.int32)
    while time.perf_counter() - t0 < time_limit - 0.05:
        free_r = rng.choice(R, size=pick, replace=False)
        free = np.isin(inst.pair_r, free_r)
        yv = np.round(best[model.y])
        lo = np.where(free, lower[model.y], yv)
        up = np.where(free, upper[model.y], yv)
        h.changeColsBounds(y.size, y, lo, up)
        left = time_limit - (time.perf_counter() - t0)
        h.setOptionValue("time_limit", float(max(min(left, SUB_TIME_LIMIT), 0.05)))
        h.setSolution(int(cols.size), cols, best)
        h.run()
        info = h.getInfo()
        if info.primal_solution_status == 2:
            cand = np.asarray(h.getSolution().col_value, dtype=float)
            v = float(cost @ cand) + b.offset
            # the consistency check of MipBuilder.solve: HiGHS (seen with 1.16) can report
            # the optimum's value with the warm start's column values; only a plan whose own
            # value is the reported one is accepted, and at that value
            if consistent(v, float(info.objective_function_value)) and v < value - 1e-9:
                best, value = cand, v
        h.clearSolver()
    return best, value
