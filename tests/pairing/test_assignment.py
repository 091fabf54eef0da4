"""Linear assignment mode: OR-Library assign100 and the 1:1 pairing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from pairaid.errors import ConfigError
from pairaid.pairing import PairingOptions, solve
from pairaid.pairing.formulations.assignment import solve_assignment
from pairaid.pairing.orlib import read_orlib

from .helpers import make_problem, pair_set

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("backend", ["auto", "scipy"])
def test_assign100_reaches_known_optimum(backend):
    (inst,) = read_orlib(DATA / "assign100.txt")
    res = solve_assignment(inst.cost, backend=backend)
    assert res.objective == 305  # Beasley (1990), OR-Library assigninfo
    assert sorted(res.cols.tolist()) == list(range(100))


def test_backends_agree_and_maximise():
    rng = np.random.default_rng(3)
    c = rng.random((40, 40))
    a = solve_assignment(c, backend="scipy")
    b = solve_assignment(c)
    assert a.objective == pytest.approx(b.objective)
    r, k = linear_sum_assignment(c, maximize=True)
    assert solve_assignment(c, maximize=True).objective == pytest.approx(c[r, k].sum())
    rect = rng.random((5, 9))
    r, k = linear_sum_assignment(rect)
    assert solve_assignment(rect).objective == pytest.approx(rect[r, k].sum())


def test_bad_matrices():
    with pytest.raises(ConfigError, match="finite"):
        solve_assignment([[1.0, np.inf], [1.0, 2.0]])
    with pytest.raises(ConfigError, match="2-D"):
        solve_assignment([1.0, 2.0])


def test_one_to_one_pairing_uses_assignment_and_respects_fixed_pairs():
    p = make_problem({"A": 10, "B": 4}, {"X": 8, "Y": 3},
                     km={("A", "X"): 100, ("A", "Y"): 200, ("B", "X"): 300, ("B", "Y"): 50})
    opts = PairingOptions(max_donors_per_recipient=1)
    res = solve(p, opts)
    assert res.formulation == "assignment"
    assert pair_set(res) == {("A", "X"), ("B", "Y")}
    forced = solve(p, PairingOptions(max_donors_per_recipient=1, fixed_pairs=[("B", "X")]))
    assert pair_set(forced) == {("B", "X"), ("A", "Y")}
    # B (4) at X (8) leaves 4 short; A (10) covers Y (3)
    assert forced.measures["shortfall_staff_days"] == 4
    compact = solve(p, PairingOptions(max_donors_per_recipient=1, fixed_pairs=[("B", "X")],
                                      formulation="compact"))
    assert compact.objective == pytest.approx(forced.objective)


CASES = Path(__file__).parents[1] / "data" / "cases"


@pytest.mark.parametrize("backend", ["auto", "scipy", "lapjv"])
def test_c0001_large_costs_reach_the_true_optimum(backend):
    # c0001: lap.lapjv returned 2000058 and pairaid printed it as optimal; by hand the two
    # assignments cost 1000007 + 1000032 = 2000039 and 1000049 + 1000009 = 2000058
    (inst,) = read_orlib(CASES / "c0001" / "assign_big2.txt")
    res = solve_assignment(inst.cost, backend=backend)
    assert res.objective == 2000039
    assert res.cols.tolist() == [0, 1]


def test_c0001_solve_orlib_prints_the_true_optimum(capsys):
    from pairaid.cli import main

    assert main(["solve-orlib", str(CASES / "c0001" / "assign_big2.txt")]) == 0
    name, value, bound, status, _ = capsys.readouterr().out.split()
    assert (name, value, bound, status) == ("assign_big2", "2000039", "2000039", "optimal")


def _brute_force(c: np.ndarray, maximize: bool) -> float:
    """Best assignment by enumerating every permutation (independent of any solver)."""
    from itertools import permutations

    n_rows, n_cols = c.shape
    if n_rows <= n_cols:
        values = [c[np.arange(n_rows), list(p)].sum() for p in permutations(range(n_cols),
                                                                              n_rows)]
    else:
        values = [c[list(p), np.arange(n_cols)].sum() for p in permutations(range(n_rows),
                                                                              n_cols)]
    return float(max(values) if maximize else min(values))


@pytest.mark.parametrize("scale", [1e5, 1e6, 1e9, 1e13])
@pytest.mark.parametrize("backend", ["auto", "lapjv"])
def test_kind_large_costs_match_brute_force_and_or_tools(scale, backend):
    """Kind of c0001: no backend may return a worse assignment on large costs, whatever
    their size, sign, shape or sense. Small matrices are checked by enumeration, larger
    integer ones by OR-Tools' own assignment solver (independent of SciPy and lap)."""
    from ortools.graph.python import linear_sum_assignment as ort

    rng = np.random.default_rng(int(np.log10(scale)))
    for trial in range(150):
        n = int(rng.integers(2, 6))
        c = np.floor(scale + rng.integers(0, 100, size=(n, n))).astype(float)
        if trial % 3 == 1:
            c = -c
        maximize = trial % 5 == 4
        res = solve_assignment(c, backend=backend, maximize=maximize)
        assert res.objective == _brute_force(c, maximize), (c, maximize)
    for shape in [(3, 5), (6, 4)]:
        c = scale + rng.integers(0, 50, size=shape).astype(float)
        assert solve_assignment(c).objective == _brute_force(c, False)
    for n in (20, 60):
        c = (int(scale) + rng.integers(0, 1000, size=(n, n))).astype(np.int64)
        tool = ort.SimpleLinearSumAssignment()
        for i in range(n):
            for j in range(n):
                tool.add_arc_with_cost(i, j, int(c[i, j]))
        assert tool.solve() == tool.OPTIMAL
        res = solve_assignment(c.astype(float), backend=backend)
        assert res.objective == tool.optimal_cost()
