"""The team-composition rule (pairaid.pairing.teams): nurses sent on a pair travel with
doctors of their own, on instances worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from pairaid.errors import ConfigError
from pairaid.pairing import PairingOptions, solve
from pairaid.pairing.instance import build_instance
from pairaid.pairing.method import Method, choose_method
from pairaid.pairing.search.greedy import greedy_plan
from pairaid.pairing.solve import solve_greedy
from pairaid.pairing.teams import breaches, fit_amounts, scale_amounts, team_rule

from .helpers import make_problem, sent

THIRD = 1 / 3  # 1 doctor to 3 nurses, as severe-care teams were formed in 2020 (D5)


def _one_pair(doctors: float, nurses: float, gap: dict[str, float]):  # type: ignore[no-untyped-def]
    return make_problem({"A": {"doctors": doctors, "nurses": nurses}}, {"X": gap})


def test_nurses_bring_their_doctors():
    # 24 nurses short, no doctor short: at 1:3 the team has 24 / 3 = 8 doctors of its own
    res = solve(_one_pair(10, 30, {"doctors": 0, "nurses": 24}),
                PairingOptions(team_doctors_per_nurse=THIRD))
    assert sent(res, "A", "X", "nurses") == 24
    assert sent(res, "A", "X", "doctors") == 8
    assert res.measures["shortfall_staff_days"] == 0
    assert res.measures["staff_sent"] == 32
    # burden: 8 of 10 doctors, 24 of 30 nurses -> 0.8 either way
    assert res.measures["max_burden"] == pytest.approx(0.8)
    # the team's doctors meet no gap: received 8 against a doctor gap of 0, shortfall 0
    doc = res.shortfall[res.shortfall.resource == "doctors"]
    assert doc["received"].tolist() == [8.0] and doc["shortfall"].tolist() == [0.0]


def test_few_doctors_hold_nurses_back():
    # 5 doctors accompany at most 15 nurses at 1:3: 9 of the 24 nurses stay short
    res = solve(_one_pair(5, 30, {"doctors": 0, "nurses": 24}),
                PairingOptions(team_doctors_per_nurse=THIRD))
    assert sent(res, "A", "X", "nurses") == 15
    assert sent(res, "A", "X", "doctors") == 5
    assert res.measures["shortfall_staff_days"] == 9


def test_ratio_zero_is_the_old_plan():
    problem = _one_pair(5, 30, {"doctors": 0, "nurses": 24})
    old = solve(problem)
    off = solve(problem, PairingOptions(team_doctors_per_nurse=0.0))
    assert sent(off, "A", "X", "nurses") == 24 and sent(off, "A", "X", "doctors") == 0
    assert off.flows.equals(old.flows)
    assert off.formulation == old.formulation == "subsets"  # k = 2, m = 1: subsets


def test_gap_doctors_are_the_team_doctors():
    # short 10 doctors and 30 nurses at 1:3: the 10 doctors of the gap are the team's
    # doctors (30 / 3 = 10), so 10 doctors go, not 10 + 10 = 20
    res = solve(_one_pair(40, 40, {"doctors": 10, "nurses": 30}),
                PairingOptions(team_doctors_per_nurse=THIRD))
    assert sent(res, "A", "X", "doctors") == 10
    assert sent(res, "A", "X", "nurses") == 30
    assert res.measures["staff_sent"] == 40


def test_team_doctors_beyond_a_small_doctor_gap():
    # short 3 doctors and 24 nurses at 1:3: 8 doctors go (3 for the gap, 5 of the team)
    res = solve(_one_pair(40, 40, {"doctors": 3, "nurses": 24}),
                PairingOptions(team_doctors_per_nurse=THIRD))
    assert sent(res, "A", "X", "doctors") == 8
    assert res.measures["shortfall_staff_days"] == 0


def test_whole_doctors_round_up():
    # 0.6 doctors per nurse, 7 nurses: 4.2 -> 5 whole doctors
    res = solve(_one_pair(40, 40, {"doctors": 0, "nurses": 7}),
                PairingOptions(team_doctors_per_nurse=0.6))
    assert sent(res, "A", "X", "nurses") == 7
    assert sent(res, "A", "X", "doctors") == 5


def test_the_staff_cap_leaves_out_the_team_doctors():
    # no doctor short: the cap of 20 counts the nurses; their ceil(20 / 3) = 7 team doctors
    # come on top (in the staff sent, not in the cap)
    res = solve(_one_pair(40, 40, {"doctors": 0, "nurses": 24}),
                PairingOptions(team_doctors_per_nurse=THIRD, max_total_sent=20))
    assert sent(res, "A", "X", "nurses") == 20
    assert sent(res, "A", "X", "doctors") == 7
    assert res.measures["staff_sent"] == 27 and res.measures["staff_capped"] == 20
    # 10 doctors short, 6 nurses: 6 nurses bring 2 team doctors; the 8 more the gap takes
    # count: cap 14 covers it all (6 + 8), 16 staff sent
    problem = _one_pair(40, 40, {"doctors": 10, "nurses": 6})
    res = solve(problem, PairingOptions(team_doctors_per_nurse=THIRD, max_total_sent=14))
    assert sent(res, "A", "X", "nurses") == 6 and sent(res, "A", "X", "doctors") == 10
    assert res.measures["staff_sent"] == 16 and res.measures["staff_capped"] == 14
    assert res.measures["shortfall_staff_days"] == 0
    # cap 13: one staff-day short, whichever cadre
    res = solve(problem, PairingOptions(team_doctors_per_nurse=THIRD, max_total_sent=13))
    assert res.measures["shortfall_staff_days"] == 1
    assert res.measures["staff_capped"] == 13


def test_each_pair_brings_its_own_doctors():
    # two donors for one city, k = 2: A has nurses and no doctors, so A can send none;
    # B brings 6 doctors for its 18 nurses
    problem = make_problem({"A": {"doctors": 0, "nurses": 30},
                            "B": {"doctors": 6, "nurses": 30}},
                           {"X": {"doctors": 0, "nurses": 24}})
    res = solve(problem, PairingOptions(team_doctors_per_nurse=THIRD))
    got = res.flows.set_index(["donor_code", "resource"])["quantity"]
    assert got.get(("A", "nurses"), 0.0) == 0
    assert got[("B", "nurses")] == 18 and got[("B", "doctors")] == 6
    assert res.measures["shortfall_staff_days"] == 6


def test_rule_turns_away_the_methods_that_cannot_honour_it():
    # 1:1 with no cap would be the assignment method; under the rule the compact MIP runs
    problem = make_problem({"A": {"doctors": 5, "nurses": 30},
                            "B": {"doctors": 1, "nurses": 30}},
                           {"X": {"doctors": 0, "nurses": 24}, "Y": {"nurses": 3}})
    opts = PairingOptions(max_donors_per_recipient=1, team_doctors_per_nurse=THIRD)
    inst = build_instance(problem, opts)
    assert choose_method(inst, opts).method is Method.COMPACT
    assert not choose_method(inst, opts).transport_applies
    for form in ("assignment", "subsets", "transport"):
        with pytest.raises(ConfigError, match="team rule"):
            choose_method(inst, PairingOptions(max_donors_per_recipient=1,
                                               team_doctors_per_nurse=THIRD,
                                               formulation=form))
    res = solve(problem, opts)
    # A: 15 nurses with its 5 doctors to X; B: 3 nurses with its 1 doctor to Y
    assert sent(res, "A", "X", "nurses") == 15 and sent(res, "B", "Y", "nurses") == 3
    assert sent(res, "B", "Y", "doctors") == 1


def test_greedy_honours_the_rule():
    problem = make_problem({"A": {"doctors": 5, "nurses": 30},
                            "B": {"doctors": 2, "nurses": 30}},
                           {"X": {"doctors": 0, "nurses": 24}, "Y": {"nurses": 10}})
    opts = PairingOptions(team_doctors_per_nurse=THIRD)
    inst = build_instance(problem, opts)
    chosen, q = greedy_plan(inst, opts)
    assert not breaches(inst.team, q).any()
    assert q.sum() > 0
    res = solve_greedy(problem, opts)
    assert res.measures["staff_sent"] == q.sum()


@pytest.mark.parametrize("seed", range(20))
def test_random_plans_keep_the_rule_and_capacity(seed: int):
    """Property: on random problems every pair of the optimum sends at least rho doctors per
    nurse, no donor sends more than it has, the staff cap holds (the optimum's and the
    greedy plan's), the optimum is no worse than the greedy plan, and without a cap the
    rule never lowers the shortfall (it only takes options away)."""
    rng = np.random.default_rng(seed)
    donors = {f"D{i}": {"doctors": float(rng.integers(0, 12)),
                        "nurses": float(rng.integers(0, 40))} for i in range(4)}
    gaps = {f"R{j}": {"doctors": [float(x) for x in rng.integers(0, 6, 3)],
                      "nurses": [float(x) for x in rng.integers(0, 30, 3)]}
            for j in range(3)}
    problem = make_problem(donors, gaps, km={(d, r): float(rng.integers(10, 900))
                                             for d in donors for r in gaps})
    rho = float(rng.choice([0.25, THIRD, 0.6, 1.5]))
    cap = float(rng.integers(10, 80)) if seed % 2 else None
    opts = PairingOptions(team_doctors_per_nurse=rho, max_total_sent=cap,
                          max_recipients_per_donor=int(rng.integers(1, 3)))
    res = solve(problem, opts)
    flows = res.flows.pivot_table(index=["donor_code", "recipient_code"],
                                  columns="resource", values="quantity", fill_value=0.0)
    assert (flows["doctors"] >= rho * flows["nurses"] - 1e-6).all()
    out = res.flows.groupby(["donor_code", "resource"])["quantity"].sum()
    for (d, s), v in out.items():
        assert v <= donors[d][s] + 1e-9
    if cap is not None:
        assert res.measures["staff_capped"] <= cap + 1e-9
        greedy_capped = solve_greedy(problem, opts).measures["staff_capped"]
        assert greedy_capped <= cap + 1e-9
    if cap is None:  # (under a cap the team doctors come on top, so they may cover more)
        free = solve(problem, PairingOptions(
            max_recipients_per_donor=opts.max_recipients_per_donor))
        assert (res.measures["shortfall_staff_days"]
                >= free.measures["shortfall_staff_days"] - 1e-6)
    greedy = solve_greedy(problem, opts)
    assert res.objective <= greedy.objective + 1e-6


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf"), "0.6", True])
def test_bad_ratio_is_refused(bad: object):
    with pytest.raises(ConfigError, match="team_doctors_per_nurse"):
        team_rule(("doctors", "nurses"), bad)  # type: ignore[arg-type]


def test_nurses_without_doctors_is_refused_while_the_rule_is_on():
    problem = make_problem({"A": 30}, {"X": 24})  # nurses only
    with pytest.raises(ConfigError, match="'doctors'"):
        solve(problem, PairingOptions(team_doctors_per_nurse=0.5))
    assert sent(solve(problem), "A", "X") == 24
    # no nurses in the problem: nothing for the rule to do
    assert team_rule(("beds",), 0.5) is None


def test_fit_and_scale_amounts_by_hand():
    rule = team_rule(("doctors", "nurses"), THIRD)
    assert rule is not None
    # wants 2 doctors, 24 nurses; 5 doctors left: 15 nurses, 5 doctors
    a = fit_amounts(rule, np.array([[2.0, 24.0]]), np.array([5.0]), integer=True)
    assert a.tolist() == [[5.0, 15.0]]
    # wants 0 doctors and 7 nurses: ceil(7 / 3) = 3 doctors
    a = fit_amounts(rule, np.array([[0.0, 7.0]]), np.array([10.0]), integer=True)
    assert a.tolist() == [[3.0, 7.0]]
    # 3 doctors and 7 nurses: the cap counts the 7 nurses (3 team doctors aside); cut to 6:
    # floor(6) nurses and their ceil(6 / 3) = 2 doctors
    assert scale_amounts(rule, np.array([3.0, 7.0]), 6.0, integer=True).tolist() == [2.0, 6.0]
    assert scale_amounts(rule, np.array([3.0, 7.0]), 7.0, integer=True).tolist() == [3.0, 7.0]
    # 5 doctors, 7 nurses: 2 doctors beyond the team count, 9 in all; cut to 4.5: floor(3.5)
    # = 3 nurses, 1 team doctor and floor(1.0) = 1 more
    assert scale_amounts(rule, np.array([5.0, 7.0]), 4.5, integer=True).tolist() == [2.0, 3.0]
    # without a rule every resource counts and is scaled
    assert scale_amounts(None, np.array([3.0, 7.0]), 5.0, integer=True).tolist() == [1.0, 3.0]


def test_two_pairs_share_the_cap():
    # two cities short 1 doctor and 6 nurses each, 1:3: each team's 2 doctors cover its
    # city's doctor, so the cap counts the nurses only: 12 covers all (16 staff sent)
    problem = make_problem({"A": {"doctors": 10, "nurses": 10},
                            "B": {"doctors": 10, "nurses": 10}},
                           {"X": {"doctors": 1, "nurses": 6}, "Y": {"doctors": 1, "nurses": 6}},
                           km={("A", "X"): 10.0, ("B", "Y"): 10.0})
    opts = PairingOptions(team_doctors_per_nurse=THIRD, max_total_sent=12)
    res = solve(problem, opts)
    assert res.flows.loc[res.flows.resource == "nurses", "quantity"].tolist() == [6.0, 6.0]
    assert res.flows.loc[res.flows.resource == "doctors", "quantity"].tolist() == [2.0, 2.0]
    assert res.measures["staff_sent"] == 16 and res.measures["shortfall_staff_days"] == 0
    # cap 11: 6 + 5 nurses, still 2 doctors each (ceil(5 / 3) = 2): 1 nurse-day short
    res = solve(problem, PairingOptions(team_doctors_per_nurse=THIRD, max_total_sent=11))
    assert sorted(res.flows.loc[res.flows.resource == "nurses", "quantity"]) == [5.0, 6.0]
    assert res.flows.loc[res.flows.resource == "doctors", "quantity"].tolist() == [2.0, 2.0]
    assert res.measures["staff_sent"] == 15 and res.measures["shortfall_staff_days"] == 1
    greedy = solve_greedy(problem, opts)
    assert greedy.measures["staff_capped"] <= 12
    flows = greedy.flows.pivot_table(index=["donor_code", "recipient_code"],
                                     columns="resource", values="quantity")
    assert not breaches(build_instance(problem, opts).team,
                        flows[["doctors", "nurses"]].to_numpy()).any()


def test_no_doctor_beyond_what_a_team_or_a_gap_needs():
    """Doctors to spare cost nothing in the objective (no burden terms), so the flows must
    not carry any: on every pair doctors = max(ceil(rho nurses), the doctors its city's gap
    takes), never more than the city's peak doctor gap plus the teams' need."""
    problem = make_problem({"A": {"doctors": 400, "nurses": 30},
                            "B": {"doctors": 300, "nurses": 30}},
                           {"X": {"doctors": 0, "nurses": 24},
                            "Y": {"doctors": [12, 3], "nurses": [6, 6]}})
    res = solve(problem, PairingOptions(team_doctors_per_nurse=THIRD))
    got = res.flows.pivot_table(index="recipient_code", columns="resource",
                                values="quantity", aggfunc="sum")
    assert got.loc["X", "nurses"] == 24 and got.loc["X", "doctors"] == 8
    # Y: 12 doctors short on day 1 (more than 6 / 3 = 2 for its team): 12, not 14 or 300
    assert got.loc["Y", "nurses"] == 6 and got.loc["Y", "doctors"] == 12
    assert res.measures["staff_sent"] == 24 + 8 + 6 + 12
