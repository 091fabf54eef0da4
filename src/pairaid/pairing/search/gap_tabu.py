"""Tabu search over shift and swap moves for the generalized assignment problem, with
adaptive penalties on exceeded capacities (strategic oscillation).

The search keeps its own state: the agent of every job, each agent's load and a penalty
weight per agent. A *shift* moves one job to another agent; a *swap* exchanges the agents
of two jobs. Every iteration evaluates all shifts (m x n) and all swaps (n x n) at once with
numpy and makes the best one that is not tabu, scored by

    cost + sum_i w_i * max(0, load_i - b_i)

so the search may cross infeasible assignments; a job that leaves an agent may not return
to it for a random number of iterations (the tenure, :data:`TENURE`), unless that gives a
feasible assignment better than the best one found (aspiration). After each iteration
the weight of every agent over its capacity grows by :data:`PENALTY_UP` and the weight of
every other agent shrinks by :data:`PENALTY_DOWN`, so the search oscillates around the
boundary of the feasible region, where the optima of tightly constrained (Chu-Beasley
type D) instances lie. Only feasible assignments are ever reported.

This is the move structure and penalty scheme of Díaz & Fernández (2001); the moves are
those the MIP neighbourhoods of :mod:`pairaid.pairing.search.gap_lns` solve exactly on a few
jobs, made here thousands of times per second over all jobs.

References
----------
J.A. Díaz, E. Fernández, "A tabu search heuristic for the generalized assignment
problem", European Journal of Operational Research 132 (2001) 22-38.
M. Yagiura, T. Ibaraki, F. Glover, "An ejection chain approach for the generalized
assignment problem", INFORMS Journal on Computing 16 (2004) 133-151 (adaptive penalty
weights per agent).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from pairaid.pairing.orlib import GapInstance

TENURE = (0.05, 0.15)
"""Range of the tabu tenure as a share of the number of jobs n (drawn anew at each move;
at least 3 iterations)."""
PENALTY_UP = 1.2
"""Factor on an agent's penalty weight after an iteration that leaves it over capacity."""
PENALTY_DOWN = 0.95
"""Factor on an agent's penalty weight after an iteration that leaves it within capacity."""


