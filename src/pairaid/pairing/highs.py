"""A thin, vectorised bridge from numpy arrays to the HiGHS MIP solver (``highspy``).

The pairing models and the generalized-assignment mode build their constraint matrices as
coordinate (COO) triplets with numpy, hand them to :class:`MipBuilder`, and get back a
:class:`MipSolution`. Nothing here knows about donors or recipients.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import highspy
import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

INF = highspy.kHighsInf
_banner_shown = False
_scheduler = threading.local()  # .threads: what pairaid last set this thread's scheduler up for


def scheduler_set_for(threads: int | None) -> bool:
    """Whether pairaid last set HiGHS' scheduler up for ``threads`` threads (see
    :func:`set_scheduler_threads`)."""
    return getattr(_scheduler, "threads", "unset") == threads


def set_scheduler_threads(threads: int | None) -> None:
    """Have the calling thread's HiGHS task scheduler run ``threads`` threads from its
    next solve on (``None``: HiGHS' default, one per core).

    HiGHS (1.16) sets a scheduler up per calling thread, at its first solve, for that
    solve's ``threads`` option, and refuses a later solve in the thread asking for another
    number; this resets it (``Highs.resetGlobalScheduler``, waiting for its worker threads
    to end) when pairaid last set this thread's up for another number or never did. No
    HiGHS solve may be running on this scheduler while it resets.
    """
    if scheduler_set_for(threads):
        return
    highspy.Highs.resetGlobalScheduler(True)
    _scheduler.threads = threads


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance.

    HiGHS prints a copyright banner on standard output (at the C level) when the first
    instance of a process is created; that would corrupt machine-read output such as
    ``pairaid solve-orlib``'s lines, so the first construction runs with file descriptor 1
    pointed at ``os.devnull``.
    """
    global _banner_shown
    if _banner_shown:
        h = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _banner_shown = True
    h.setOptionValue("output_flag", False)
    return h


class SolveStatus(StrEnum):
    """Outcome of a solve, in the words a planner reads.

    ``optimal`` means proven optimal: the plan's objective is within :data:`PROVEN_GAP` of
    the bound; ``optimal_within_gap`` means the solver stopped because the requested
    relative gap (``mip_rel_gap`` > 0) was reached, so the plan is proven only within its
    ``mip_gap`` of the best possible (HiGHS, like Gurobi, calls this "optimal":
    ERGO-Code/HiGHS#1147); ``time_limit_feasible`` means the time limit stopped the search
    with a feasible plan whose distance to the best bound is reported as ``mip_gap``;
    ``feasible`` means a plan from a method that certifies a bound but does not search to
    optimality (the large-scale transportation method), again with its ``mip_gap``.
    """

    OPTIMAL = "optimal"
    OPTIMAL_WITHIN_GAP = "optimal_within_gap"
    FEASIBLE = "feasible"
    TIME_LIMIT_FEASIBLE = "time_limit_feasible"
    TIME_LIMIT_NO_SOLUTION = "time_limit_no_solution"
    INFEASIBLE = "infeasible"
    ERROR = "error"

    @property
    def proven(self) -> bool:
        """The solver finished: optimal, or optimal within the requested gap."""
        return self in (SolveStatus.OPTIMAL, SolveStatus.OPTIMAL_WITHIN_GAP)


PROVEN_GAP = 1e-6
"""Largest distance between a plan's objective and the bound that still counts as proven
optimal, relative to the objective or absolute [objective units] (HiGHS' default
``mip_abs_gap`` is also 1e-6)."""


def proven_status(objective: float, bound: float) -> SolveStatus:
    """``optimal`` when ``objective`` is within :data:`PROVEN_GAP` of ``bound``, else
    ``optimal_within_gap`` (for a solver that stopped on its requested gap)."""
    diff = abs(objective - bound)
    if diff <= PROVEN_GAP or diff <= PROVEN_GAP * abs(objective):
        return SolveStatus.OPTIMAL
    return SolveStatus.OPTIMAL_WITHIN_GAP


def consistent(at_x: float, reported: float) -> bool:
    """Whether the objective computed from a solution's column values (``at_x``) is the
    value HiGHS reported for it, within 1e-6 relative (or absolute below 1). Every
    warm-started HiGHS result passes through this check: HiGHS (seen with 1.16) can report
    the optimum's value but return the warm start's column values."""
    return abs(at_x - reported) <= 1e-6 * max(1.0, abs(reported))


@dataclass(frozen=True)
class MipSolution:
    """Raw solution of a model built by :class:`MipBuilder`.

    ``x`` is ``None`` when no feasible point was found. ``objective`` and ``bound`` are in
    the model's sense (so for maximisation ``bound >= objective``).
    """

    status: SolveStatus
    x: NDArray[np.float64] | None
    objective: float
    bound: float
    mip_gap: float
    seconds: float
    solver: str = "highs"


@dataclass
class MipBuilder:
    """Collects variables and constraints as arrays, then solves with HiGHS.

    Examples
    --------
    >>> b = MipBuilder()
    >>> x = b.add_vars(2, cost=[-1.0, -1.0], upper=1.0, integer=True)
    >>> b.add_rows(rows=[0, 0], cols=x, vals=[1.0, 1.0], lower=[-INF], upper=[1.0])
    array([0])
    >>> b.solve().objective
    -1.0
    """

    cost: list[NDArray[np.float64]] = field(default_factory=list)
    lower: list[NDArray[np.float64]] = field(default_factory=list)
    upper: list[NDArray[np.float64]] = field(default_factory=list)
    integer: list[NDArray[np.bool_]] = field(default_factory=list)
    n_cols: int = 0
    n_rows: int = 0
    offset: float = 0.0
    maximize: bool = False
    _coo_r: list[NDArray[np.int64]] = field(default_factory=list)
    _coo_c: list[NDArray[np.int64]] = field(default_factory=list)
    _coo_v: list[NDArray[np.float64]] = field(default_factory=list)
    _row_lo: list[NDArray[np.float64]] = field(default_factory=list)
    _row_up: list[NDArray[np.float64]] = field(default_factory=list)

    def add_vars(
        self,
        n: int,
        *,
        cost: ArrayLike = 0.0,
        lower: ArrayLike = 0.0,
        upper: ArrayLike = INF,
        integer: bool = False,
    ) -> NDArray[np.int64]:
        """Add ``n`` columns; return their indices."""
        idx = np.arange(self.n_cols, self.n_cols + n, dtype=np.int64)
        self.cost.append(np.broadcast_to(np.asarray(cost, dtype=float), (n,)).copy())
        self.lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (n,)).copy())
        self.upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (n,)).copy())
        self.integer.append(np.full(n, integer, dtype=bool))
        self.n_cols += n
        return idx

    def add_rows(
        self,
        *,
        rows: ArrayLike,
        cols: ArrayLike,
        vals: ArrayLike,
        lower: ArrayLike,
        upper: ArrayLike,
    ) -> NDArray[np.int64]:
        """Add constraints ``lower <= A x <= upper`` given as COO triplets.

        ``rows`` are local row numbers ``0..len(lower)-1``; duplicates are summed.
        Returns the global indices of the new rows.
        """
        lo = np.atleast_1d(np.asarray(lower, dtype=float))
        up = np.broadcast_to(np.asarray(upper, dtype=float), lo.shape).copy()
        r = np.asarray(rows, dtype=np.int64)
        c = np.asarray(cols, dtype=np.int64)
        v = np.broadcast_to(np.asarray(vals, dtype=float), r.shape).copy()
        self._coo_r.append(r + self.n_rows)
        self._coo_c.append(c)
        self._coo_v.append(v)
        self._row_lo.append(lo)
        self._row_up.append(up)
        idx = np.arange(self.n_rows, self.n_rows + lo.size, dtype=np.int64)
        self.n_rows += lo.size
        return idx

    def _lp(self) -> highspy.HighsLp:
        lp = highspy.HighsLp()
        lp.num_col_ = self.n_cols
        lp.num_row_ = self.n_rows
        cat = np.concatenate
        lp.col_cost_ = cat(self.cost) if self.cost else np.zeros(0)
        lp.col_lower_ = cat(self.lower) if self.lower else np.zeros(0)
        lp.col_upper_ = cat(self.upper) if self.upper else np.zeros(0)
        lp.row_lower_ = cat(self._row_lo) if self._row_lo else np.zeros(0)
        lp.row_upper_ = cat(self._row_up) if self._row_up else np.zeros(0)
        lp.offset_ = self.offset
        lp.sense_ = highspy.ObjSense.kMaximize if self.maximize else highspy.ObjSense.kMinimize
        if self._coo_r:
            a = sp.csc_matrix(
                (cat(self._coo_v), (cat(self._coo_r), cat(self._coo_c))),
                shape=(self.n_rows, self.n_cols),
            )
            a.sum_duplicates()
        else:
            a = sp.csc_matrix((self.n_rows, self.n_cols))
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data.astype(float)
        ints = cat(self.integer) if self.integer else np.zeros(0, dtype=bool)
        if ints.any():
            lp.integrality_ = [
                highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                for i in ints
            ]
        return lp

    def solve(
        self,
        *,
        time_limit: float = 60.0,
        mip_rel_gap: float = 0.0,
        threads: int | None = None,
        start: NDArray[np.float64] | None = None,
        options: dict[str, bool | float | int | str] | None = None,
        on_start: Callable[[highspy.Highs], None] | None = None,
    ) -> MipSolution:
        """Solve with HiGHS and return the solution (never raises on infeasibility).

        Parameters
        ----------
        time_limit : float
            Wall-clock limit [s].
        mip_rel_gap : float
            Relative gap at which HiGHS stops and reports optimal (set explicitly: HiGHS'
            own default of 1e-4 stops short of the exact optimum).
        start : array, optional
            A warm start: values of some or all columns (NaN = not given); HiGHS
            completes a partial start by fixing the given integer values and solving an LP.
        on_start : callable, optional
            Called with the ``highspy.Highs`` object just before the solve starts, e.g. to
            keep it for ``cancelSolve()`` from another thread.
        """
        t0 = time.perf_counter()
        h = new_highs()
        h.setOptionValue("time_limit", float(time_limit))
        h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
        if threads is not None:
            h.setOptionValue("threads", int(threads))
        for key, value in (options or {}).items():
            h.setOptionValue(key, value)
        h.passModel(self._lp())
        if start is not None:
            # a partial start: HiGHS fixes the given values of the integer variables and
            # completes the rest by solving an LP
            given = np.flatnonzero(~np.isnan(start)).astype(np.int32)
            h.setSolution(int(given.size), given, start[given].astype(float))
        if on_start is not None:
            on_start(h)
        h.run()
        seconds = time.perf_counter() - t0
        model_status = h.getModelStatus()
        info = h.getInfo()
        has_x = info.primal_solution_status == 2  # kSolutionStatusFeasible
        x = np.asarray(h.getSolution().col_value, dtype=float) if has_x else None
        is_mip = bool(self.integer) and bool(np.concatenate(self.integer).any())
        objective = float(info.objective_function_value) if has_x else float("nan")
        if x is not None and start is not None:
            # HiGHS (seen with 1.16) can report the optimum's value but return the column
            # values of the warm start; the plan must be the one the value belongs to, so
            # such a result is discarded and the model solved again without the start
            at_x = float(np.dot(np.concatenate(self.cost), x)) + self.offset
            if not consistent(at_x, objective):
                left = max(time_limit - (time.perf_counter() - t0), 0.1)
                return self.solve(time_limit=left, mip_rel_gap=mip_rel_gap, threads=threads,
                                  options=options, on_start=on_start)
        if is_mip:
            bound = float(info.mip_dual_bound)
            gap = float(info.mip_gap) if has_x else float("inf")
        else:
            bound, gap = objective, 0.0
        ms = highspy.HighsModelStatus
        if model_status == ms.kOptimal or (model_status == ms.kModelEmpty):
            status = SolveStatus.OPTIMAL
            if x is None:
                x = np.zeros(self.n_cols)
                objective = bound = self.offset
                gap = 0.0
            elif is_mip:
                status = proven_status(objective, bound)
        elif model_status == ms.kInfeasible:
            status = SolveStatus.INFEASIBLE
        elif model_status in (ms.kTimeLimit, ms.kInterrupt, ms.kSolutionLimit):
            status = (
                SolveStatus.TIME_LIMIT_FEASIBLE if x is not None
                else SolveStatus.TIME_LIMIT_NO_SOLUTION
            )
        else:
            status = SolveStatus.ERROR
        if abs(gap) < 1e-12:
            gap = 0.0
        return MipSolution(status, x, objective, bound, max(gap, 0.0), seconds)
