"""Stability with tied rankings: weak stability, independent of input row order (issue 19, kind 5).

With ties a pair blocks only when *both* sides strictly prefer each other to what they have
(weak stability, Irving 1994). The verdicts are checked against a brute-force reading of
that definition, and must not change when the rows of any input table are shuffled.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pairaid.pairing import PairingOptions, PairingProblem
from pairaid.pairing.analysis.stable import (
    blocking_pairs,
    check_stability,
    ranking_levels,
    rankings,
    stable_pairs,
    strict_order,
)

from .helpers import make_problem


def _shuffled(problem: PairingProblem, rng: np.random.Generator) -> PairingProblem:
    def mix(df: pd.DataFrame) -> pd.DataFrame:
        return df.sample(frac=1.0, random_state=int(rng.integers(2**31))).reset_index(drop=True)

    return PairingProblem(supply=mix(problem.supply), demand=mix(problem.demand),
                          distances=mix(problem.distances), weights=problem.weights)


def _tied_problem(rng: np.random.Generator) -> PairingProblem:
    """2-4 donors and 2-3 recipients; distances, capacities and gaps from tiny sets so that
    many ranking keys tie exactly."""
    donors = [f"D{i}" for i in range(int(rng.integers(2, 5)))]
    recips = [f"R{i}" for i in range(int(rng.integers(2, 4)))]
    km = {(d, r): float(rng.choice([100.0, 200.0])) for d in donors for r in recips
          if rng.random() < 0.85}
    return make_problem({d: float(rng.choice([5.0, 10.0, 20.0])) for d in donors},
                        {r: float(rng.choice([10.0, 20.0])) for r in recips}, km)


def _weakly_blocking(pairs: list[tuple[str, str]], dl: dict[str, dict[str, int]],
                     rl: dict[str, dict[str, int]], k: int, m: int) -> list[tuple[str, str]]:
    """Brute force: (d, r) blocks iff both would strictly gain (free place or a worse partner)."""
    out = []
    for d, lv in dl.items():
        mine = [r for x, r in pairs if x == d]
        for r in lv:
            if (d, r) in pairs or d not in rl[r]:
                continue
            theirs = [x for x, y in pairs if y == r]
            d_gains = len(mine) < m or any(lv[r] < lv[x] for x in mine)
            r_gains = len(theirs) < k or any(rl[r][d] < rl[r][x] for x in theirs)
            if d_gains and r_gains:
                out.append((d, r))
    return sorted(out)


def _matchings(dl: dict[str, dict[str, int]], rl: dict[str, dict[str, int]], k: int, m: int
               ) -> list[list[tuple[str, str]]]:
    acceptable = sorted((d, r) for d, lv in dl.items() for r in lv if d in rl[r])
    out = []
    for n in range(len(acceptable) + 1):
        for chosen in combinations(acceptable, n):
            if all(sum(1 for x, _ in chosen if x == d) <= m for d in dl) and \
                    all(sum(1 for _, y in chosen if y == r) <= k for r in rl):
                out.append(list(chosen))
    return out


def test_stability_under_random_tie_orders() -> None:
    rng = np.random.default_rng(2019)
    for _ in range(25):
        problem = _tied_problem(rng)
        k = int(rng.integers(1, 3))
        options = PairingOptions(max_donors_per_recipient=k, max_recipients_per_donor=1)
        dl, rl = ranking_levels(problem, options)
        stable = stable_pairs(problem, options)
        assert _weakly_blocking(stable, dl, rl, k, 1) == []
        matchings = _matchings(dl, rl, k, 1)
        # every feasible matching against brute force, with the levels of pairaid's rankings
        for mt in matchings:
            assert blocking_pairs(mt, strict_order(dl), strict_order(rl), recipient_capacity=k,
                                  donor_capacity=1, donor_levels=dl, recipient_levels=rl) \
                == _weakly_blocking(mt, dl, rl, k, 1), mt
        picks = rng.choice(len(matchings), min(2, len(matchings)), replace=False)
        sample = [matchings[i] for i in picks]
        verdicts = [check_stability(problem, mt, options) for mt in sample]
        assert verdicts == [_weakly_blocking(mt, dl, rl, k, 1) for mt in sample]
        mixed = _shuffled(problem, rng)
        assert ranking_levels(mixed, options) == (dl, rl)
        assert rankings(mixed, options) == (strict_order(dl), strict_order(rl))
        assert stable_pairs(mixed, options) == stable
        assert [check_stability(mixed, mt, options) for mt in sample] == verdicts


def test_ties_are_no_preference_but_strict_lists_are() -> None:
    prefs_d = {"A": ["X", "Y"], "B": ["X", "Y"]}
    prefs_r = {"X": ["A", "B"], "Y": ["A", "B"]}
    tied_d = {"A": {"X": 0, "Y": 0}, "B": {"X": 0, "Y": 0}}
    tied_r = {"X": {"A": 0, "B": 0}, "Y": {"A": 0, "B": 0}}
    pairing = [("A", "Y"), ("B", "X")]
    # as strict lists, A and X prefer each other; with the ties declared, nobody gains
    assert blocking_pairs(pairing, prefs_d, prefs_r, recipient_capacity=1) == [("A", "X")]
    assert blocking_pairs(pairing, prefs_d, prefs_r, recipient_capacity=1,
                          donor_levels=tied_d, recipient_levels=tied_r) == []
    # a strict preference on one side only is not enough
    half = {"A": {"X": 0, "Y": 1}, "B": {"X": 0, "Y": 0}}
    assert blocking_pairs(pairing, prefs_d, prefs_r, recipient_capacity=1,
                          donor_levels=half, recipient_levels=tied_r) == []
    both = {"X": {"A": 0, "B": 1}, "Y": {"A": 0, "B": 0}}
    assert blocking_pairs(pairing, prefs_d, prefs_r, recipient_capacity=1,
                          donor_levels=half, recipient_levels=both) == [("A", "X")]


@pytest.mark.parametrize("data", ["data", "data-swapped"])
def test_c0012_official_pairing_with_ties_is_stable_in_any_row_order(
        data: str, run_case: Callable[..., tuple[int, Path, str]]) -> None:
    """c0012: all distances 100 km and equal gaps; the verdict flipped with the row order of
    distances.csv. Both 1:1 pairings are weakly stable: 0 blocking pairs in both orders."""
    code, out, printed = run_case("c0012", data, "--horizon", "3", "--mode", "1:1",
                                  "--explain")
    assert code == 0
    why = json.loads((out / "explain_stability.json").read_text(encoding="utf-8"))
    assert why["official_blocking_pairs"] == []
    # ties broken by code: CN-AA proposes to its first city by code, 420900
    assert why["stable_pairs"] == [["CN-AA", "420900"], ["CN-BB", "421100"]]
    assert "weakly stable" in printed


def test_c0012_kind_the_plan_itself_does_not_depend_on_the_distance_rows(
        run_case: Callable[..., tuple[int, Path, str]]) -> None:
    """c0012's two data sets differ only in the row order of distances.csv, and both 1:1
    plans are optimal (every pair 100 km, equal gaps). The explanation no longer flipped,
    but the plan did: CN-BB->420900 and CN-AA->421100 from data/, the other pairing from
    data-swapped/. Candidate pairs are taken in donor, then recipient order, so both runs
    give the same plan."""
    plans = []
    for data in ("data", "data-swapped"):
        code, out, _ = run_case("c0012", data, "--horizon", "3", "--mode", "1:1")
        assert code == 0
        pairs = pd.read_csv(out / "pairs.csv", dtype=str)
        plans.append(sorted(zip(pairs["donor_code"], pairs["recipient_code"], strict=True)))
    assert plans[0] == plans[1]
    assert len(plans[0]) == 2 and {d for d, _ in plans[0]} == {"CN-AA", "CN-BB"}


def test_plans_do_not_depend_on_the_order_of_distance_rows() -> None:
    from pairaid.pairing import solve

    rng = np.random.default_rng(12)
    for _ in range(10):
        donors = [f"D{i}" for i in range(int(rng.integers(2, 5)))]
        recips = [f"R{i}" for i in range(int(rng.integers(2, 4)))]
        problem = make_problem({d: float(rng.choice([5.0, 10.0, 20.0])) for d in donors},
                               {r: float(rng.choice([10.0, 20.0])) for r in recips},
                               {(d, r): float(rng.choice([100.0, 200.0])) for d in donors
                                for r in recips})
        options = PairingOptions(max_donors_per_recipient=int(rng.integers(1, 3)),
                                 max_recipients_per_donor=len(recips))
        base = solve(problem, options).pairs
        mixed = PairingProblem(
            supply=problem.supply, demand=problem.demand, weights=problem.weights,
            distances=problem.distances.sample(frac=1.0, random_state=int(
                rng.integers(2**31))).reset_index(drop=True))
        again = solve(mixed, options).pairs
        cols = ["donor_code", "recipient_code", "sent"]
        assert base[cols].sort_values(cols[:2]).values.tolist() == \
            again[cols].sort_values(cols[:2]).values.tolist()