class TabuSearch:
    """Shift/swap tabu search on one GAP instance in minimisation form.

    Parameters
    ----------
    inst : GapInstance
    sense : {"min", "max"}
        Profits are negated for ``"max"``.
    seed : int
        Seed of the tenure draws and the tie-breaking noise.
    """

    def __init__(self, inst: GapInstance, sense: str, seed: int = 0) -> None:
        self.cost = (1.0 if sense == "min" else -1.0) * inst.cost.astype(float)
        self.weight = inst.weight.astype(float)
        self.capacity = inst.capacity.astype(float)
        self.m, self.n = self.cost.shape
        self.rng = np.random.default_rng(seed)
        spread = float(np.ptp(self.cost)) or 1.0
        self.w0 = spread / max(float(self.weight.mean()), 1e-9)
        """Initial penalty weight [cost per unit of capacity]: the cost range over the mean
        weight, so that one job's worth of excess costs about as much as the largest change
        of cost one move can make."""
        self.best: NDArray[np.int64] | None = None
        self.best_value = float("inf")
        self.iteration = 0

    def reset(self, agent: NDArray[np.int64]) -> None:
        """Restart the trajectory from a feasible assignment (tabu list and penalties
        cleared); it becomes the best known when it is better."""
        self.agent = agent.astype(np.int64).copy()
        jobs = np.arange(self.n)
        self.load: NDArray[np.float64] = np.bincount(
            self.agent, weights=self.weight[self.agent, jobs], minlength=self.m
        ).astype(np.float64)
        self.penalty = np.full(self.m, self.w0)
        self.tabu = np.zeros((self.m, self.n), dtype=np.int64)
        value = float(self.cost[self.agent, jobs].sum())
        if value < self.best_value - 1e-9 and self._feasible():
            self.best, self.best_value = self.agent.copy(), value

    def _feasible(self) -> bool:
        return bool((self.load <= self.capacity + 1e-9).all())

    def run(self, iterations: int) -> bool:
        """Make ``iterations`` moves; return whether the best feasible assignment
        (:attr:`best`, :attr:`best_value`) improved."""
        improved = False
        cost, weight, cap = self.cost, self.weight, self.capacity
        jobs = np.arange(self.n)
        for _ in range(iterations):
            self.iteration += 1
            a, load, w = self.agent, self.load, self.penalty
            over = np.maximum(load - cap, 0.0)
            cur_c = cost[a, jobs]
            cur_w = weight[a, jobs]
            value = float(cur_c.sum())
            # shifts: job j to agent i
            leave = w[a] * (np.maximum(load[a] - cur_w - cap[a], 0.0) - over[a])
            arrive = w[:, None] * (np.maximum(load[:, None] + weight - cap[:, None], 0.0)
                                   - over[:, None])
            d_cost_shift = cost - cur_c
            shift = d_cost_shift + arrive + leave
            shift[a, jobs] = np.inf
            # swaps: job j to agent a_k and job k to agent a_j
            cg = cost[a, :]  # cg[j, k] = cost of job k on job j's agent
            wg = weight[a, :]
            d_cost_swap = cg.T + cg - cur_c[:, None] - cur_c[None, :]
            new_load = (load[a] - cur_w)[:, None] + wg  # load of a_j after the swap
            pen = w[a][:, None] * (np.maximum(new_load - cap[a][:, None], 0.0)
                                   - over[a][:, None])
            swap = d_cost_swap + pen + pen.T
            swap[a[:, None] == a[None, :]] = np.inf
            # tabu: a job may not go back to an agent it left recently, unless the move
            # gives a feasible assignment better than the best (aspiration)
            tabu_shift = self.tabu > self.iteration
            tabu_swap = tabu_shift[a, :].T | tabu_shift[a, :]  # j to a_k or k to a_j
            aspire_shift = self._aspire(value + d_cost_shift, shift, a, load, cur_w)
            shift = np.where(tabu_shift & ~aspire_shift, np.inf, shift)
            aspire_swap = self._aspire_swap(value + d_cost_swap, a, new_load)
            swap = np.where(tabu_swap & ~aspire_swap, np.inf, swap)
            i_s, j_s = np.unravel_index(int(np.argmin(shift)), shift.shape)
            j_w, k_w = np.unravel_index(int(np.argmin(swap)), swap.shape)
            best_shift, best_swap = shift[i_s, j_s], swap[j_w, k_w]
            if not (np.isfinite(best_shift) or np.isfinite(best_swap)):
                self.tabu[:] = 0  # every move tabu: forget the list
                continue
            if best_shift <= best_swap:
                self._move(int(j_s), int(i_s))
            else:
                p, q = int(a[j_w]), int(a[k_w])
                self._move(int(j_w), q)
                self._move(int(k_w), p)
            over_now = self.load > cap + 1e-9
            self.penalty = np.where(over_now, self.penalty * PENALTY_UP,
                                    np.maximum(self.penalty * PENALTY_DOWN, 1e-3 * self.w0))
            if not over_now.any():
                v = float(cost[self.agent, jobs].sum())
                if v < self.best_value - 1e-9:
                    self.best, self.best_value = self.agent.copy(), v
                    improved = True
        return improved

    def _aspire(self, new_value: NDArray[np.float64], shift: NDArray[np.float64],
                a: NDArray[np.int64], load: NDArray[np.float64],
                cur_w: NDArray[np.float64]) -> NDArray[np.bool_]:
        """Shifts that give a feasible assignment better than the best."""
        cap = self.capacity
        others_over = (load > cap + 1e-9).sum()
        if others_over > 1 or new_value.min() >= self.best_value - 1e-9:
            return np.zeros_like(shift, dtype=bool)
        src_ok = load[a] - cur_w <= cap[a] + 1e-9  # the job's agent within capacity after
        rest_ok = np.where(load[a] > cap[a] + 1e-9, others_over - 1, others_over) == 0
        dst_ok = load[:, None] + self.weight <= cap[:, None] + 1e-9
        return (new_value < self.best_value - 1e-9) & dst_ok & (src_ok & rest_ok)[None, :]

    def _aspire_swap(self, new_value: NDArray[np.float64], a: NDArray[np.int64],
                     new_load: NDArray[np.float64]) -> NDArray[np.bool_]:
        """Swaps that give a feasible assignment better than the best."""
        cap, load = self.capacity, self.load
        over = load > cap + 1e-9
        if over.sum() > 2 or new_value.min() >= self.best_value - 1e-9:
            return np.zeros(new_value.shape, dtype=bool)
        ok = new_load <= cap[a][:, None] + 1e-9
        both = ok & ok.T
        # any agent over capacity other than the two swapped stays over
        n_over = over.sum() - over[a][:, None].astype(int) - over[a][None, :].astype(int)
        return (new_value < self.best_value - 1e-9) & both & (n_over == 0)

    def _move(self, j: int, i: int) -> None:
        old = int(self.agent[j])
        self.load[old] -= self.weight[old, j]
        self.load[i] += self.weight[i, j]
        self.agent[j] = i
        lo, hi = TENURE
        tenure = max(3, int(self.rng.integers(int(lo * self.n), int(hi * self.n) + 1)))
        self.tabu[old, j] = self.iteration + tenure
