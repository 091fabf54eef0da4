"""Column generation over donor sets (pairaid.pairing.formulations.colgen): a valid and
tighter bound."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings

from pairaid.pairing import PairingOptions, solve
from pairaid.pairing.formulations.colgen import applicable, set_bound
from pairaid.pairing.formulations.model import build_model
from pairaid.pairing.instance import build_instance

from .helpers import make_problem, solved_many_to_many
from .test_properties import instances


def _compact_lp(inst, options) -> float:
    """The compact model's linear relaxation (every variable continuous)."""
    b = build_model(inst, options).builder
    b.integer = [np.zeros_like(i) for i in b.integer]
    return b.solve(time_limit=30).objective


def _hand_case():
    """One recipient with gaps 8 and 2 on two days, one donor with 8 nurses 1,000 km away
    at 0.012 per km (a pair costs 12), k = 1, m = 2, no donor required.

    By hand: sending all 8 costs 12 + shortfall 0 = 12, sending nothing costs shortfall
    8 + 2 = 10, so the optimum is 10. The compact relaxation takes y = 1/4 of the pair and
    2 staff: 12/4 + shortfall (6 + 0) = 9. The donor-set relaxation mixes only whole
    choices (no pair: 10; the pair: at least 12), so its bound is 10."""
    problem = make_problem({"A": 8}, {"X": [8, 2]}, km=1000.0)
    options = PairingOptions(max_donors_per_recipient=1, max_recipients_per_donor=2,
                             min_donors_per_recipient=0, distance_weight=0.012,
                             time_limit=30)
    return problem, options


def test_set_bound_is_tighter_than_the_compact_relaxation_by_hand():
    problem, options = _hand_case()
    inst = build_instance(problem, options)
    assert applicable(inst)
    assert abs(_compact_lp(inst, options) - 9.0) < 1e-6
    sb = set_bound(inst, options, time_limit=10)
    assert sb.converged
    assert abs(sb.bound - 10.0) < 1e-6


def test_solve_reports_the_set_bound_and_proves_the_hand_optimum():
    problem, options = _hand_case()
    res = solve(problem, options)
    assert abs(res.objective - 10.0) < 1e-6
    assert abs(res.bound - 10.0) < 1e-6
    assert res.status.value == "optimal"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_set_bound_never_exceeds_the_optimum_nor_falls_below_the_relaxation(case):
    """On small random problems HiGHS proves the optimum of the compact model; the
    donor-set bound must lie between the compact relaxation and that optimum."""
    inst, options, res = solved_many_to_many(case)
    sb = set_bound(inst, options, time_limit=10)
    tol = 1e-6 * max(1.0, abs(res.objective))
    assert sb.bound <= res.objective + tol
    assert sb.bound >= _compact_lp(inst, options) - tol
