"""Linear assignment mode: OR-Library assign100 and the 1:1 pairing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from pairaid.errors import ConfigError
from pairaid.pairing import PairingOptions, solve
from pairaid.pairing.assignment import solve_assignment
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
