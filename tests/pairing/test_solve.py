"""The pairing MIP on small instances whose optimum is worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from pairaid.errors import ConfigError, InfeasibleError, InputError
from pairaid.pairing import PairingOptions, SolveStatus, UnknownCodeError, solve

from .helpers import make_problem, pair_set, sent


def test_one_to_one_nearest_feasible_pairs():
    # A can cover X (8) fully, B can cover Y (3); the crossed pairing would leave X short.
    p = make_problem({"A": 10, "B": 4}, {"X": 8, "Y": 3},
                     km={("A", "X"): 100, ("A", "Y"): 200, ("B", "X"): 300, ("B", "Y"): 50})
    r = solve(p, PairingOptions(max_donors_per_recipient=1))
    assert r.status is SolveStatus.OPTIMAL
    assert pair_set(r) == {("A", "X"), ("B", "Y")}
    assert sent(r, "A", "X") == 8 and sent(r, "B", "Y") == 3
    assert r.terms["shortfall"] == 0
    assert r.terms["distance"] == pytest.approx(1e-3 * 150)
    assert r.objective == pytest.approx(0.15)
    assert r.bound == pytest.approx(0.15, abs=1e-9)


def test_k_to_one_two_donors_fill_a_large_gap():
    # X needs 10: A (6) + B (5) cover it; Y (2) gets C (3). Any other split leaves shortfall.
    p = make_problem({"A": 6, "B": 5, "C": 3}, {"X": 10, "Y": 2})
    r = solve(p, PairingOptions(max_donors_per_recipient=2, max_recipients_per_donor=1))
    assert pair_set(r) == {("A", "X"), ("B", "X"), ("C", "Y")}
    assert sent(r, "A", "X") + sent(r, "B", "X") == 10
    assert r.measures["shortfall_staff_days"] == 0


def test_one_to_k_one_donor_serves_two_recipients():
    p = make_problem({"A": 10}, {"X": 4, "Y": 5})
    r = solve(p, PairingOptions(max_donors_per_recipient=1, max_recipients_per_donor=2))
    assert pair_set(r) == {("A", "X"), ("A", "Y")}
    assert (sent(r, "A", "X"), sent(r, "A", "Y")) == (4, 5)


def test_binding_capacity_shortfall_per_day_and_weight():
    # One donor of 5 nurses; gap 8 then 3 over two days: received 5 for the whole horizon,
    # shortfall 3 on day 1 and 0 on day 2 -> 3 staff-days, weight 2 -> term 6.
    p = make_problem({"A": 5}, {"X": [8, 3]}, km=0.0, weights={"nurses": 2.0})
    r = solve(p)
    assert sent(r, "A", "X") == 5
    assert r.measures["shortfall_staff_days"] == 3
    assert r.terms["shortfall"] == 6
    assert r.shortfall["shortfall"].tolist() == [3, 0]
    assert r.shortfall["date"].tolist() == [pd.Timestamp("2020-02-11"),
                                            pd.Timestamp("2020-02-12")]


def test_two_resources_weighted_separately():
    # A has 2 doctors and 10 nurses; X is short of 4 doctors (weight 3) and 6 nurses.
    p = make_problem({"A": {"doctors": 2, "nurses": 10}},
                     {"X": {"doctors": 4, "nurses": 6}}, km=0.0,
                     weights={"doctors": 3.0, "nurses": 1.0})
    r = solve(p)
    assert sent(r, "A", "X", "doctors") == 2 and sent(r, "A", "X", "nurses") == 6
    assert r.terms["shortfall"] == 3 * 2


def test_max_total_sent_caps_staff_and_prefers_the_heavier_resource():
    p = make_problem({"A": {"doctors": 5, "nurses": 5}},
                     {"X": {"doctors": 5, "nurses": 5}}, km=0.0,
                     weights={"doctors": 2.0, "nurses": 1.0})
    r = solve(p, PairingOptions(max_total_sent=6))
    assert r.measures["staff_sent"] == 6
    assert sent(r, "A", "X", "doctors") == 5 and sent(r, "A", "X", "nurses") == 1
    assert r.terms["shortfall"] == 4


def test_recipient_without_gap_gets_no_donor():
    p = make_problem({"A": 5, "B": 5}, {"X": 3, "Y": 0})
    r = solve(p)
    assert set(r.pairs.recipient_code) == {"X"}


def test_fixed_and_forbidden_pairs():
    p = make_problem({"A": 10, "B": 10}, {"X": 5},
                     km={("A", "X"): 100, ("B", "X"): 900})
    forced = solve(p, PairingOptions(fixed_pairs=[("B", "X")], max_donors_per_recipient=1))
    assert pair_set(forced) == {("B", "X")}
    assert forced.pairs["fixed"].tolist() == [True]
    banned = solve(p, PairingOptions(forbidden_pairs=[("A", "X")]))
    assert pair_set(banned) == {("B", "X")}


def test_max_distance_removes_far_pairs():
    p = make_problem({"A": 10, "B": 10}, {"X": 5, "Y": 5},
                     km={("A", "X"): 900, ("A", "Y"): 100, ("B", "X"): 100, ("B", "Y"): 900})
    r = solve(p, PairingOptions(max_distance_km=500))
    assert pair_set(r) == {("A", "Y"), ("B", "X")}


def test_exact_pairs_evaluate_a_given_plan_without_degree_limits():
    # Official-style plan: A supports both X and Y (beyond m = 1) and B is unused.
    p = make_problem({"A": 6, "B": 10}, {"X": 4, "Y": 4})
    r = solve(p, PairingOptions(exact_pairs=[("A", "X"), ("A", "Y")]))
    assert pair_set(r) == {("A", "X"), ("A", "Y")}
    assert r.measures["staff_sent"] == 6
    assert r.measures["shortfall_staff_days"] == 2
    assert r.pairs["fixed"].all()


def test_reserves_keep_staff_at_home():
    p = make_problem({"A": 10}, {"X": 10}, km=0.0)
    r = solve(p, PairingOptions(reserves={("A", "nurses"): 3}, reserve_share=0.2))
    # 10 * (1 - 0.2) - 3 = 5 may be sent
    assert sent(r, "A", "X") == 5


def test_infeasible_k_zero_is_explained():
    p = make_problem({"A": 5, "B": 5}, {"X": 3, "Y": 4})
    with pytest.raises(InfeasibleError, match="k.* is 0 but 2 recipients"):
        solve(p, PairingOptions(max_donors_per_recipient=0))


def test_infeasible_too_few_donors_is_explained():
    p = make_problem({f"D{i}": 5 for i in range(12)}, {f"R{i:02d}": 3 for i in range(16)})
    with pytest.raises(InfeasibleError,
                       match="16 recipients need a donor but only 12 donors may take one each"):
        solve(p)


def test_infeasible_hall_violation_names_the_conflict():
    # X and Y may only use A (B is too far from both); Z may use B.
    p = make_problem({"A": 5, "B": 5, "C": 5}, {"X": 1, "Y": 1, "Z": 1},
                     km={("A", "X"): 1, ("A", "Y"): 1, ("B", "Z"): 1, ("C", "Z"): 1})
    with pytest.raises(InfeasibleError, match=r"recipients X, Y still need 2 donor\(s\)"):
        solve(p)


def test_unknown_code_in_exact_pairs():
    p = make_problem({"A": 5}, {"X": 3})
    with pytest.raises(UnknownCodeError, match="unknown donor.*'Q'") as info:
        solve(p, PairingOptions(exact_pairs=[("Q", "X")]))
    assert isinstance(info.value, InfeasibleError) and isinstance(info.value, ConfigError)


def test_fixed_and_forbidden_conflict_is_a_config_error():
    p = make_problem({"A": 5}, {"X": 3})
    with pytest.raises(ConfigError, match="both in fixed_pairs and forbidden_pairs"):
        solve(p, PairingOptions(fixed_pairs=[("A", "X")], forbidden_pairs=[("A", "X")]))


@pytest.mark.parametrize("kwargs, match", [
    ({"max_donors_per_recipient": -1}, "max_donors_per_recipient"),
    ({"distance_weight": -1.0}, "distance_weight"),
    ({"reserve_share": 1.0}, "reserve_share"),
    ({"time_limit": 0}, "time_limit"),
])
def test_bad_option_values(kwargs, match):
    p = make_problem({"A": 5}, {"X": 3})
    with pytest.raises(ConfigError, match=match):
        solve(p, PairingOptions(**kwargs))


def test_negative_capacity_names_table_row_and_column():
    p = make_problem({"A": 5, "B": -2}, {"X": 3})
    with pytest.raises(InputError, match=r"supply, line 3, column 'capacity': must be >= 0"):
        solve(p)


def test_missing_column_and_duplicate_key():
    p = make_problem({"A": 5}, {"X": 3})
    bad = p.demand.drop(columns="gap")
    with pytest.raises(InputError, match=r"demand, column 'gap': missing column"):
        solve(type(p)(p.supply, bad, p.distances, p.weights))
    dup = pd.concat([p.distances, p.distances], ignore_index=True)
    with pytest.raises(InputError, match=r"distances, line 3: duplicate key"):
        solve(type(p)(p.supply, p.demand, dup, p.weights))


def test_missing_weight_is_a_config_error():
    p = make_problem({"A": 5}, {"X": 3})
    with pytest.raises(ConfigError, match="no weight given for resource"):
        solve(type(p)(p.supply, p.demand, p.distances, {"doctors": 1.0}))


def test_greedy_baseline_result_and_optimum_not_worse():
    from pairaid.pairing import solve_greedy

    p = make_problem({"A": 6, "B": 5, "C": 3}, {"X": 10, "Y": 2})
    g = solve_greedy(p)
    best = solve(p)
    assert g.status is SolveStatus.FEASIBLE and g.formulation == "greedy"
    assert best.objective <= g.objective + 1e-9
    assert g.objective == pytest.approx(sum(g.terms.values()))
