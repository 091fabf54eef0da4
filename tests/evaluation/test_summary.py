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


def _rows(plan: str, shortfall: list[float], **cols: list[float]) -> list[dict[str, object]]:
    n = len(shortfall)
    base = {"gap_staff_days": [50.0] * n, "gap_covered_share": [0.5] * n,
            "worst_city_covered_share": [0.5] * n, "max_donor_burden": [0.5] * n,
            "total_distance_km": [100.0] * n, "staff_sent": [5.0] * n}
    base.update(cols)
    return [{"plan": plan, "scenario": str(i), "shortfall_staff_days": shortfall[i],
             **{k: v[i] for k, v in base.items()}} for i in range(n)]


def test_summary_of_every_column_and_ties_by_hand() -> None:
    rows = _rows("a", [0.0, 10.0, 20.0, 30.0, 40.0],
                 gap_covered_share=[1.0, 0.9, 0.8, 0.7, 0.6],
                 worst_city_covered_share=[0.5, 0.4, 0.3, 0.2, 0.1],
                 max_donor_burden=[0.1, 0.2, 0.3, 0.4, 0.5],
                 total_distance_km=[100.0, 200.0, 300.0, 400.0, 500.0])
    # the reference: scenario 0 leaves 5e-7 and scenario 1 10 + 5e-7 staff-days, within
    # TIE_STAFF_DAYS (1e-6) of a's 0 and 10: ties, not wins
    rows += _rows("ref", [5e-7, 10.0 + 5e-7, 10.0, 60.0, 0.0])
    rows += _rows("b", [1.0, 2.0, 3.0, 4.0])  # scenario 4 missing
    rows.append({**_rows("a", [15.0], gap_covered_share=[0.85])[0], "scenario": "realised"})
    table = pd.DataFrame(rows)
    s = summarise(table, reference="ref").set_index("plan")
    a = s.loc["a"]
    assert a["scenarios"] == 5
    # np.quantile of 0, 10, 20, 30, 40 (linear): 4, 20, 36; worst 10 % of 5 scenarios: 1
    assert a[["shortfall_mean", "shortfall_p10", "shortfall_p50", "shortfall_p90",
              "shortfall_cvar90"]].tolist() == pytest.approx([20, 4, 20, 36, 40])
    assert a[["gap_covered_share_mean", "worst_city_covered_share_mean",
              "max_donor_burden_mean", "total_distance_km"]].tolist() == pytest.approx(
        [0.8, 0.3, 0.3, 300])
    assert a[["realised_shortfall_staff_days", "realised_gap_covered_share"]].tolist() == \
        pytest.approx([15, 0.85])
    assert np.isnan(s.loc["b", "realised_shortfall_staff_days"])
    assert np.isnan(s.loc["b", "realised_gap_covered_share"])
    # better only in scenario 3 (30 < 60): 1 of 5
    assert a["share_better_than_reference"] == pytest.approx(0.2)
    # reductions where the reference leaves more than a tie: 1 - 10 / (10 + 5e-7) ~ 0,
    # 1 - 20 / 10 = -1, 1 - 30 / 60 = 0.5: median ~ 0 (scenario 0's 5e-7 is left out)
    assert a["median_reduction_vs_reference"] == pytest.approx(0.0, abs=1e-6)
    assert s.loc["ref", "share_better_than_reference"] == 0.0
    assert "share_better_than_reference" not in summarise(table).columns
    # a reference that leaves nothing anywhere: no reduction to speak of
    zero = summarise(pd.DataFrame(_rows("a", [1.0, 2.0]) + _rows("z", [0.0, 0.0])),
                     reference="z").set_index("plan")
    assert np.isnan(zero.loc["a", "median_reduction_vs_reference"])
    assert zero.loc["z", "share_better_than_reference"] == 0.0
    assert zero.loc["a", "share_better_than_reference"] == 0.0

    p = pairwise(table).set_index(["plan", "other"])
    # a - ref: -5e-7 and -5e-7 tie, 10 worse, -30 better, 40 worse
    assert p.loc[("a", "ref")].tolist() == pytest.approx([0.2, 0.4, 0.4])
    assert p.loc[("ref", "a")].tolist() == pytest.approx([0.4, 0.2, 0.4])
    # b has no scenario 4: compared over the four both have (b - a: 1, -8, -17, -26)
    assert p.loc[("b", "a")].tolist() == pytest.approx([0.75, 0.25, 0.0])
    assert list(pairwise(table)["plan"].drop_duplicates()) == ["a", "ref", "b"]
    assert len(pairwise(table)) == 6


def test_cvar_rounds_the_tail_size_before_taking_its_ceiling() -> None:
    # (1 - 0.7) x 10 is 3.0000000000000004 in floating point: the tail is 3 values
    # (8, 9, 10: mean 9), not 4
    assert cvar(np.arange(1.0, 11.0), 0.7) == pytest.approx(9.0)
    # a tail of 2.5 values takes 3: mean of 8, 9, 10 of 1..10 at level 0.75
    assert cvar(np.arange(1.0, 11.0), 0.75) == pytest.approx(9.0)
    assert cvar(np.array([5.0, 1.0, 3.0]), 0.9) == 5.0  # unsorted input


def test_a_difference_of_exactly_the_tie_is_a_tie() -> None:
    # TIE_STAFF_DAYS = 1e-6: a plan leaving 0 against one leaving 1e-6 ties (1e-6 - 0 is
    # exactly 1e-6 in floating point); against 2e-6 it is better
    table = pd.DataFrame(_rows("a", [0.0, 0.0]) + _rows("b", [1e-6, 2e-6]))
    p = pairwise(table).set_index(["plan", "other"])
    assert p.loc[("a", "b")].tolist() == [0.5, 0.0, 0.5]
    assert p.loc[("b", "a")].tolist() == [0.0, 0.5, 0.5]
    s = summarise(table, reference="b").set_index("plan")
    assert s.loc["a", "share_better_than_reference"] == 0.5
    # a reference leaving just the tie (1e-6) leaves nothing to reduce: only scenario 1
    # (2e-6) counts, where a plan leaving 0 reduces by 1 (scenario 0 would add 1 - 0.5)
    half = pd.DataFrame(_rows("a", [5e-7, 0.0]) + _rows("b", [1e-6, 2e-6]))
    s = summarise(half, reference="b").set_index("plan")
    assert s.loc["a", "median_reduction_vs_reference"] == 1.0
    # one row per plan in the order of the file, not alphabetical
    assert summarise(pd.DataFrame(_rows("z", [1.0]) + _rows("a", [2.0])))["plan"].tolist() \
        == ["z", "a"]


def test_pairwise_of_a_single_plan_is_empty_with_its_columns() -> None:
    alone = pairwise(pd.DataFrame(_rows("a", [1.0, 2.0])))
    assert alone.empty
    assert list(alone.columns) == ["plan", "other", "share_better", "share_worse",
                                   "share_tied"]


def test_cvar_tail_of_a_million_scenarios() -> None:
    # (1 - 0.7) x 10**6 is 300000.00000000006 in floating point: the tail is 300,000 values
    # (700,000 .. 999,999 of 0 .. 999,999: mean 849,999.5), not 300,001
    assert cvar(np.arange(1_000_000.0), 0.7) == pytest.approx(849_999.5, abs=1e-6)
