"""Every baseline rule on the hand-made three-city case (tests/evaluation/conftest.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pairaid.evaluation import baselines
from pairaid.pairing import PairingOptions, PairingProblem


def test_nearest_donor(three_cities: PairingProblem) -> None:
    # X (gap 10) first: D at 50 km; Y: A at 100 km; Z: of B (200) and C (500), B
    assert baselines.nearest_pairs(three_cities) == [("D", "X"), ("A", "Y"), ("B", "Z")]


def test_proportional_to_gap(three_cities: PairingProblem) -> None:
    # 4 donors for gaps 10 and 5: one each, then 2 more by quota 1.33 / 0.67 -> X 2, Y 2;
    # least distance: X {B, D} (100 + 50), Y {A, C} (100 + 150) = 400 km (other splits more)
    assert baselines.proportional_pairs(three_cities) == [("A", "Y"), ("B", "X"), ("C", "Y"),
                                                          ("D", "X")]


def test_apportion_largest_remainder() -> None:
    seats = baselines.apportion(pd.Series([10.0, 5.0], index=["X", "Y"]), 4)
    assert seats.to_dict() == {"X": 2, "Y": 2}
    assert baselines.apportion(pd.Series([6.0, 3.0, 1.0], index=list("abc")), 13).to_dict() \
        == {"a": 7, "b": 4, "c": 2}


def test_wenchuan_rule(three_cities: PairingProblem) -> None:
    # by rank: largest donor A with the neediest X, B with Y, C with Z
    pairs = baselines.wenchuan_pairs(three_cities)
    assert pairs == [("A", "X"), ("B", "Y"), ("C", "Z")]
    # 9 staff in all from paired capacity 8 + 6 + 4 = 18: every donor commits half
    supply = baselines.fixed_share_supply(three_cities.supply, pairs, 9.0)
    assert supply["capacity"].tolist() == [4.0, 3.0, 2.0, 1.0]


def test_greedy_and_stable_pair_every_recipient_in_need(three_cities: PairingProblem) -> None:
    options = PairingOptions(max_donors_per_recipient=1, max_recipients_per_donor=1)
    for pairs in (baselines.greedy_pairs(three_cities, options),
                  baselines.stable_matching_pairs(three_cities, options)):
        recipients = [r for _, r in pairs]
        donors = [d for d, _ in pairs]
        assert {"X", "Y"} <= set(recipients)
        assert len(set(recipients)) == len(recipients) and len(set(donors)) == len(donors)


def test_stable_matching_prefers_close_partners(three_cities: PairingProblem) -> None:
    # D is nearest X and X is D's nearest recipient: a pair no stable matching can break
    pairs = baselines.stable_matching_pairs(
        three_cities, PairingOptions(max_donors_per_recipient=1, max_recipients_per_donor=1))
    assert ("D", "X") in pairs or ("B", "X") in pairs


def test_random_pairs_are_distinct_donors_for_every_recipient(
        three_cities: PairingProblem) -> None:
    seen = set()
    rng = np.random.default_rng(0)
    for _ in range(30):
        pairs = baselines.random_pairs(three_cities, rng)
        assert sorted(r for _, r in pairs) == ["X", "Y", "Z"]
        assert len({d for d, _ in pairs}) == 3
        seen.add(tuple(pairs))
    assert len(seen) > 5  # draws differ
