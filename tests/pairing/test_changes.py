"""Re-planning: every change against the plan in force is listed with its reason (issue 19,
kind 4)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from pairaid.pairing import PairingOptions, solve
from pairaid.pairing.analysis.changes import CHANGE_COLUMNS, change_counts, plan_changes

from .helpers import make_problem

PREVIOUS = Path(__file__).parents[1] / "data" / "cases" / "c0015" / "previous_pairs.csv"


def _pairs(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["donor_code", "recipient_code", "sent"])


@pytest.mark.parametrize("change_cost", [None, 0.05])
def test_every_change_type_and_reason(change_cost: float | None) -> None:
    previous = [("A", "X"), ("B", "Y"), ("C", "Z"), ("D", "W"), ("E", "X"), ("F", "Y"),
                ("G", "Z")]
    new = _pairs([("A", "X", 5.0),   # kept, sends
                  ("B", "Y", 0.0),   # kept, B has nothing left
                  ("C", "Z", 0.0),   # kept, Z has no gap
                  ("D", "W", 0.0),   # kept, staff better used elsewhere
                  ("H", "W", 7.0)])  # added
    # dropped: E->X (E has no capacity), F->Y (both could work), G->Z (Z has no gap)
    capacity = {"A": 10, "B": 0, "C": 5, "D": 5, "E": 0, "F": 8, "G": 3, "H": 9}
    gap = {"X": 4, "Y": 6, "Z": 0, "W": 9}
    t = plan_changes(previous, new, capacity=capacity, peak_gap=gap, change_cost=change_cost)
    assert list(t.columns) == list(CHANGE_COLUMNS)
    assert list(t["change"]) == ["dropped"] * 3 + ["added"] + ["kept"] * 4
    reason = {(d, r): text for d, r, text in zip(t.donor_code, t.recipient_code, t.reason,
                                                  strict=True)}
    assert reason[("A", "X")] == "kept from the plan in force"
    assert "B has no staff left" in reason[("B", "Y")]
    assert "Z has no staff gap" in reason[("C", "Z")]
    assert "lowers the shortfall most" in reason[("D", "W")]
    for key in (("B", "Y"), ("C", "Z"), ("D", "W")):
        assert "sends no staff" in reason[key]
        assert ("use --change-cost" in reason[key]) == (change_cost is None)
    assert reason[("E", "X")].startswith("withdrawn: E has no staff left")
    assert reason[("F", "Y")].startswith("withdrawn: another pairing")
    assert reason[("G", "Z")].startswith("withdrawn: Z has no staff gap")
    assert reason[("H", "W")].startswith("new pair")
    assert change_counts(t) == {"pairs_kept": 4, "pairs_dropped": 3, "pairs_added": 1,
                                "changed_pairs": 4}
    dropped = t[t["change"] == "dropped"]
    assert (dropped["sent"] == 0).all()


def test_forbidden_and_fixed_pairs_give_their_own_reason() -> None:
    """c0015 kind: a pair of the plan in force dropped because the user forbade it, or
    pushed out by a new fixed pair, said "another pairing serves the cities better"; a
    fixed pair was "worth more than its change cost" (found on c0015's data-before with
    --forbid CN-AA:420900, and with --fix CN-CC:420900 --k 1, --change-cost 0.05)."""
    previous = [("A", "X"), ("B", "Y"), ("C", "Z")]
    new = _pairs([("D", "X", 5.0), ("E", "Y", 6.0), ("C", "W", 4.0)])
    capacity = {"A": 10, "B": 10, "C": 10, "D": 10, "E": 10}
    gap = {"X": 5, "Y": 6, "Z": 3, "W": 4}
    t = plan_changes(previous, new, capacity=capacity, peak_gap=gap, change_cost=0.05,
                     fixed=[("E", "Y"), ("C", "W")], forbidden=[("A", "X")])
    reason = {(d, r): text for d, r, text in zip(t.donor_code, t.recipient_code, t.reason,
                                                  strict=True)}
    assert reason[("A", "X")].startswith("withdrawn: the pair is forbidden (--forbid)")
    assert reason[("B", "Y")].startswith("withdrawn: fixed pair E→Y (--fix) took a place "
                                         "of Y (--k)")
    assert reason[("C", "Z")].startswith("withdrawn: fixed pair C→W (--fix) took a place "
                                         "of C (--m)")
    assert reason[("E", "Y")] == reason[("C", "W")] == "new pair: fixed (--fix)"
    assert reason[("D", "X")].startswith("new pair (worth more")


def test_c0015_forbidden_previous_pair_is_reported_as_forbidden(
        run_case: Callable[..., tuple[int, Path, str]]) -> None:
    code, out, text = run_case("c0015", "data-before", "--horizon", "3", "--no-official",
                               "--previous", str(PREVIOUS), "--forbid", "CN-AA:420900",
                               "--change-cost", "0.05")
    assert code == 0, text
    t = _changes(out).set_index(["donor_code", "recipient_code", "change"])["reason"]
    assert t[("CN-AA", "420900", "dropped")].startswith("withdrawn: the pair is forbidden")
    assert "forbidden (--forbid)" in text


def test_changes_agree_with_the_engine_on_random_replans() -> None:
    rng = np.random.default_rng(15)
    for _ in range(25):
        donors = [f"D{i}" for i in range(4)]
        recips = [f"R{i}" for i in range(3)]
        caps = {d: float(rng.choice([0.0, 10.0, 30.0])) for d in donors}
        gaps = {r: float(rng.choice([0.0, 15.0, 40.0])) for r in recips}
        km = {(d, r): float(rng.integers(50, 500)) for d in donors for r in recips}
        problem = make_problem(caps, gaps, km)
        previous = [(donors[i], recips[i % 3]) for i in rng.permutation(4)[:3]]
        cost = float(rng.choice([0.01, 1.0, 100.0]))
        r = solve(problem, PairingOptions(previous_pairs=previous, keep_previous=False,
                                          change_cost=cost))
        t = plan_changes(previous, r.pairs, capacity=caps, peak_gap=gaps, change_cost=cost)
        new = set(zip(r.pairs.donor_code, r.pairs.recipient_code, strict=True))
        by = {c: set(zip(g.donor_code, g.recipient_code, strict=True))
              for c, g in t.groupby("change")}
        assert by.get("kept", set()) == new & set(previous)
        assert by.get("dropped", set()) == set(previous) - new
        assert by.get("added", set()) == new - set(previous)
        assert change_counts(t)["changed_pairs"] == r.measures["changed_pairs"]


def _changes(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "changes.csv", dtype={"recipient_code": str})


def test_c0015_dropped_team_is_reported_everywhere(
        run_case: Callable[..., tuple[int, Path, str]]) -> None:
    """c0015: with --change-cost 0.05 CN-AA (capacity now 0) -> 420900 was dropped and
    CN-CC -> 420900 added, without a word in console, run files, report or workbook."""
    code, out, printed = run_case("c0015", "data-zero-capacity", "--horizon", "3",
                                  "--no-official", "--previous", str(PREVIOUS),
                                  "--change-cost", "0.05", "--report", "--xlsx")
    assert code == 0
    t = _changes(out).set_index(["donor_code", "recipient_code"])
    assert t.loc[("CN-AA", "420900"), "change"] == "dropped"
    assert "CN-AA has no staff left" in t.loc[("CN-AA", "420900"), "reason"]
    assert t.loc[("CN-CC", "420900"), "change"] == "added"
    assert t.loc[("CN-BB", "421100"), "change"] == "kept"
    text = " ".join(printed.split())
    assert "1 kept, 1 dropped, 1 added" in text
    assert "dropped: CN-AA (CN-AA) → 420900 (420900)" in text
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["pairaid"]
    assert (metrics["pairs_dropped"], metrics["pairs_added"], metrics["changed_pairs"]) \
        == (1, 1, 2)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="sec-changes"' in page and "CN-AA has no staff left" in page
    ws = load_workbook(out / "plan.xlsx")["changes"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert ("CN-AA", "420900", "dropped") in {r[:3] for r in rows}


@pytest.mark.parametrize(("data", "why"), [
    ("data-zero-capacity", "CN-AA has no staff left to send"),
    ("data-no-gap", "420900 has no staff gap"),
])
def test_c0015_kept_idle_pair_says_why(
        data: str, why: str, run_case: Callable[..., tuple[int, Path, str]]) -> None:
    """c0015: a kept previous pair that sends nothing got the sentence "Every city with a
    gap gets a partner"; the reason is that --previous keeps it, and why it sends nothing."""
    code, out, printed = run_case("c0015", data, "--horizon", "3", "--no-official",
                                  "--previous", str(PREVIOUS))
    assert code == 0
    t = _changes(out).set_index(["donor_code", "recipient_code"])
    row = t.loc[("CN-AA", "420900")]
    assert row["change"] == "kept" and row["sent"] == 0
    assert why in row["reason"] and "use --change-cost to let it go" in row["reason"]
    text = " ".join(printed.split())
    assert "Every city with a gap gets a partner" not in text
    assert why in text
