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
