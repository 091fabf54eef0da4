"""Tabu search with adaptive capacity penalties for the generalized assignment problem.

A warm-start heuristic for the GAP portfolio (:mod:`pairaid.pairing.gap`): tightly
constrained instances (Chu–Beasley type D) leave HiGHS with a poor incumbent, and a
search that may cross infeasible assignments finds good ones much faster.

* Moves: *shift* (give job j to agent i) and *swap* (exchange the agents of two jobs),
  all evaluated at once with numpy.
* Penalised cost: cost + sum_i alpha_i * max(load_i - b_i, 0). After an infeasible step
  the weights of overloaded agents grow by 10 %, after a feasible step all shrink by 5 %
  (strategic oscillation around the capacity boundary, as in Yagiura, Ibaraki & Glover).
* Tabu: a job may not return to an agent it left for a random tenure of 5–15 steps,
  unless the move gives a feasible assignment better than the best found (aspiration).

References
----------
M. Yagiura, T. Ibaraki, F. Glover, "An ejection chain approach for the generalized
assignment problem", INFORMS J. Computing 16 (2004) 133-151. F. Glover, "Tabu search —
Part I", ORSA J. Computing 1 (1989) 190-206. I. H. Osman, "Heuristics for the generalised
assignment problem: simulated annealing and tabu search approaches", OR Spektrum 17
(1995) 211-225.
"""

from __future__ import annotations

import time

import numpy as np
from numpy.typing import NDArray

from pairaid.pairing.orlib import GapInstance


def tabu_search(inst: GapInstance, agent: NDArray[np.int64], *, sense: str,
                time_limit: float, seed: int = 0) -> NDArray[np.int64]:
    """Improve a feasible assignment by tabu search.

    Parameters
    ----------
    inst : GapInstance
    agent : int array (n,)
        A feasible assignment (agent of each job).
    sense : {"min", "max"}
    time_limit : float
        Wall-clock budget [s].
    seed : int
        Seed of the random tabu tenures.

    Returns
    -------
    int array (n,)
        The best feasible assignment found (at least as good as ``agent``).
    """
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    cost = inst.cost.astype(float) * (1.0 if sense == "min" else -1.0)
    w = inst.weight.astype(float)
    cap = inst.capacity.astype(float)
    m, n = cost.shape
    jobs = np.arange(n)
    cur = agent.copy()
    load = np.bincount(cur, weights=w[cur, jobs], minlength=m)
    best = cur.copy()
    best_val = float(cost[cur, jobs].sum())
    alpha = np.full(m, float(np.abs(cost).mean() / max(w.mean(), 1e-9)))
    tabu = np.zeros((m, n), dtype=np.int64)
    step = 0
    while time.perf_counter() - t0 < time_limit:
        step += 1
        own_c = cost[cur, jobs]
        own_w = w[cur, jobs]
        over = np.maximum(load - cap, 0.0)
        # shifts: job j to agent i
        load_to = load[:, None] + w  # (m, n)
        pen_to = alpha[:, None] * (np.maximum(load_to - cap[:, None], 0.0) - over[:, None])
        left = load[cur] - own_w
        pen_from = alpha[cur] * (np.maximum(left - cap[cur], 0.0) - over[cur])
        d_shift = cost - own_c[None, :] + pen_to + pen_from[None, :]
        d_shift[cur, jobs] = np.inf
        over_after = (over.sum() - over[cur][None, :] - over[:, None]
                      + np.maximum(left - cap[cur], 0.0)[None, :]
                      + np.maximum(load_to - cap[:, None], 0.0))
        # swaps: j1 -> agent of j2, j2 -> agent of j1
        x = cost[cur, :]  # x[j2, j1] = cost[agent(j2), j1]
        y = w[cur, :]
        d_cost_swap = x.T + x - own_c[:, None] - own_c[None, :]
        load1 = load[cur][:, None] - own_w[:, None] + y  # agent of j1 after the swap
        load2 = load[cur][None, :] - own_w[None, :] + y.T  # agent of j2 after the swap
        a1 = cur[:, None]
        a2 = cur[None, :]
        d_swap = d_cost_swap + alpha[a1] * (np.maximum(load1 - cap[a1], 0.0) - over[a1]) \
            + alpha[a2] * (np.maximum(load2 - cap[a2], 0.0) - over[a2])
        same = a1 == a2
        d_swap[same] = np.inf
        d_swap[np.tril_indices(n)] = np.inf
        # tabu status and aspiration (a feasible result better than the best)
        cur_val = float(own_c.sum())
        shift_tabu = tabu > step
        aspire = (over_after <= 1e-9) & (cur_val + cost - own_c[None, :] < best_val - 1e-9)
        d_shift_eff = np.where(shift_tabu & ~aspire, np.inf, d_shift)
        swap_tabu = tabu[cur[None, :], jobs[:, None]] > step  # j1 -> agent(j2)
        swap_tabu |= tabu[cur[:, None], jobs[None, :]] > step  # j2 -> agent(j1)
        d_swap_eff = np.where(swap_tabu, np.inf, d_swap)
        i_s = int(np.argmin(d_shift_eff))
        i_w = int(np.argmin(d_swap_eff))
        bs = d_shift_eff.flat[i_s]
        bw = d_swap_eff.flat[i_w]
        if not np.isfinite(bs) and not np.isfinite(bw):
            tabu[:] = 0
            continue
        tenure = int(rng.integers(5, 16))
        if bs <= bw:
            i, j = divmod(i_s, n)
            old = cur[j]
            tabu[old, j] = step + tenure
            load[old] -= w[old, j]
            load[i] += w[i, j]
            cur[j] = i
        else:
            j1, j2 = divmod(i_w, n)
            g1, g2 = cur[j1], cur[j2]
            tabu[g1, j1] = step + tenure
            tabu[g2, j2] = step + tenure
            load[g1] += w[g1, j2] - w[g1, j1]
            load[g2] += w[g2, j1] - w[g2, j2]
            cur[j1], cur[j2] = g2, g1
        over = load - cap
        if (over <= 1e-9).all():
            val = float(cost[cur, jobs].sum())
            if val < best_val - 1e-9:
                best, best_val = cur.copy(), val
            alpha *= 0.95
        else:
            alpha[over > 1e-9] *= 1.1
        alpha = np.maximum(alpha, 1e-6)
    return best
