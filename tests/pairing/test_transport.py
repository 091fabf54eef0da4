"""The large-scale transportation method: valid bound, feasible plan, small gap."""

from __future__ import annotations

import numpy as np
import pytest

from pairaid.pairing import PairingOptions, solve
from pairaid.pairing.analysis.evaluate import evaluate_plan
from pairaid.pairing.instance import build_instance
from pairaid.pairing.search.transport import solve_transport

from .helpers import make_problem


def random_problem(nd, nr, seed):
    rng = np.random.default_rng(seed)
    cap = {f"D{i}": {"doctors": int(rng.integers(0, 30)), "nurses": int(rng.integers(0, 60))}
           for i in range(nd)}
    gaps = {f"R{j}": {"doctors": rng.integers(0, 12, 3).tolist(),
                      "nurses": rng.integers(0, 25, 3).tolist()} for j in range(nr)}
    km = {(d, r): float(rng.uniform(10, 1500)) for d in cap for r in gaps}
    return make_problem(cap, gaps, km=km)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bound_below_exact_optimum_and_plan_feasible(seed):
    p = random_problem(6, 12, seed)
    opts = PairingOptions(max_donors_per_recipient=2, max_recipients_per_donor=4)
    exact = solve(p, PairingOptions(max_donors_per_recipient=2, max_recipients_per_donor=4,
                                    formulation="compact"))
    inst = build_instance(p, opts)
    chosen, q, bound = solve_transport(inst, opts)
    plan = evaluate_plan(inst, opts, chosen, q)
    assert bound <= exact.objective + 1e-6 <= plan.objective + 2e-6
    # limits and capacity hold
    assert (np.bincount(inst.pair_r[chosen], minlength=12) <= 2).all()
    assert (np.bincount(inst.pair_d[chosen], minlength=6) <= 4).all()
    assert (np.bincount(inst.pair_r[chosen], minlength=12)[inst.needs] >= 1).all()
    sent = np.zeros_like(inst.capacity)
    np.add.at(sent, inst.pair_d, q)
    assert (sent <= inst.capacity + 1e-9).all()
    assert (q[~chosen] == 0).all()


def test_forced_transport_reports_gap():
    p = random_problem(5, 12, 4)
    res = solve(p, PairingOptions(max_recipients_per_donor=4, formulation="transport"))
    exact = solve(p, PairingOptions(max_recipients_per_donor=4, formulation="compact",
                                    time_limit=600))
    assert exact.status.value == "optimal"
    assert res.formulation == "transport"
    assert res.bound_source == "transport bound, gap recomputed"
    # the bound is a valid lower bound and the plan no better than the exact optimum, so the
    # reported gap covers the plan's true distance from the optimum
    assert res.bound <= exact.objective + 1e-6 <= res.objective + 2e-6
    assert res.mip_gap * abs(res.objective) >= res.objective - exact.objective - 1e-6
    assert (res.status.value == "optimal") == (res.mip_gap <= 1e-6)
    assert res.status.value != "optimal" or res.objective == pytest.approx(exact.objective)
