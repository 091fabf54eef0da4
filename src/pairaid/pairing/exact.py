"""Integer costs of any size solved exactly by float solvers (SciPy's LSAP, HiGHS, CP-SAT).

A float64 holds every integer below 2^53 exactly and no more: OR-Library costs near 10^16
came back from the solvers 3 or 4 units off and were still printed as ``optimal`` (the case
c0001 kind: lap.lapjv on costs near 10^6 first, then any solver past 2^53). An assignment or
GAP instance keeps its optima when the same constant is taken off every choice of one job
(one row or column), so the solvers get the reduced costs, which are small, and the
objective is added up again in Python integers from the original costs.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from pairaid.errors import ConfigError

EXACT_FLOAT_INT = 2**53
"""Integers below this magnitude are exact in float64 (IEEE 754: 53-bit significand) [-]."""


def exact_floats(work: NDArray[np.object_], terms: int, what: str) -> NDArray[np.float64]:
    """``work`` (Python integers, already reduced) as floats, if that is exact.

    Parameters
    ----------
    work : object array of int
        Reduced costs.
    terms : int
        Most costs one solution adds up (rows assigned; jobs of a GAP instance).
    what : str
        What the costs are, for the message (``"assignment costs"``).

    Raises
    ------
    ConfigError
        The largest reduced cost times ``terms`` reaches 2^53: sums could be inexact.
    """
    top = max((abs(int(v)) for v in work.flat), default=0)
    if top * max(terms, 1) >= EXACT_FLOAT_INT:
        raise ConfigError(
            f"{what} too far apart for an exact solve: reduced as far as the optima allow, "
            f"the largest is {top}, and {terms} of them must add up exactly below "
            f"2^53 = {EXACT_FLOAT_INT} (float64)")
    return np.asarray(work.astype(float), dtype=float)


def exact_sum(values: NDArray[np.integer]) -> int:
    """Sum of integers in Python integers (no overflow, no rounding)."""
    return sum(int(v) for v in values.flat)
