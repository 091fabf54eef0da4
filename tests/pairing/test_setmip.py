"""The donor-set MIP (pairaid.pairing.formulations.setmip): the optimum of a hand-sized
case found by brute force, and bounds that never pass a feasible plan."""

from __future__ import annotations

from itertools import product

import numpy as np
from hypothesis import HealthCheck, given, settings

from pairaid.pairing import PairingOptions, solve
from pairaid.pairing.analysis.evaluate import evaluate_plan
from pairaid.pairing.formulations.colgen import set_bound
from pairaid.pairing.formulations.setmip import search_sets
from pairaid.pairing.instance import build_instance
from pairaid.pairing.search.greedy import greedy_plan

from .helpers import make_problem, solved_many_to_many
from .test_properties import instances


def _brute_force(inst, options) -> float:
    """The optimum by enumeration: every choice of pairs within the degree limits and
    every whole-staff flow along them (one resource), each plan priced by
    evaluate_plan (not by any model)."""
    P, R, D = inst.pair_d.size, len(inst.recipients), len(inst.donors)
    cap = np.floor(inst.capacity[:, 0])
    peak = np.ceil(inst.gaps[:, 0].max(axis=1))
    best = np.inf
    for mask in product([False, True], repeat=P):
        chosen = np.asarray(mask, dtype=bool)
        deg_r = np.bincount(inst.pair_r[chosen], minlength=R)
        deg_d = np.bincount(inst.pair_d[chosen], minlength=D)
        if (deg_r > inst.k).any() or (deg_r < inst.lo).any() or (deg_d > inst.m).any():
            continue
        idx = np.flatnonzero(chosen)
        ranges = [range(int(min(cap[inst.pair_d[p]], peak[inst.pair_r[p]])) + 1)
                  for p in idx]
        for flows in product(*ranges):
            q = np.zeros((P, 1))
            q[idx, 0] = flows
            if (np.bincount(inst.pair_d, weights=q[:, 0], minlength=D) > cap).any():
                continue
            if (np.bincount(inst.pair_r, weights=q[:, 0], minlength=R) > peak).any():
                continue
            best = min(best, evaluate_plan(inst, options, chosen, q).objective)
    return float(best)


def _hand_case():
    """Three donors (5, 3 and 2 nurses) and two recipients (gaps 6, 4, 2 and 4, 4, 1 over
    three days); k = 2, m = 2, at least one donor each, 0.001 per km. Capacity (10) just
    covers the peaks (6 + 4), so no shortfall needs A split: A sends 4 to X and 1 to Y,
    C 2 to X, B 3 to Y, 900 km, objective 0.9 (found by the enumeration below). The
    greedy plan costs 2.9 and the donor-set bound is 0.86 (compact relaxation 0.65), so
    the set MIP has a gap to close."""
    problem = make_problem({"A": 5, "B": 3, "C": 2}, {"X": [6, 4, 2], "Y": [4, 4, 1]},
                           km={("A", "X"): 100.0, ("A", "Y"): 300.0, ("B", "X"): 200.0,
                               ("B", "Y"): 100.0, ("C", "X"): 400.0, ("C", "Y"): 500.0})
    options = PairingOptions(max_donors_per_recipient=2, max_recipients_per_donor=2,
                             time_limit=30)
    return problem, options


def test_set_search_returns_the_brute_force_optimum_and_a_bound_below_it():
    problem, options = _hand_case()
    inst = build_instance(problem, options)
    best = _brute_force(inst, options)
    sb = set_bound(inst, options, time_limit=10)
    plan = greedy_plan(inst, options)
    value = evaluate_plan(inst, options, *plan).objective
    found = search_sets(inst, options, sb, plan, value, time_limit=20)
    assert found.plan is not None
    tol = 1e-6 * max(1.0, best)
    assert abs(evaluate_plan(inst, options, *found.plan).objective - best) <= tol
    assert found.bound <= best + tol
    assert found.status.value == "optimal"
    assert sb.bound <= best + tol
    assert abs(best - 0.9) <= tol  # the enumeration agrees with the hand-worked plan


def test_solve_returns_the_brute_force_optimum_with_m_above_one():
    problem, options = _hand_case()
    best = _brute_force(build_instance(problem, options), options)
    res = solve(problem, options)
    tol = 1e-6 * max(1.0, best)
    assert abs(res.objective - best) <= tol
    assert res.bound <= best + tol


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_set_search_bound_never_passes_a_feasible_plan(case):
    """Random small many-to-many problems: the set search's bound lies below the greedy
    plan and below the compact model's proven optimum, and its plan is never better
    than that optimum (it is feasible) nor worse than the plan it started from."""
    inst, options, res = solved_many_to_many(case)
    sb = set_bound(inst, options, time_limit=10)
    plan = greedy_plan(inst, options)
    value = evaluate_plan(inst, options, *plan).objective
    found = search_sets(inst, options, sb, plan, value, time_limit=10)
    tol = 1e-6 * max(1.0, abs(res.objective))
    assert found.bound <= res.objective + tol
    assert found.bound <= value + tol
    assert found.plan is not None
    got = evaluate_plan(inst, options, *found.plan).objective
    assert got >= res.objective - tol
    assert got <= value + tol
