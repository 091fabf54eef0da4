"""Whole staff from computed quantities: one rounding rule with a stated tolerance.

Staff figures are computed in floating point (ratios × census, shares × headcounts), so a
value that is mathematically a whole number can arrive a hair off it: 28 − 0.23 × 100 is
4.9999999999999964 because 0.95 × 0.2 + 0.05 × 0.8 is held as 0.23000000000000004. Rounding
that *down* without a tolerance loses a whole person (case c0013; the same issue is discussed
for solver output in ERGO-Code/HiGHS#1292 and #1626). Every place where a quantity becomes
whole staff goes through this module.

The tolerance is relative: a value within ``WHOLE_TOL × max(1, |x|)`` of a whole number *is*
that whole number. 1e-9 is far above the residue of the double-precision arithmetic used here
(about 1e-16 relative per operation) and far below any real fraction of a person.
"""

from __future__ import annotations

from typing import overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

WHOLE_TOL = 1e-9
"""Relative tolerance [fraction of max(1, |x|)] within which a value counts as whole."""


def _tol(x: NDArray[np.float64]) -> NDArray[np.float64]:
    return WHOLE_TOL * np.maximum(1.0, np.abs(x))


@overload
def whole_floor(x: float) -> float: ...
@overload
def whole_floor(x: NDArray[np.float64]) -> NDArray[np.float64]: ...
def whole_floor(x: ArrayLike) -> float | NDArray[np.float64]:
    """Whole staff that ``x`` [staff] can supply: floor with the tolerance.

    >>> whole_floor(28 - 0.23000000000000004 * 100)
    5.0
    >>> whole_floor(4.5)
    4.0
    """
    a = np.asarray(x, dtype=float)
    out = np.floor(a + _tol(a))
    return float(out) if out.ndim == 0 else out


@overload
def whole_ceil(x: float) -> float: ...
@overload
def whole_ceil(x: NDArray[np.float64]) -> NDArray[np.float64]: ...
def whole_ceil(x: ArrayLike) -> float | NDArray[np.float64]:
    """Whole staff that cover ``x`` [staff]: ceiling with the tolerance.

    >>> whole_ceil(5.000000000000028)
    5.0
    >>> whole_ceil(4.2)
    5.0
    """
    a = np.asarray(x, dtype=float)
    out = np.ceil(a - _tol(a))
    return float(out) if out.ndim == 0 else out


@overload
def snap_whole(x: float) -> float: ...
@overload
def snap_whole(x: NDArray[np.float64]) -> NDArray[np.float64]: ...
def snap_whole(x: ArrayLike) -> float | NDArray[np.float64]:
    """``x`` with float residue removed: values within the tolerance of a whole number become it.

    Other values are returned unchanged (a need of 230.69 staff stays 230.69).

    >>> snap_whole(2.8e-14)
    0.0
    >>> snap_whole(5.000000000000028)
    5.0
    >>> snap_whole(230.69)
    230.69
    """
    a = np.asarray(x, dtype=float)
    r = np.round(a)
    out = np.where(np.abs(a - r) <= _tol(a), r, a) + 0.0  # + 0.0 turns -0.0 into 0.0
    return float(out) if out.ndim == 0 else out
