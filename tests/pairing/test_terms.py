"""Each objective term on a small case worked out by hand."""

from __future__ import annotations

import pytest

from pairaid.pairing import PairingOptions, solve

from .helpers import make_problem, pair_set, sent


def test_distance_term_prefers_the_nearer_equal_donor():
    p = make_problem({"A": 10, "B": 10}, {"X": 5}, km={("A", "X"): 300, ("B", "X"): 100})
    r = solve(p, PairingOptions(distance_weight=0.01))
    assert pair_set(r) == {("B", "X")}
    assert r.terms["distance"] == pytest.approx(1.0)  # 0.01 x 100 km
    assert r.measures["total_distance_km"] == 100


def test_min_max_burden_splits_the_load():
    # A alone: burden 10/10 = 1 -> 1.0 + 0.1 (100 km) = 1.1.
    # A and B with 5 each: max burden 0.5 -> 0.5 + 0.2 (two pairs) = 0.7, the optimum.
    p = make_problem({"A": 10, "B": 10}, {"X": 10})
    plain = solve(p)
    assert len(plain.pairs) == 1 and plain.measures["max_burden"] == 1.0
    fair = solve(p, PairingOptions(burden_max_weight=1.0))
    assert pair_set(fair) == {("A", "X"), ("B", "X")}
    assert (sent(fair, "A", "X"), sent(fair, "B", "X")) == (5, 5)
    assert fair.terms["burden_max"] == pytest.approx(0.5)
    assert fair.objective == pytest.approx(0.7)


def test_burden_proportional_to_capacity():
    # 8 staff from capacities 10 and 30: overall burden 8/40 = 0.2. B alone gives
    # burdens 0 and 8/30, deviation 0.2 + 0.0667 = 0.267 (+0.1 distance); A 2 and B 6
    # give 0.2 each, deviation 0 (+0.2 distance): the optimum with weight 1.
    p = make_problem({"A": 10, "B": 30}, {"X": 8})
    r = solve(p, PairingOptions(burden_deviation_weight=1.0))
    assert (sent(r, "A", "X"), sent(r, "B", "X")) == (2, 6)
    assert r.terms["burden_deviation"] == pytest.approx(0.0, abs=1e-9)
    assert r.objective == pytest.approx(0.2)
    burden = r.burden.set_index("donor_code")["burden"]
    assert burden["A"] == pytest.approx(0.2) and burden["B"] == pytest.approx(0.2)


def test_stability_keeps_or_prices_changed_pairs():
    # The plan in force pairs A (500 km) with X; B is at 50 km. k = 1.
    p = make_problem({"A": 10, "B": 10}, {"X": 5}, km={("A", "X"): 500, ("B", "X"): 50})
    base = dict(max_donors_per_recipient=1, previous_pairs=[("A", "X")])
    kept = solve(p, PairingOptions(**base))  # teams in place stay by default
    assert pair_set(kept) == {("A", "X")} and kept.pairs["fixed"].all()
    assert kept.terms["stability"] == 0
    # switching saves 0.45 of distance but changes 2 pairs (drop A-X, add B-X)
    dear = solve(p, PairingOptions(**base, keep_previous=False, change_cost=1.0))
    assert pair_set(dear) == {("A", "X")}
    assert dear.objective == pytest.approx(0.5)
    cheap = solve(p, PairingOptions(**base, keep_previous=False, change_cost=0.1))
    assert pair_set(cheap) == {("B", "X")}
    assert cheap.terms["stability"] == pytest.approx(0.2)
    assert cheap.measures["changed_pairs"] == 2
    assert cheap.objective == pytest.approx(0.05 + 0.2)


def test_terms_sum_to_objective_with_everything_on():
    p = make_problem({"A": {"doctors": 3, "nurses": 9}, "B": {"doctors": 4, "nurses": 2}},
                     {"X": {"doctors": [5, 2], "nurses": [6, 6]},
                      "Y": {"doctors": [1, 1], "nurses": [4, 0]}},
                     weights={"doctors": 2.0, "nurses": 1.0})
    r = solve(p, PairingOptions(burden_max_weight=0.3, burden_deviation_weight=0.2,
                                previous_pairs=[("A", "Y")], keep_previous=False,
                                change_cost=0.05))
    assert r.objective == pytest.approx(sum(r.terms.values()))
    assert r.bound == pytest.approx(r.objective, rel=1e-6)
