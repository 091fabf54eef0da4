"""Two-stage plans from a run (plan --scenarios), VSS and EVPI, scenario reduction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pairaid.evaluation.stochastic import scenario_losses, value_table
from pairaid.evaluation.twostage import reduce_scenarios, scenario_gap_array
from pairaid.pairing import PairingOptions, PairingProblem
from pairaid.pairing.instance import build_instance

DAY = pd.Timestamp("2020-02-11")
SUPPLY = pd.DataFrame({"donor_code": ["A", "B"], "resource": "nurses",
                       "capacity": [10.0, 1.0]})
DIST = pd.DataFrame({"donor_code": ["A", "A", "B", "B"], "recipient_code": ["X", "Y"] * 2,
                     "distance_km": [100.0] * 4})


def _demand(x: float, y: float) -> pd.DataFrame:
    return pd.DataFrame({"recipient_code": ["X", "Y"], "resource": "nurses", "date": DAY,
                         "gap": [x, y]})


def test_vss_and_evpi_on_the_two_scenario_case() -> None:
    """The case of test_twostage: median plan {A-Y, B-X} (median gaps X 4, Y 5), two-stage
    plan {A-X, B-Y}; scenarios (X 10, Y 0) and (X 0, Y 8), equally likely.

    Median plan: 10 - 1 = 9 and 0, mean 4.5. Two-stage: 0 and 8 - 1 = 7, mean 3.5.
    Wait-and-see (each scenario's best pairs, X and Y both paired, k = m = 1): A-X in the
    first (0 unmet), A-Y in the second (0). VSS = 4.5 - 3.5 = 1; EVPI = 3.5 - 0 = 3.5."""
    inst = build_instance(PairingProblem(SUPPLY, _demand(4, 5), DIST, {"nurses": 1.0}),
                          PairingOptions(max_donors_per_recipient=1,
                                         max_recipients_per_donor=1))
    gaps = scenario_gap_array(inst, [_demand(10, 0), _demand(0, 8)])
    table = scenario_losses(inst, gaps, {"median": [("A", "Y"), ("B", "X")],
                                         "two-stage": [("A", "X"), ("B", "Y")]},
                            total_staff=None)
    by = table.pivot(index="scenario", columns="plan", values="shortfall")
    assert by["median"].tolist() == pytest.approx([9.0, 0.0])
    assert by["two-stage"].tolist() == pytest.approx([0.0, 7.0])
    assert by["wait-and-see"].tolist() == pytest.approx([0.0, 0.0])
    mean = by.mean()
    vss = mean["median"] - mean["two-stage"]
    evpi = mean["two-stage"] - mean["wait-and-see"]
    assert vss == pytest.approx(1.0)
    assert evpi == pytest.approx(3.5)
    out = value_table(vss, evpi, vss_scenarios=2, evpi_scenarios=2, median="median",
                      two_stage="two-stage")
    assert out.set_index("measure")["value"].to_dict() == pytest.approx(
        {"VSS": 1.0, "EVPI": 3.5})


def test_scenario_reduction_keeps_distinct_scenarios_and_their_weights() -> None:
    """Three copies of one scenario and one of another reduce to two scenarios with
    probabilities 3/4 and 1/4."""
    a = np.zeros((1, 2, 1, 3))
    b = np.ones((1, 2, 1, 3)) * 5.0
    gaps = np.concatenate([a, b, a, a])
    idx, prob = reduce_scenarios(gaps, 2, seed=1)
    assert len(idx) == 2 and prob.sum() == pytest.approx(1.0)
    weight = {int(np.asarray(gaps[i]).max() > 0): p for i, p in zip(idx, prob, strict=True)}
    assert weight == pytest.approx({0: 0.75, 1: 0.25})
    same, even = reduce_scenarios(gaps, 4)
    assert same.tolist() == [0, 1, 2, 3] and even.tolist() == [0.25] * 4


@pytest.fixture(scope="module")
def free_two_stage(small_run):
    from pairaid.evaluation.api import plan_with_scenarios

    return plan_with_scenarios(small_run, 6)


def test_plan_with_scenarios_keeps_fixed_and_forbidden_pairs(small_run, free_two_stage
                                                              ) -> None:
    from pairaid.evaluation.api import plan_with_scenarios
    from pairaid.pipeline import plan

    free = list(zip(free_two_stage.plan.pairs["donor_code"],
                    free_two_stage.plan.pairs["recipient_code"], strict=True))
    assert free and free_two_stage.metrics["two_stage"]["planning_scenarios"] == 6
    forbid = free[0]
    # a pair the free plan does not choose: its last donor sent to another recipient
    donor = free[-1][0]
    fix = next((donor, r) for r in small_run.recipients
               if (donor, r) not in free and (donor, r) != forbid)
    config = small_run.config.model_copy(update={"fixed_pairs": [fix],
                                                 "forbidden_pairs": [forbid]})
    constrained = plan(small_run.dataset, config)
    two = plan_with_scenarios(constrained, 6)
    pairs = set(zip(two.plan.pairs["donor_code"], two.plan.pairs["recipient_code"],
                    strict=True))
    assert fix in pairs
    assert forbid not in pairs
    # no donor above its limit m = 1, no recipient above k = 2
    assert two.plan.pairs["donor_code"].value_counts().max() <= 1
    assert two.plan.pairs["recipient_code"].value_counts().max() <= 2


def test_a_two_stage_plan_not_proven_best_says_so() -> None:
    """c0019 kind: with --scenarios the plan table's status is that of the flows on the
    two-stage pairs ("optimal" at once); a two-stage MIP stopped on its time limit must be
    named in the run's note, with its gap or the lack of a bound."""
    from pairaid.evaluation.stochastic import _two_stage_proof

    assert _two_stage_proof({"status": "optimal", "mip_gap": 0.0}) == ""
    stopped = _two_stage_proof({"status": "time_limit_feasible", "mip_gap": None})
    assert "did not prove its pairs best" in stopped and "no bound" in stopped
    assert stopped.endswith("raise --time-limit")
    within = _two_stage_proof({"status": "optimal_within_gap", "mip_gap": 0.0123})
    assert "within 1.23% of the best possible" in within
    assert "--time-limit" not in within
