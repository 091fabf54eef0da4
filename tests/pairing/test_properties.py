"""Invariants of the pairing engine on random small instances (hypothesis)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from pairaid.errors import InfeasibleError
from pairaid.pairing import PairingOptions, solve
from pairaid.pairing.analysis.evaluate import evaluate_plan
from pairaid.pairing.instance import build_instance
from pairaid.pairing.search.greedy import greedy_plan

from .helpers import make_problem

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def instances(draw, max_donors=5, max_recipients=4):
    nd = draw(st.integers(1, max_donors))
    nr = draw(st.integers(1, max_recipients))
    days = draw(st.integers(1, 3))
    two = draw(st.booleans())
    res = ["doctors", "nurses"] if two else ["nurses"]
    cap = {f"D{i}": {s: draw(st.integers(0, 12)) for s in res} for i in range(nd)}
    gaps = {f"R{j}": {s: draw(st.lists(st.integers(0, 15), min_size=days, max_size=days))
                      for s in res} for j in range(nr)}
    km = {(d, r): float(draw(st.integers(1, 900))) for d in cap for r in gaps}
    weights = {s: float(draw(st.integers(1, 3))) for s in res}
    problem = make_problem(cap, gaps, km=km, weights=weights)
    k = draw(st.integers(1, 3))
    m = draw(st.integers(1, 3))
    return problem, PairingOptions(max_donors_per_recipient=k, max_recipients_per_donor=m,
                                   time_limit=600)


def solved(problem, options):
    try:
        return solve(problem, options)
    except InfeasibleError:
        assume(False)
        raise


@SETTINGS
@given(instances())
def test_limits_and_capacity_never_exceeded(case):
    problem, options = case
    res = solved(problem, options)
    assert res.status.value == "optimal"
    flows = res.flows.merge(problem.supply, on=["donor_code", "resource"], how="left")
    used = flows.groupby(["donor_code", "resource"])[["quantity", "capacity"]].agg(
        {"quantity": "sum", "capacity": "first"})
    assert (used["quantity"] <= used["capacity"] + 1e-9).all()
    assert (res.flows["quantity"] >= 0).all()
    assert (res.flows["quantity"] == np.round(res.flows["quantity"])).all()
    chosen = set(zip(res.pairs.donor_code, res.pairs.recipient_code, strict=True))
    assert set(zip(res.flows.donor_code, res.flows.recipient_code, strict=True)) <= chosen
    assert (res.pairs.groupby("recipient_code").size() <= options.max_donors_per_recipient
            ).all()
    assert (res.pairs.groupby("donor_code").size() <= options.max_recipients_per_donor).all()
    needy = set(problem.demand.loc[problem.demand.gap > 0, "recipient_code"])
    assert needy <= set(res.pairs.recipient_code)
    assert res.objective == pytest.approx(sum(res.terms.values()))
    # no worse than the greedy baseline on the same objective (an independent plan)
    from pairaid.pairing.solve import solve_greedy

    assert res.objective <= solve_greedy(problem, options).objective + 1e-6


@SETTINGS
@given(instances(), st.integers(0, 4), st.integers(1, 10))
def test_adding_capacity_never_raises_optimal_shortfall(case, which, extra):
    problem, options = case
    options = replace(options, distance_weight=0.0)
    before = solved(problem, options)
    supply = problem.supply.copy()
    row = which % len(supply)
    supply.loc[row, "capacity"] += extra
    after = solve(replace(problem, supply=supply), options)
    assert after.terms["shortfall"] <= before.terms["shortfall"] + 1e-6


@SETTINGS
@given(instances())
def test_fixing_the_optimal_pairs_reproduces_the_optimum(case):
    problem, options = case
    best = solved(problem, options)
    pairs = list(zip(best.pairs.donor_code, best.pairs.recipient_code, strict=True))
    exact = solve(problem, replace(options, exact_pairs=pairs))
    fixed = solve(problem, replace(options, fixed_pairs=pairs))
    assert exact.objective == pytest.approx(best.objective, abs=1e-6)
    assert fixed.objective == pytest.approx(best.objective, abs=1e-6)


@SETTINGS
@given(instances())
def test_optimum_never_worse_than_greedy(case):
    problem, options = case
    best = solved(problem, options)
    inst = build_instance(problem, options)
    chosen, q = greedy_plan(inst, options)
    greedy = evaluate_plan(inst, options, chosen, q)
    assert best.objective <= greedy.objective + 1e-6


@SETTINGS
@given(instances(max_donors=4, max_recipients=4))
def test_subset_and_compact_formulations_agree_when_m_is_one(case):
    problem, options = case
    options = replace(options, max_recipients_per_donor=1)
    a = solved(problem, replace(options, formulation="compact"))
    b = solve(problem, replace(options, formulation="subsets"))
    assert a.objective == pytest.approx(b.objective, abs=1e-6)
    capped = replace(options, max_total_sent=float(a.measures["staff_sent"] // 2))
    c = solve(problem, replace(capped, formulation="compact"))
    d = solve(problem, replace(capped, formulation="subsets"))
    assert c.objective == pytest.approx(d.objective, abs=1e-6)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 5), st.integers(0, 3), st.randoms(use_true_random=False))
def test_one_to_one_equals_linear_sum_assignment(n_rec, more, rnd):
    # Every recipient needs 1 staff for one day, every donor has 1: any pairing covers all
    # gaps, so the 1:1 optimum is the rectangular assignment on distances.
    n_don = n_rec + more
    cost = np.asarray([[rnd.uniform(0, 1000) for _ in range(n_rec)] for _ in range(n_don)])
    km = {(f"D{i}", f"R{j}"): cost[i, j] for i in range(n_don) for j in range(n_rec)}
    problem = make_problem({f"D{i}": 1 for i in range(n_don)},
                           {f"R{j}": 1 for j in range(n_rec)}, km=km)
    rows, cols = linear_sum_assignment(cost)
    want = cost[rows, cols].sum()
    for form in ("assignment", "subsets", "compact"):
        res = solve(problem, PairingOptions(max_donors_per_recipient=1, distance_weight=1.0,
                                            formulation=form))
        assert res.terms["shortfall"] == 0
        assert res.objective == pytest.approx(want, rel=1e-9, abs=1e-6), form
