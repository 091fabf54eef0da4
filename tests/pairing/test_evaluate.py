"""Every term, measure and table of a plan typed in by hand (``evaluate_plan``), worked out
on paper: the figures a planner reads, checked without a solver (issue 18)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pairaid.pairing import PairingOptions, PairingProblem
from pairaid.pairing.analysis.evaluate import evaluate_plan
from pairaid.pairing.instance import build_instance

DAY0 = pd.Timestamp("2020-02-11")
DAY1 = DAY0 + pd.Timedelta(days=1)

# Donors A (4 doctors, 10 nurses), B (5 nurses), C (no staff at all); recipients X, Y over
# two days. Gaps: X doctors 3, 1; X nurses 6, 8; Y nurses 2, 0. Weights doctors 2, nurses 1.
PROBLEM = PairingProblem(
    supply=pd.DataFrame({"donor_code": ["A", "A", "B", "C"],
                         "resource": ["doctors", "nurses", "nurses", "nurses"],
                         "capacity": [4.0, 10.0, 5.0, 0.0]}),
    demand=pd.DataFrame({"recipient_code": ["X", "X", "X", "X", "Y", "Y"],
                         "resource": ["doctors", "doctors", "nurses", "nurses", "nurses",
                                      "nurses"],
                         "date": [DAY0, DAY1, DAY0, DAY1, DAY0, DAY1],
                         "gap": [3.0, 1.0, 6.0, 8.0, 2.0, 0.0]}),
    distances=pd.DataFrame({"donor_code": ["A", "A", "B", "B", "C"],
                            "recipient_code": ["X", "Y", "X", "Y", "X"],
                            "distance_km": [100.0, 200.0, 50.0, 300.0, 20.0]}),
    weights={"doctors": 2.0, "nurses": 1.0},
)
# in force: A-X (kept), B-Y (dropped) and C-Y (not even a candidate: no distance)
OPTIONS = PairingOptions(distance_weight=0.001, burden_max_weight=2.0,
                         burden_deviation_weight=3.0, change_cost=0.1,
                         previous_pairs=[("A", "X"), ("B", "Y"), ("C", "Y")],
                         keep_previous=False)


def _plan(options: PairingOptions = OPTIONS):  # type: ignore[no-untyped-def]
    inst = build_instance(PROBLEM, options)
    assert inst.resources == ("doctors", "nurses")
    names = list(zip((inst.donors[d] for d in inst.pair_d),
                     (inst.recipients[r] for r in inst.pair_r), strict=True))
    assert names == [("A", "X"), ("A", "Y"), ("B", "X"), ("B", "Y"), ("C", "X")]
    # A-X sends 2 doctors and 4 nurses, A-Y 1 nurse, B-X 3 nurses (and -0.0 doctors, as a
    # solver may write); B-Y is not chosen, so its 5 nurses must count for nothing
    chosen = np.array([True, True, True, False, False])
    q = np.array([[2.0, 4.0], [0.0, 1.0], [-0.0, 3.0], [0.0, 5.0], [0.0, 0.0]])
    return evaluate_plan(inst, options, chosen, q)


def test_terms_and_measures_of_a_plan_by_hand() -> None:
    plan = _plan()
    # received: X 2 doctors, 7 nurses; Y 1 nurse. Short: X doctors 1 (day 0), X nurses 1
    # (day 1), Y nurses 1 (day 0): 3 staff-days, weighted 1 x 2 + 2 x 1 = 4
    # km 100 + 200 + 50 = 350; burdens A max(2/4, 5/10) = 0.5, B 3/5 = 0.6, C none;
    # overall shares doctors 2/4, nurses 8/15: deviation |0.5 - 8/15| + |0.6 - 8/15| = 0.1
    # changes: A-X kept, B-Y and C-Y dropped, A-Y and B-X added: 4
    assert plan.measures == pytest.approx({
        "shortfall_staff_days": 3.0, "total_distance_km": 350.0, "max_burden": 0.6,
        "burden_deviation": 0.1, "changed_pairs": 4.0, "staff_sent": 10.0, "staff_capped": 10.0,
        "pairs": 3.0})
    assert plan.terms == pytest.approx({
        "shortfall": 4.0, "distance": 0.35, "burden_max": 1.2, "burden_deviation": 0.3,
        "stability": 0.4})
    assert plan.objective == pytest.approx(4.0 + 0.35 + 1.2 + 0.3 + 0.4)


def test_tables_of_a_plan_by_hand() -> None:
    plan = _plan()
    assert plan.pairs.to_dict("list") == {
        "donor_code": ["A", "B", "A"], "recipient_code": ["X", "X", "Y"],
        "distance_km": [100.0, 50.0, 200.0], "fixed": [False, False, False],
        "previous": [True, False, False], "sent": [6.0, 3.0, 1.0]}
    assert plan.flows.to_dict("list") == {
        "donor_code": ["A", "A", "B", "B", "A", "A"],
        "recipient_code": ["X", "X", "X", "X", "Y", "Y"],
        "resource": ["doctors", "nurses"] * 3,
        "quantity": [2.0, 4.0, 0.0, 3.0, 0.0, 1.0]}
    assert not np.signbit(plan.flows["quantity"]).any()  # no -0.0 in a written table
    for table in (plan.pairs, plan.flows, plan.shortfall, plan.burden):  # fresh 0..n-1
        assert table.index.equals(pd.RangeIndex(len(table)))
    short = plan.shortfall
    assert list(short.columns) == ["recipient_code", "resource", "date", "gap", "received",
                                   "shortfall"]
    assert short.drop(columns="date").to_dict("list") == {
        "recipient_code": ["X", "X", "X", "X", "Y", "Y"],
        "resource": ["doctors", "doctors", "nurses", "nurses", "nurses", "nurses"],
        "gap": [3.0, 1.0, 6.0, 8.0, 2.0, 0.0], "received": [2.0, 2.0, 7.0, 7.0, 1.0, 1.0],
        "shortfall": [1.0, 0.0, 0.0, 1.0, 1.0, 0.0]}
    assert short["date"].tolist() == [DAY0, DAY1, DAY0, DAY1, DAY0, DAY1]
    burden = plan.burden
    assert burden[["donor_code", "capacity", "sent"]].to_dict("list") == {
        "donor_code": ["A", "B", "C"], "capacity": [14.0, 5.0, 0.0], "sent": [7.0, 3.0, 0.0]}
    assert burden["burden"].iloc[:2].tolist() == pytest.approx([0.5, 0.6])
    assert np.isnan(burden["burden"].iloc[2])  # C has no staff: no burden, not 0


def test_without_a_plan_in_force_nothing_counts_as_changed() -> None:
    options = PairingOptions(change_cost=5.0)
    plan = _plan(options)
    assert plan.terms["stability"] == 0.0 and plan.measures["changed_pairs"] == 0.0
    # default weights: shortfall 4 + 0.001 x 350 km, no burden terms
    assert plan.objective == pytest.approx(4.35)


def test_a_plan_sending_nothing_has_zero_burden_and_the_whole_gap_short() -> None:
    inst = build_instance(PROBLEM, OPTIONS)
    plan = evaluate_plan(inst, OPTIONS, np.zeros(5, dtype=bool), np.ones((5, 2)))
    # every gap is short: doctors 3 + 1 (x 2), nurses 6 + 8 + 2: 4 x 2 + 16 = 24
    assert plan.measures["shortfall_staff_days"] == 20.0
    assert plan.terms["shortfall"] == 24.0
    assert plan.measures["max_burden"] == 0.0 and plan.measures["staff_sent"] == 0.0
    assert plan.measures["changed_pairs"] == 3.0  # the three pairs in force dropped
    assert plan.pairs.empty and plan.flows.empty


def test_one_pair_in_force_counts_its_changes() -> None:
    # only A-X in force, kept; A-Y and B-X added: 2 changes
    options = PairingOptions(change_cost=1.0, previous_pairs=[("A", "X")],
                             keep_previous=False)
    plan = _plan(options)
    assert plan.measures["changed_pairs"] == 2.0 and plan.terms["stability"] == 2.0


def test_donors_without_staff_have_no_burden_and_the_largest_is_0() -> None:
    # every donor's capacity 0: no burden anywhere, and the plan's largest burden is 0
    supply = PROBLEM.supply.assign(capacity=0.0)
    problem = PairingProblem(supply=supply, demand=PROBLEM.demand,
                             distances=PROBLEM.distances, weights=PROBLEM.weights)
    inst = build_instance(problem, OPTIONS)
    plan = evaluate_plan(inst, OPTIONS, np.zeros(5, dtype=bool), np.zeros((5, 2)))
    assert plan.burden["burden"].isna().all()
    assert plan.measures["max_burden"] == 0.0 and plan.terms["burden_max"] == 0.0
    assert plan.measures["burden_deviation"] == 0.0
