"""Integer costs of any size (pairaid.pairing.exact): the c0001 kind past 2^53.

c0001: lap.lapjv returned a worse assignment on costs near 10^6 and pairaid printed it as
optimal. The same kind, one size up: any float solver (SciPy, HiGHS, CP-SAT) rounds
integers past 2^53, so costs near 10^16 came back 1-3 units off and were still labelled
optimal (assignment and GAP). The right answers here come from enumerating every
assignment in Python integers.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from click.testing import CliRunner

from pairaid.errors import ConfigError, InputError
from pairaid.pairing.commands import solve_orlib
from pairaid.pairing.formulations.assignment import solve_assignment
from pairaid.pairing.formulations.gap import check_assignment, solve_gap
from pairaid.pairing.orlib import GapInstance, read_orlib

BASE = 10**16  # past 2^53 = 9.007e15: consecutive integers are no longer all floats


def _best_assignment(cost: list[list[int]], maximize: bool) -> int:
    if len(cost) > len(cost[0]):  # every column is assigned: enumerate from the columns
        cost = [list(col) for col in zip(*cost, strict=True)]
    rows, cols = len(cost), len(cost[0])
    values = [sum(cost[i][p[i]] for i in range(rows))
              for p in itertools.permutations(range(cols), rows)]
    return max(values) if maximize else min(values)


def test_c0001_handed_two_by_two_with_costs_near_ten_to_the_sixteen():
    # by hand: 0->0 + 1->1 = 2*BASE + 3; 0->1 + 1->0 = 2*BASE + 5
    cost = np.array([[BASE + 1, BASE + 3], [BASE + 2, BASE + 2]], dtype=np.int64)
    res = solve_assignment(cost)
    assert res.objective == 2 * BASE + 3
    assert solve_assignment(cost, maximize=True).objective == 2 * BASE + 5


@pytest.mark.parametrize("shape", [(4, 4), (3, 5), (5, 3)])
@pytest.mark.parametrize("maximize", [False, True])
def test_assignment_of_large_integers_equals_enumeration(shape, maximize):
    rng = np.random.default_rng(sum(shape) + maximize)
    for _ in range(20):
        cost = BASE + rng.integers(-50, 50, size=shape) * rng.integers(1, 1000)
        res = solve_assignment(cost, maximize=maximize)
        assert res.objective == _best_assignment(cost.tolist(), maximize)
        assert res.objective == sum(int(cost[r, k]) for r, k in zip(res.rows, res.cols,
                                                                     strict=True))


def test_assignment_costs_too_far_apart_are_refused():
    top = np.iinfo(np.int64).max
    with pytest.raises(ConfigError, match="too far apart"):
        solve_assignment(np.array([[top, 0], [0, top]], dtype=np.int64))


def _best_gap(inst: GapInstance, sense: str) -> int:
    m, n = inst.cost.shape
    values = []
    for agent in itertools.product(range(m), repeat=n):
        used = [0] * m
        for j, i in enumerate(agent):
            used[i] += int(inst.weight[i, j])
        if all(used[i] <= int(inst.capacity[i]) for i in range(m)):
            values.append(sum(int(inst.cost[i, j]) for j, i in enumerate(agent)))
    return max(values) if sense == "max" else min(values)


@pytest.mark.parametrize("method", ["highs", "cpsat", "portfolio"])
@pytest.mark.parametrize("sense", ["min", "max"])
def test_gap_of_large_integers_equals_enumeration(method, sense):
    rng = np.random.default_rng(7)
    for k in range(4):
        m, n = 3, 5
        cost = BASE * 3 + rng.integers(0, 40, size=(m, n)) * (k + 1)
        weight = rng.integers(1, 10, size=(m, n))
        inst = GapInstance(f"big{k}", cost, weight, weight.sum(axis=1) // 2 + 5)
        res = solve_gap(inst, sense=sense, time_limit=20, method=method)
        best = _best_gap(inst, sense)
        assert res.status.value == "optimal"
        assert res.objective == best == res.bound


def test_c0001_kind_solve_orlib_prints_the_exact_optimum(tmp_path):
    # the handed 2x2 as a GAP file (each agent takes one job) and as an assignment file
    gap = tmp_path / "gapd_big.txt"
    gap.write_text(f"1\n2 2\n{BASE + 1} {BASE + 3}\n{BASE + 2} {BASE + 2}\n1 1\n1 1\n1 1\n")
    out = CliRunner().invoke(solve_orlib, [str(gap), "--time-limit", "10"])
    assert out.exit_code == 0, out.output
    _, obj, bound, status, _ = out.output.split()
    assert (int(obj), int(bound), status) == (2 * BASE + 3, 2 * BASE + 3, "optimal")
    assign = tmp_path / "assign_big.txt"
    assign.write_text(f"2\n{BASE + 1} {BASE + 3}\n{BASE + 2} {BASE + 2}\n")
    _, obj, bound, status, _ = CliRunner().invoke(solve_orlib, [str(assign)]).output.split()
    assert (int(obj), int(bound), status) == (2 * BASE + 3, 2 * BASE + 3, "optimal")


def test_numbers_past_int64_are_refused_by_position(tmp_path):
    path = tmp_path / "assign_over.txt"
    path.write_text("2\n99999999999999999999 1\n1 1\n")
    with pytest.raises(InputError, match=r"number 2 \(99999999999999999999\) is outside"):
        read_orlib(path)
    out = CliRunner().invoke(solve_orlib, [str(path)])
    assert out.exit_code == 1 and "outside the 64-bit integer range" in out.output
    assert "Traceback" not in out.output


def test_c0001_kind_weight_past_2_53_never_puts_an_agent_over_capacity():
    # one job; agent 0 costs 1 but weighs 2^53 + 1 against a capacity of 2^53 (in float64
    # both are 2^53, and HiGHS put the job there: "objective 1"); agent 1 costs 5 and fits.
    # By hand the only feasible assignment is agent 1: optimum 5.
    top = 2**53
    inst = GapInstance("w53", np.array([[1], [5]]), np.array([[top + 1], [1]]),
                       np.array([top, 10]))
    for method in ("auto", "cpsat"):
        res = solve_gap(inst, sense="min", time_limit=10, method=method)
        assert (res.objective, res.bound, res.status.value) == (5, 5, "optimal")
        assert res.agent.tolist() == [1]
    for method in ("highs", "portfolio"):
        with pytest.raises(ConfigError, match="2\\^52"):
            solve_gap(inst, sense="min", time_limit=10, method=method)
    with pytest.raises(ValueError, match="capacity"):
        check_assignment(inst, np.array([0]))


@pytest.mark.parametrize("sense", ["min", "max"])
def test_gap_with_weights_and_capacities_past_2_53_equals_enumeration(sense):
    rng = np.random.default_rng(11)
    for k in range(4):
        m, n = 3, 5
        cost = rng.integers(0, 40, size=(m, n))
        weight = BASE + rng.integers(0, 9, size=(m, n))  # steps of 1 matter past 2^53
        capacity = weight.astype(object).sum(axis=1) // 2 + rng.integers(0, 3, size=m)
        inst = GapInstance(f"w{k}", cost, weight, np.asarray(capacity, dtype=np.int64))
        res = solve_gap(inst, sense=sense, time_limit=20)
        assert res.status.value == "optimal"
        assert res.objective == _best_gap(inst, sense) == res.bound


def test_capacity_written_as_no_limit_still_solves_with_highs(tmp_path):
    # capacity 10^18 ("no limit") of agent 0 cannot bind: it is lowered to 2, the sum of
    # its weights, and HiGHS solves. By hand: both jobs to agent 0 cost 1 + 2 = 3.
    path = tmp_path / "gapz_nolimit.txt"
    path.write_text("1\n2 2\n1 2\n3 4\n1 1\n1 1\n1000000000000000000 1\n")
    out = CliRunner().invoke(solve_orlib, [str(path), "--method", "highs"])
    assert out.exit_code == 0, out.output
    assert out.output.split()[1:4] == ["3", "3", "optimal"]


def test_weights_past_2_62_are_refused_in_one_line(tmp_path):
    path = tmp_path / "gapz_62.txt"
    path.write_text(f"1\n2 1\n1\n5\n{2**62}\n1\n{2**62}\n10\n")
    out = CliRunner().invoke(solve_orlib, [str(path)])
    assert out.exit_code == 1 and "too large for an exact solve" in out.output
    assert "Traceback" not in out.output
