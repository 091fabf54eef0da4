"""Regression: with a warm start, HiGHS reported the optimum's value but returned the start's
column values, so an exact-pairs evaluation gave a worse plan (5.002) than the optimum
(4.002) of the same pairs. Found by test_fixing_the_optimal_pairs_reproduces_the_optimum."""

from __future__ import annotations

import pandas as pd
import pytest

from pairaid.pairing import PairingOptions, PairingProblem, solve


def test_exact_pairs_with_warm_start_return_the_optimal_plan() -> None:
    days = pd.to_datetime(["2020-02-11", "2020-02-12", "2020-02-13"])
    gaps = {("R0", "doctors"): [0, 1, 1], ("R0", "nurses"): [0, 0, 2],
            ("R1", "doctors"): [0, 0, 1], ("R1", "nurses"): [0, 1, 3]}
    rows = [(r, s, d, float(g)) for (r, s), v in gaps.items() for d, g in zip(days, v,
                                                                               strict=True)]
    problem = PairingProblem(
        supply=pd.DataFrame({"donor_code": "D0", "resource": ["doctors", "nurses"],
                             "capacity": [1.0, 2.0]}),
        demand=pd.DataFrame(rows, columns=["recipient_code", "resource", "date", "gap"]),
        distances=pd.DataFrame({"donor_code": "D0", "recipient_code": ["R0", "R1"],
                                "distance_km": [1.0, 1.0]}),
        weights={"doctors": 1.0, "nurses": 1.0})
    # By hand: 1 doctor and 2 nurses to split. Shortfall [staff-days] with Q staff received
    # is sum_t max(g_t - Q, 0); the total gap is 9. One best plan: the doctor to R0 (saves
    # 2), one nurse to each recipient (R0 saves 1, R1 saves 2; both nurses to R1 also save
    # 3): 9 - 5 = 4, plus the distance term 2 km x 0.001.
    result = solve(problem, PairingOptions(exact_pairs=[("D0", "R0"), ("D0", "R1")],
                                           distance_weight=1e-3))
    assert result.objective == pytest.approx(4.002, abs=1e-9)
    assert result.measures["shortfall_staff_days"] == pytest.approx(4.0)
