"""Summaries of evaluation.csv against hand computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pairaid.evaluation.summary import cvar, pairwise, summarise


@pytest.fixture
def table() -> pd.DataFrame:
    a, b = [1.0, 2.0, 3.0, 4.0], [2.0, 2.0, 5.0, 1.0]
    rows = [{"plan": p, "scenario": str(i), "shortfall_staff_days": v,
             "gap_staff_days": 10.0, "gap_covered_share": 1 - v / 10,
             "worst_city_covered_share": 0.5, "max_donor_burden": 0.5,
             "total_distance_km": 100.0, "staff_sent": 5.0}
            for p, vals in (("a", a), ("b", b)) for i, v in enumerate(vals)]
    rows += [{"plan": p, "scenario": "realised", "shortfall_staff_days": v,
              "gap_staff_days": 10.0, "gap_covered_share": 1 - v / 10,
              "worst_city_covered_share": 0.5, "max_donor_burden": 0.5,
              "total_distance_km": 100.0, "staff_sent": 5.0} for p, v in (("a", 7.0),
                                                                         ("b", 9.0))]
    return pd.DataFrame(rows)


def test_summary_by_hand(table: pd.DataFrame) -> None:
    s = summarise(table, reference="b").set_index("plan")
    assert s.loc["a", "scenarios"] == 4
    assert s.loc["a", "shortfall_mean"] == pytest.approx(2.5)
    assert s.loc["a", "shortfall_p50"] == pytest.approx(2.5)
    assert s.loc["a", "shortfall_cvar90"] == pytest.approx(4.0)  # worst 10 % of 4 = 1
    assert s.loc["a", "share_better_than_reference"] == pytest.approx(0.5)
    # 1 - a/b = 0.5, 0, 0.4, -3: median 0.2
    assert s.loc["a", "median_reduction_vs_reference"] == pytest.approx(0.2)
    assert s.loc["a", "realised_shortfall_staff_days"] == pytest.approx(7.0)
    assert s.loc["b", "share_better_than_reference"] == 0.0


def test_pairwise_by_hand(table: pd.DataFrame) -> None:
    p = pairwise(table).set_index(["plan", "other"])
    assert p.loc[("a", "b")].tolist() == [0.5, 0.25, 0.25]
    assert p.loc[("b", "a")].tolist() == [0.25, 0.5, 0.25]


def test_cvar_is_the_mean_of_the_upper_tail() -> None:
    assert cvar(np.arange(1.0, 101.0), 0.9) == pytest.approx(95.5)
    assert cvar(np.array([3.0]), 0.9) == 3.0
