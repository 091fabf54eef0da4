"""Replaying a plan on a scenario: same stages as plan, same total staff, measures."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from pairaid.evaluation import build_context
from pairaid.evaluation.replay import PlanSpec, plan_row, replay, scenario_demand
from pairaid.pairing import PairingProblem


def _ctx(problem: PairingProblem, small_run, total: float | None):
    return replace(build_context(small_run), problem=problem,
                   donor_capacities=problem.supply, total_staff=total)


def test_measures_on_the_three_city_case(three_cities: PairingProblem, small_run) -> None:
    # D (2 nurses) to X (gap 10), A (8) to Y (gap 5): X lacks 8, Y is covered
    plan = PlanSpec("p", (("D", "X"), ("A", "Y")))
    ctx = _ctx(three_cities, small_run, None)
    row = plan_row(replay(plan, three_cities.demand, ctx), three_cities.demand,
                   three_cities.supply)
    assert row["shortfall_staff_days"] == pytest.approx(8.0)
    assert row["gap_covered_share"] == pytest.approx(1 - 8 / 15)
    assert row["worst_city_covered_share"] == pytest.approx(0.2)
    assert row["max_donor_burden"] == pytest.approx(1.0)  # D sends all it has
    assert row["total_distance_km"] == pytest.approx(150.0)


def test_every_plan_gets_the_same_total_staff(three_cities: PairingProblem, small_run) -> None:
    plan = PlanSpec("p", (("D", "X"), ("A", "Y")))
    ctx = _ctx(three_cities, small_run, 3.0)
    row = plan_row(replay(plan, three_cities.demand, ctx), three_cities.demand,
                   three_cities.supply)
    assert row["staff_sent"] == pytest.approx(3.0)
    assert row["shortfall_staff_days"] == pytest.approx(12.0)


def test_the_median_path_gives_the_plans_own_gaps(small_run) -> None:
    """The scenario stages are plan's stages: the forecast median as a path gives the run's
    staff gaps."""
    ctx = build_context(small_run)
    fc = small_run.forecast
    med = fc[(fc["target"] == "census") & np.isclose(fc["quantile"], 0.5)]
    census = np.stack([med[med["region_code"] == r].sort_values("date")["value"].to_numpy()
                       for r in small_run.recipients])
    demand = scenario_demand(census, ctx)
    want = small_run.problem.demand.sort_values(["recipient_code", "resource", "date"])
    got = demand.sort_values(["recipient_code", "resource", "date"])
    assert np.allclose(got["gap"].to_numpy(), want["gap"].to_numpy())
    pd.testing.assert_series_equal(got["recipient_code"].reset_index(drop=True),
                                   want["recipient_code"].reset_index(drop=True))


def test_replay_burden_is_burden_py_on_a_case_worked_by_hand() -> None:
    """One definition of donor burden (docs/pairing.md, pairaid.burden): a donor's largest
    share of one staff resource's capacity sent (doctors, nurses); the replay's
    ``max_donor_burden`` is the largest over donors. By hand: A sends 8 of its 10 doctors and
    0 of 1,000 nurses -> 0.8 (pooled it would be 8/1,010); B 5/20 doctors, 30/40 nurses ->
    0.75; C sends 3 nurses but has no capacity figure -> no burden; D's 4 of 4 beds are not
    staff (the replay counted them: 1.0). Largest: 0.8."""
    from pairaid.burden import burden_table, largest_burden
    from pairaid.pairing import PairingResult
    from pairaid.pairing.highs import SolveStatus

    flows = pd.DataFrame({"donor_code": ["A", "A", "B", "B", "C", "D"],
                          "recipient_code": "X",
                          "resource": ["doctors", "nurses", "doctors", "nurses", "nurses",
                                       "beds"],
                          "quantity": [8.0, 0.0, 5.0, 30.0, 3.0, 4.0]})
    caps = pd.DataFrame({"donor_code": ["A", "A", "B", "B", "D"],
                         "resource": ["doctors", "nurses", "doctors", "nurses", "beds"],
                         "capacity": [10.0, 1000.0, 20.0, 40.0, 4.0]})
    demand = pd.DataFrame({"recipient_code": ["X"], "resource": ["nurses"],
                           "date": pd.Timestamp("2020-02-11"), "gap": [40.0]})
    result = PairingResult(
        status=SolveStatus.OPTIMAL, objective=0.0, bound=0.0, mip_gap=0.0, solve_seconds=0.0,
        pairs=pd.DataFrame({"donor_code": ["A", "B", "C", "D"], "recipient_code": "X",
                            "distance_km": [1.0, 2.0, 3.0, 4.0]}),
        flows=flows,
        shortfall=pd.DataFrame({"recipient_code": ["X"], "resource": ["nurses"],
                                "date": pd.Timestamp("2020-02-11"), "shortfall": [7.0]}),
        burden=pd.DataFrame(), terms={}, measures={})
    table = burden_table(flows, caps, ("doctors", "nurses"))
    assert table["burden"].tolist()[:2] == [0.8, 0.75]
    assert table["burden"][2:].isna().all()  # C: no capacity; D: no staff
    row = plan_row(result, demand, caps)
    assert row["max_donor_burden"] == largest_burden(table["burden"]) == 0.8
    # nothing sent to a donor with capacity: burden 0, as plan_metrics reports it
    none = replace(result, flows=flows[flows["donor_code"] == "C"])
    assert plan_row(none, demand, caps)["max_donor_burden"] == 0.0
