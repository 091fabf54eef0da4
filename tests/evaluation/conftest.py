"""Fixtures of the evaluation tests: a hand-made three-city problem and a small real run."""

from __future__ import annotations

import pandas as pd
import pytest

from pairaid.pairing import PairingProblem

DAY = pd.Timestamp("2020-02-11")


@pytest.fixture
def three_cities() -> PairingProblem:
    """Recipients X (gap 10 nurses), Y (5), Z (0) on one day; donors A (8), B (6), C (4),
    D (2) nurses; distances in km below."""
    km = {("A", "X"): 300, ("A", "Y"): 100, ("A", "Z"): 50,
          ("B", "X"): 100, ("B", "Y"): 400, ("B", "Z"): 200,
          ("C", "X"): 200, ("C", "Y"): 150, ("C", "Z"): 500,
          ("D", "X"): 50, ("D", "Y"): 600, ("D", "Z"): 100}
    return PairingProblem(
        supply=pd.DataFrame({"donor_code": ["A", "B", "C", "D"], "resource": "nurses",
                             "capacity": [8.0, 6.0, 4.0, 2.0]}),
        demand=pd.DataFrame({"recipient_code": ["X", "Y", "Z"], "resource": "nurses",
                             "date": DAY, "gap": [10.0, 5.0, 0.0]}),
        distances=pd.DataFrame({"donor_code": [d for d, _ in km],
                                "recipient_code": [r for _, r in km],
                                "distance_km": [float(v) for v in km.values()]}),
        weights={"nurses": 1.0})


@pytest.fixture(scope="session")
def small_run():
    """The built-in data, three recipients and four donors, without the official pairing
    (its pairs lie outside this selection): small enough to replay quickly."""
    from pairaid.config import make_config
    from pairaid.datasets import load_builtin
    from pairaid.pipeline import plan

    config = make_config({"recipients": ["420900", "421100", "420700"],
                          "donors": ["CN-JS", "CN-AH", "CN-HA", "CN-JX"],
                          "official_round": None, "horizon_days": 14})
    return plan(load_builtin("hubei-2020"), config)
