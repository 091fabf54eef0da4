"""Two-stage pairing on a two-scenario case worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from pairaid.evaluation.twostage import solve_two_stage

DAY = pd.Timestamp("2020-02-11")


def _demand(x: float, y: float) -> pd.DataFrame:
    return pd.DataFrame({"recipient_code": ["X", "Y"], "resource": "nurses", "date": DAY,
                         "gap": [x, y]})


SUPPLY = pd.DataFrame({"donor_code": ["A", "B"], "resource": "nurses",
                       "capacity": [10.0, 1.0]})
DIST = pd.DataFrame({"donor_code": ["A", "A", "B", "B"], "recipient_code": ["X", "Y"] * 2,
                     "distance_km": [100.0] * 4})


def test_two_scenarios_by_hand() -> None:
    """Donors A (10 nurses) and B (1), one recipient each; X and Y each need a donor.

    Median gaps X 4, Y 5: {A-Y, B-X} leaves 3 unmet, {A-X, B-Y} 4, so the median plan
    is A-Y, B-X. Scenario 1: X 10, Y 0; scenario 2: X 0, Y 8.
    {A-X, B-Y}: 0 and 8 - 1 = 7, mean 3.5. {A-Y, B-X}: 10 - 1 = 9 and 0, mean 4.5.
    The two-stage plan is A-X, B-Y, 1 staff-day a scenario better than the median plan."""
    median = solve_two_stage(SUPPLY, [_demand(4, 5)], DIST, {"nurses": 1.0},
                             required=["X", "Y"], k=1, m=1, distance_weight=0.0)
    assert median.pairs == [("A", "Y"), ("B", "X")]
    assert median.expected_shortfall == pytest.approx(3.0)
    two = solve_two_stage(SUPPLY, [_demand(10, 0), _demand(0, 8)], DIST, {"nurses": 1.0},
                          required=["X", "Y"], k=1, m=1, distance_weight=0.0)
    assert two.pairs == [("A", "X"), ("B", "Y")]
    assert two.expected_shortfall == pytest.approx(3.5)
    assert two.rows > 0 and two.columns > 0


def test_total_staff_and_cvar() -> None:
    # at most 2 staff in all: {A-X, B-Y}: 8 and 7 (mean 7.5); {A-Y, B-X}: 9 and 6 (7.5);
    # a tie in mean; CVaR at 0.5 (the worse scenario) prefers the first (8 < 9)
    res = solve_two_stage(SUPPLY, [_demand(10, 0), _demand(0, 8)], DIST, {"nurses": 1.0},
                          required=["X", "Y"], k=1, m=1, distance_weight=0.0,
                          total_staff=2.0, cvar_alpha=0.5)
    assert res.expected_shortfall == pytest.approx(7.5)
    assert res.pairs == [("A", "X"), ("B", "Y")]


def test_c0014_kind_no_plan_at_the_time_limit_advises_only_the_time_limit() -> None:
    # c0014: the advice must be what helps; a time limit that runs out before HiGHS has
    # any plan says so and names the flag (it said only "no plan found")
    from pairaid.errors import InfeasibleError

    with pytest.raises(InfeasibleError, match=r"ran out before any plan was found: "
                                              r"raise --time-limit"):
        solve_two_stage(SUPPLY, [_demand(10, 0), _demand(0, 8)], DIST, {"nurses": 1.0},
                        required=["X", "Y"], k=1, m=1, distance_weight=0.0,
                        time_limit=1e-9)
