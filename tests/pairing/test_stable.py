"""Deferred acceptance and the blocking-pair check on hand-made rankings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairaid.errors import ConfigError
from pairaid.pairing import PairingOptions, solve
from pairaid.pairing.analysis.stable import (
    blocking_pairs,
    check_stability,
    deferred_acceptance,
    rankings,
    stable_pairs,
)

from .helpers import make_problem, pair_set


def test_gale_shapley_classic_example_donor_optimal():
    # Gale & Shapley (1962) style 3x3: donors propose and get their first choices when
    # those are all different; recipients' rankings do not matter then.
    dp = {"a": ["X", "Y", "Z"], "b": ["Y", "X", "Z"], "c": ["Z", "X", "Y"]}
    rp = {"X": ["b", "c", "a"], "Y": ["c", "a", "b"], "Z": ["a", "b", "c"]}
    pairs = deferred_acceptance(dp, rp, recipient_capacity=1)
    assert pairs == [("a", "X"), ("b", "Y"), ("c", "Z")]
    assert blocking_pairs(pairs, dp, rp, recipient_capacity=1) == []
    # the recipient-optimal matching is also stable but not what donors propose to
    other = [("b", "X"), ("c", "Y"), ("a", "Z")]
    assert blocking_pairs(other, dp, rp, recipient_capacity=1) == []


def test_rejection_chain_by_hand():
    # Both donors want X; X prefers b, so a is rejected and falls to Y.
    dp = {"a": ["X", "Y"], "b": ["X", "Y"]}
    rp = {"X": ["b", "a"], "Y": ["a", "b"]}
    assert deferred_acceptance(dp, rp, recipient_capacity=1) == [("a", "Y"), ("b", "X")]


def test_recipient_capacity_two_takes_both():
    dp = {"a": ["X"], "b": ["X"], "c": ["X"]}
    rp = {"X": ["c", "a", "b"]}
    assert deferred_acceptance(dp, rp, recipient_capacity=2) == [("a", "X"), ("c", "X")]


def test_blocking_pair_found_in_an_unstable_pairing():
    dp = {"a": ["X", "Y"], "b": ["X", "Y"]}
    rp = {"X": ["b", "a"], "Y": ["a", "b"]}
    # b and X both prefer each other to their partners
    assert blocking_pairs([("a", "X"), ("b", "Y")], dp, rp,
                          recipient_capacity=1) == [("b", "X")]


def test_unranked_imposed_partner_counts_as_worst():
    dp = {"a": ["X"], "b": ["X"]}
    rp = {"X": ["a"]}  # X does not rank b, but an official plan may impose it
    assert blocking_pairs([("b", "X")], dp, rp, recipient_capacity=1) == [("a", "X")]


def test_bad_rankings_are_config_errors():
    with pytest.raises(ConfigError, match="ranks unknown codes"):
        deferred_acceptance({"a": ["Q"]}, {"X": ["a"]})
    with pytest.raises(ConfigError, match="twice"):
        deferred_acceptance({"a": ["X", "X"]}, {"X": ["a"]})
    with pytest.raises(ConfigError, match="absent from the rankings"):
        blocking_pairs([("z", "X")], {"a": ["X"]}, {"X": ["a"]})


def test_rankings_from_problem_and_stable_pairs():
    p = make_problem({"A": 10, "B": 3}, {"X": 8, "Y": 3},
                     km={("A", "X"): 100, ("A", "Y"): 200, ("B", "X"): 300, ("B", "Y"): 50})
    dp, rp = rankings(p)
    assert dp == {"A": ["X", "Y"], "B": ["Y", "X"]}
    assert rp["X"] == ["A", "B"]  # A can send 8, B only 3
    pairs = stable_pairs(p, PairingOptions(max_donors_per_recipient=1))
    assert set(pairs) == {("A", "X"), ("B", "Y")}
    evaluated = solve(p, PairingOptions(exact_pairs=pairs))
    assert pair_set(evaluated) == set(pairs)


@st.composite
def markets(draw):
    nd = draw(st.integers(1, 6))
    nr = draw(st.integers(1, 5))
    donors = [f"d{i}" for i in range(nd)]
    recips = [f"r{j}" for j in range(nr)]
    acceptable = draw(st.lists(st.booleans(), min_size=nd * nr, max_size=nd * nr))
    ok = {(d, r) for (d, r), a in zip([(d, r) for d in donors for r in recips], acceptable,
                                      strict=True) if a}
    dp = {d: draw(st.permutations([r for r in recips if (d, r) in ok])) for d in donors}
    rp = {r: draw(st.permutations([d for d in donors if (d, r) in ok])) for r in recips}
    k = {r: draw(st.integers(0, 3)) for r in recips}
    m = {d: draw(st.integers(0, 2)) for d in donors}
    return dp, rp, k, m


@settings(max_examples=200, deadline=None)
@given(markets())
def test_deferred_acceptance_is_always_pairwise_stable(market):
    dp, rp, k, m = market
    pairs = deferred_acceptance(dp, rp, recipient_capacity=k, donor_capacity=m)
    assert len(set(pairs)) == len(pairs)
    for d, r in pairs:
        assert r in dp[d] and d in rp[r]
    assert blocking_pairs(pairs, dp, rp, recipient_capacity=k, donor_capacity=m) == []


def test_check_stability_of_a_given_plan():
    p = make_problem({"A": 10, "B": 3}, {"X": 8, "Y": 3},
                     km={("A", "X"): 100, ("A", "Y"): 200, ("B", "X"): 300, ("B", "Y"): 50})
    opts = PairingOptions(max_donors_per_recipient=1)
    assert check_stability(p, [("A", "X"), ("B", "Y")], opts) == []
    # crossed plan: A prefers X (nearer) and X prefers A (sends more) -> (A, X) blocks
    assert ("A", "X") in check_stability(p, [("A", "Y"), ("B", "X")], opts)
    # a donor with more recipients than m is judged on preferences, not rejected
    assert check_stability(p, [("A", "X"), ("A", "Y")], opts) == [("B", "Y")]
    with pytest.raises(ConfigError, match="not in the problem"):
        check_stability(p, [("Q", "X")], opts)


def _brute_blocking(match: set[tuple[str, str]], dp: dict[str, list[str]],
                    rp: dict[str, list[str]], kc: dict[str, int], mc: dict[str, int]
                    ) -> list[tuple[str, str]]:
    """Pairwise blocking pairs by the definition (Roth 1984), strict list order."""
    out = []
    for d, lst in dp.items():
        mine = [r for x, r in match if x == d]
        for r in lst:
            if (d, r) in match or d not in rp[r]:
                continue
            theirs = [x for x, y in match if y == r]
            d_gains = len(mine) < mc[d] or any(lst.index(r) < lst.index(x) for x in mine)
            r_gains = len(theirs) < kc[r] or any(rp[r].index(d) < rp[r].index(x)
                                                 for x in theirs)
            if d_gains and r_gains:
                out.append((d, r))
    return sorted(out)


def test_c0021_deferred_acceptance_agrees_with_brute_force() -> None:
    """c0021 (passing, guarded): random markets with incomplete lists (pairs acceptable to
    one side only) and capacities 0..2; every feasible matching enumerated. Deferred
    acceptance is stable, donor-optimal when m <= 1, and blocking_pairs() equals the
    brute-force blocking pairs."""
    import itertools
    import random

    rng = random.Random(21)
    for _ in range(250):
        donors = [f"D{i}" for i in range(rng.randint(2, 4))]
        recips = [f"R{j}" for j in range(rng.randint(1, 3))]
        dp = {d: rng.sample(recips, rng.randint(0, len(recips))) for d in donors}
        rp = {r: rng.sample(donors, rng.randint(0, len(donors))) for r in recips}
        kc = {r: rng.randint(0, 2) for r in recips}
        mc = {d: rng.randint(0, 2) for d in donors}
        acceptable = [(d, r) for d in donors for r in dp[d] if d in rp[r]]
        feasible = [set(sub) for n in range(len(acceptable) + 1)
                    for sub in itertools.combinations(acceptable, n)
                    if all(sum(1 for x, _ in sub if x == d) <= mc[d] for d in donors)
                    and all(sum(1 for _, y in sub if y == r) <= kc[r] for r in recips)]
        stable = [m for m in feasible if not _brute_blocking(m, dp, rp, kc, mc)]
        da = set(deferred_acceptance(dp, rp, recipient_capacity=kc, donor_capacity=mc))
        assert da in stable
        if max(mc.values()) <= 1:  # donor-optimal: no stable matching is better for a donor
            for m in stable:
                for d in donors:
                    got = [r for x, r in da if x == d]
                    alt = [r for x, r in m if x == d]
                    if alt:
                        assert got and dp[d].index(got[0]) <= dp[d].index(alt[0])
        for m in rng.sample(feasible, min(5, len(feasible))):
            assert blocking_pairs(m, dp, rp, recipient_capacity=kc, donor_capacity=mc) \
                == _brute_blocking(m, dp, rp, kc, mc)


def test_c0021_cli_stable_matching_with_zero_capacity_and_forbidden_pair(
        run_case) -> None:  # type: ignore[no-untyped-def]
    """c0021: CN-AA may take 0 cities (--m-donor CN-AA=0), CN-CC-421100 is forbidden; by
    hand the unique stable result is CN-BB->421100, CN-CC->420900."""
    import json

    code, out, _ = run_case("c0021", "data", "--horizon", "3", "--no-official",
                            "--m-donor", "CN-AA=0", "--forbid", "CN-CC:421100", "--explain")
    assert code == 0
    why = json.loads((out / "explain_stability.json").read_text(encoding="utf-8"))
    assert why["stable_pairs"] == [["CN-BB", "421100"], ["CN-CC", "420900"]]
