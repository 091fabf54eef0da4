"""1:1 pairing as a linear assignment problem (LSAP).

With at most one donor per recipient and one recipient per donor (k = m = 1), no cap on
total staff and no burden terms, a donor sends a recipient all it usefully can, so the
cost of each pair is known in advance and the pairing is the linear assignment problem
on that cost matrix. It is solved by SciPy's ``linear_sum_assignment`` (an exact shortest
augmenting path method). ``lap.lapjv`` (Jonker–Volgenant) is only used when asked for by
name, and its answer is then checked against SciPy's: lap 0.5.13 treats costs near its
constant ``lap.LARGE`` (10^6) as "infinite" and returns worse assignments for such matrices
(gatagat/lap#19, case c0001), so an unchecked lapjv answer is never reported as optimal.

References
----------
R. Jonker, A. Volgenant, "A shortest augmenting path algorithm for dense and sparse linear
assignment problems", Computing 38 (1987) 325-340. D. F. Crouse, "On implementing 2D
rectangular assignment algorithms", IEEE TAES 52(4) (2016) 1679-1696 (SciPy's method).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import linear_sum_assignment

from pairaid.errors import ConfigError
from pairaid.pairing.exact import exact_floats, exact_sum
from pairaid.pairing.instance import Instance
from pairaid.pairing.types import PairingOptions
from pairaid.rounding import whole_ceil, whole_floor

try:  # optional accelerator for square matrices
    import lap as _lap
except ImportError:  # pragma: no cover - depends on the environment
    _lap = None


@dataclass(frozen=True, eq=False)
class Assignment:
    """An optimal assignment: row ``rows[i]`` goes to column ``cols[i]``.

    ``backend`` is the solver whose answer is returned (``"scipy"``); ``checked`` says how
    optimality is known: ``"scipy"`` (SciPy's exact method), ``"lapjv=scipy"`` (lapjv's
    answer equals SciPy's optimum) or ``"lapjv>scipy"`` (lapjv's answer was worse and SciPy's
    is returned instead).
    """

    rows: NDArray[np.int64]
    cols: NDArray[np.int64]
    objective: float
    seconds: float
    backend: str
    checked: str = "scipy"


def _integer_work(c: NDArray[np.integer], maximize: bool) -> NDArray[np.float64]:
    """A float matrix with the same optimal assignments as the integer matrix ``c``.

    Each row's minimum (every row is assigned when rows <= columns) and each column's
    minimum (when columns <= rows) is taken off in exact integer arithmetic: that changes
    every assignment's cost by the same constant, so the optimal assignments stay the same,
    and the numbers left are small (:mod:`pairaid.pairing.exact`).

    Raises
    ------
    ConfigError
        The reduced costs are too far apart for exact float64 arithmetic.
    """
    work = c.astype(object)
    if maximize:
        work = -work
    rows, cols = work.shape
    if rows and cols:
        if rows <= cols:
            work = work - work.min(axis=1, keepdims=True)
        if cols <= rows:
            work = work - work.min(axis=0, keepdims=True)
    return exact_floats(work, min(rows, cols), "assignment costs")


def solve_assignment(cost: ArrayLike, *, maximize: bool = False,
                     backend: str = "auto") -> Assignment:
    """Solve a linear assignment problem exactly.

    Parameters
    ----------
    cost : 2-D array
        Cost (or profit, with ``maximize``) of row i with column j; finite numbers.
        Rectangular matrices assign every row (or every column, whichever is fewer).
        An integer matrix is solved exactly whatever its magnitude (OR-Library files hold
        integers): each row's and column's minimum is taken off in integer arithmetic
        first, and the objective is added up in Python integers (float64 holds integers
        exactly only below 2^53; costs near 10^16 came out wrong and labelled optimal, the
        case c0001 kind).
    maximize : bool
    backend : {"auto", "scipy", "lapjv"}
        ``auto`` and ``scipy``: SciPy's ``linear_sum_assignment``. ``lapjv``: ``lap.lapjv``
        (square matrices, ``lap`` installed), whose answer is checked against SciPy's and
        replaced by it when worse (see :class:`Assignment`).

    Returns
    -------
    Assignment
        ``objective`` is an ``int`` for an integer matrix, else a ``float``.

    Raises
    ------
    ConfigError
        Non-finite costs, a non-2-D matrix, an unknown or unavailable backend, or integer
        costs too far apart for an exact solve (reduced costs times the number of rows
        or columns assigned reaching 2^53).
    """
    raw = np.asarray(cost)
    integer = raw.dtype.kind in "iu"
    c = raw if integer else np.asarray(raw, dtype=float)
    if c.ndim != 2:
        raise ConfigError(f"an assignment cost matrix must be 2-D, got shape {c.shape}")
    if not integer and not np.isfinite(c).all():
        raise ConfigError("an assignment cost matrix must hold finite numbers only")
    if backend not in ("auto", "scipy", "lapjv"):
        raise ConfigError(f"backend must be auto, scipy or lapjv, got {backend!r}")
    square = c.shape[0] == c.shape[1]
    if backend == "lapjv" and (_lap is None or not square):
        raise ConfigError("backend 'lapjv' needs the 'lap' package and a square matrix")

    def total(r: NDArray[np.int64], k: NDArray[np.int64]) -> float:
        if integer:  # Python integers: exact at any size
            return exact_sum(c[r, k])
        return float(c[r, k].sum())

    t0 = time.perf_counter()
    if integer:
        work = _integer_work(c, maximize)
    else:
        work = -c if maximize else c
    r, k = linear_sum_assignment(work)
    rows, cols = r.astype(np.int64), k.astype(np.int64)
    best = total(rows, cols)
    checked = "scipy"
    if backend == "lapjv" and _lap is not None and c.shape[0] > 1:
        _, x, _ = _lap.lapjv(np.ascontiguousarray(work))
        lap_cols = np.asarray(x, dtype=np.int64)
        lap_rows = np.arange(c.shape[0], dtype=np.int64)
        value = total(lap_rows, lap_cols)
        worse = (value < best) if maximize else (value > best)
        if not worse:
            rows, cols, best, checked = lap_rows, lap_cols, value, "lapjv=scipy"
        else:
            checked = "lapjv>scipy"
    seconds = time.perf_counter() - t0
    return Assignment(rows, cols, best, seconds, "scipy" if checked != "lapjv=scipy"
                      else "lapjv", checked)


def applicable(inst: Instance, options: PairingOptions) -> bool:
    """Whether the 1:1 pairing is exactly an assignment problem here (not under the
    team rule, which ties a pair's doctors to its nurses: :mod:`pairaid.pairing.teams`)."""
    return (not inst.exact and inst.team is None and bool((inst.k <= 1).all())
            and bool((inst.m <= 1).all())
            and bool((inst.lo <= 1).all()) and options.max_total_sent is None
            and options.burden_max_weight == 0 and options.burden_deviation_weight == 0)


def pair_costs(inst: Instance, options: PairingOptions) -> NDArray[np.float64]:
    """Objective change of each candidate pair when its donor alone supports the recipient
    (shortfall removed is negative, distance and stability costs positive)."""
    cap = whole_floor(inst.capacity) if options.integer_flows else inst.capacity
    peak = inst.gaps.max(axis=2, initial=0.0)
    top = whole_ceil(peak) if options.integer_flows else peak
    d, r = inst.pair_d, inst.pair_r
    got = np.minimum(cap[d], top[r])[:, :, None]
    g = inst.gaps[r]
    saved = (g - np.maximum(g - got, 0.0)).sum(axis=2) @ inst.weights
    cost = options.distance_weight * inst.pair_dist - saved
    if inst.n_previous > 0:
        cost = cost + np.where(inst.previous, -options.change_cost, options.change_cost)
    return np.asarray(cost)


def solve_one_to_one(inst: Instance, options: PairingOptions
                     ) -> tuple[NDArray[np.bool_], NDArray[np.float64], float]:
    """Optimal 1:1 pairing by linear assignment.

    Rows are donors plus one "no donor" row per recipient (cost 0, forbidden for
    recipients that need a donor); forbidden or missing pairs cost a large constant, and
    a fixed pair blocks every other entry of its row and column.

    Returns
    -------
    chosen : bool array (P,)
    q : float array (P, S)
        Each chosen donor sends all it usefully can [staff].
    seconds : float
        Time of the assignment solver [s].
    """
    D, R, S = len(inst.donors), len(inst.recipients), len(inst.resources)
    cost = pair_costs(inst, options)
    big = 1e3 * (np.abs(cost).sum() + 1.0)
    mat = np.full((D + R, R), big)
    mat[inst.pair_d, inst.pair_r] = cost
    mat[D + np.arange(R), np.arange(R)] = np.where(inst.lo > 0, big, 0.0)
    mat[:D][inst.m == 0] = big
    for p in np.flatnonzero(inst.fixed):
        d, r = inst.pair_d[p], inst.pair_r[p]
        keep = mat[d, r]
        mat[d, :] = big
        mat[:, r] = big
        mat[d, r] = keep
    res = solve_assignment(mat)
    index = -np.ones((D, R), dtype=np.int64)
    index[inst.pair_d, inst.pair_r] = np.arange(inst.pair_d.size)
    chosen = np.zeros(inst.pair_d.size, dtype=bool)
    for row, col in zip(res.rows, res.cols, strict=True):
        if row < D and index[row, col] >= 0 and mat[row, col] < big:
            chosen[index[row, col]] = True
    cap = whole_floor(inst.capacity) if options.integer_flows else inst.capacity
    peak = inst.gaps.max(axis=2, initial=0.0)
    top = whole_ceil(peak) if options.integer_flows else peak
    q = np.zeros((inst.pair_d.size, S))
    q[chosen] = np.minimum(cap[inst.pair_d[chosen]], top[inst.pair_r[chosen]])
    return chosen, q, res.seconds
