"""Donor burden with several resources: the largest share, not a pooled ratio (issue 19, kind 7)."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pairaid.burden import burden_deviation, burden_table, dominant_burden
from pairaid.pairing import PairingOptions, solve

from .helpers import make_problem


def test_dominant_burden_is_the_largest_share() -> None:
    sent = np.array([[10.0, 0.0], [10.0, 50.0], [0.0, 0.0], [0.0, 0.0]])
    cap = np.array([[10.0, 1000.0], [100.0, 100.0], [5.0, 0.0], [0.0, 0.0]])
    got = dominant_burden(sent, cap)
    assert got[:3].tolist() == [1.0, 0.5, 0.0] and np.isnan(got[3])
    # pooled, the first donor would read 10 / 1010 (about 1 %)
    assert got[0] != pytest.approx(10 / 1010)
    # deviation per resource: overall doctors 20/115, nurses 50/1100
    od, on = 20 / 115, 50 / 1100
    expected = (abs(1 - od) + abs(0.1 - od) + abs(0 - od) + abs(0 - on) + abs(0.5 - on))
    assert burden_deviation(sent, cap) == pytest.approx(expected)


def test_burden_table_names_the_dominant_resource() -> None:
    flows = pd.DataFrame({"donor_code": ["A", "A", "B", "B"],
                          "recipient_code": "X", "resource": ["doctors", "nurses"] * 2,
                          "quantity": [10.0, 0.0, 10.0, 60.0]})
    caps = pd.DataFrame({"donor_code": ["A", "A", "B", "B"],
                         "resource": ["doctors", "nurses"] * 2,
                         "capacity": [10.0, 1000.0, 100.0, 100.0]})
    t = burden_table(flows, caps, ["doctors", "nurses"]).set_index("donor_code")
    assert t.loc["A", "burden"] == 1.0 and t.loc["A", "dominant_resource"] == "doctors"
    assert t.loc["B", "burden"] == 0.6 and t.loc["B", "dominant_resource"] == "nurses"
    assert t.loc["B", "sent"] == 70 and t.loc["B", "capacity"] == 200


@pytest.mark.parametrize("seed", range(6))
def test_min_max_fairness_with_several_resources(seed: int) -> None:
    """One recipient needs doctors and nurses; all donors may join (k large), shortfall
    weighs most, then fairness, and distance is nearly free. With continuous flows each
    resource can be split in proportion to capacity, so the least largest share is, by hand,
    max(G_doctors / sum of doctor capacities, G_nurses / sum of nurse capacities),
    whatever the other resource's capacities are."""
    rng = np.random.default_rng(seed)
    donors = [f"D{i}" for i in range(int(rng.integers(2, 5)))]
    caps = {d: {"doctors": float(rng.integers(5, 60)), "nurses": float(rng.integers(5, 600))}
            for d in donors}
    total = {s: sum(c[s] for c in caps.values()) for s in ("doctors", "nurses")}
    need = {"doctors": float(rng.integers(1, int(total["doctors"]))),
            "nurses": float(rng.integers(0, int(total["nurses"]) // 3))}
    problem = make_problem(caps, {"X": need}, km=1.0,
                           weights={"doctors": 1e4, "nurses": 1e4})
    r = solve(problem, PairingOptions(burden_max_weight=100.0, distance_weight=1e-6,
                                      integer_flows=False,
                                      max_donors_per_recipient=len(donors)))
    best = max(need[s] / total[s] for s in need)
    assert r.measures["max_burden"] == pytest.approx(best, abs=1e-6)
    # the measure is the largest share over donors and resources, read from the flows
    shares = [r.flows.loc[(r.flows.donor_code == d) & (r.flows.resource == s),
                          "quantity"].sum() / caps[d][s] for d in donors for s in need]
    assert r.measures["max_burden"] == pytest.approx(max(shares), abs=1e-9)
    assert r.measures["shortfall_staff_days"] == pytest.approx(0.0, abs=1e-6)


def test_deviation_term_per_resource() -> None:
    # A: 10 doctors, 1,000 nurses; B: 30 doctors, 0 nurses; 8 doctors needed. Per resource
    # the proportional split is A 2, B 6 (share 0.2 each): deviation 0. Pooled, A's nurses
    # would make the "proportional" split send almost everything from A.
    p = make_problem({"A": {"doctors": 10, "nurses": 1000}, "B": {"doctors": 30, "nurses": 0}},
                     {"X": {"doctors": 8, "nurses": 0}})
    r = solve(p, PairingOptions(burden_deviation_weight=1.0))
    f = r.flows[r.flows.resource == "doctors"].set_index("donor_code")["quantity"]
    assert (f["A"], f["B"]) == (2, 6)
    assert r.terms["burden_deviation"] == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize(("data", "fairness", "flows", "burden", "objective"), [
    ("data-baseline", None, {"CN-AA": 60}, 0.6, 0.1),
    ("data-baseline", "10", {"CN-AA": 40, "CN-BB": 20}, 0.4, 4.6),
    ("data-mixed", None, {"CN-BB": 10}, 0.1, 0.1),
    ("data-mixed", "10", {"CN-BB": 10}, 0.1, 1.1),
])
def test_c0018_fairness_does_not_drain_a_donor_of_one_resource(
        data: str, fairness: str | None, flows: dict[str, float], burden: float,
        objective: float, run_case: Callable[..., tuple[int, Path, str]]) -> None:
    """c0018: with --fairness 10, CN-AA (10 doctors, 1,000 nurses) sent all 10 doctors and
    the pooled burden read 0.0099. By hand: CN-AA's burden would be 10/10 = 1, CN-BB's
    10/100 = 0.1, so min-max fairness keeps CN-BB (burden 0.1; objective 10 x 0.1 + 0.001 x
    100 km = 1.1). The baseline (one resource) is unchanged: 40/20, burden 0.4, 4.6."""
    extra = ["--fairness", fairness] if fairness else []
    code, out, _ = run_case("c0018", data, "--horizon", "3", "--no-official", *extra)
    assert code == 0
    got = pd.read_csv(out / "flows.csv")
    got = got[got["quantity"] > 0].groupby("donor_code")["quantity"].sum().to_dict()
    assert got == flows
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["pairaid"]
    assert metrics["max_donor_burden"] == pytest.approx(burden)
    assert metrics["objective"] == pytest.approx(objective)


def test_burden_table_in_flow_order_with_missing_rows_by_hand() -> None:
    """Donors in the flows' order (not sorted), resources in the order asked, a resource a
    donor sends none of (no flow row: 0 sent), a resource it has no capacity row for (no
    share) and a donor with no capacity at all (no burden, no dominant resource)."""
    flows = pd.DataFrame({"donor_code": ["C", "B", "A", "B"], "recipient_code": "X",
                          "resource": ["nurses", "nurses", "doctors", "doctors"],
                          "quantity": [3.0, 4.0, 6.0, 1.0]})
    caps = pd.DataFrame({"donor_code": ["A", "B", "B"],
                         "resource": ["doctors", "doctors", "nurses"],
                         "capacity": [12.0, 10.0, 5.0]})
    t = burden_table(flows, caps, ["nurses", "doctors"])
    assert t["donor_code"].tolist() == ["C", "B", "A"]
    assert t["sent"].tolist() == [3.0, 5.0, 6.0]
    assert t["capacity"].tolist() == [0.0, 15.0, 12.0]
    # B: nurses 4/5 = 0.8, doctors 1/10; A: doctors 6/12 (no nurse capacity: no share)
    assert np.isnan(t["burden"].iloc[0]) and t["burden"].iloc[1:].tolist() == [0.8, 0.5]
    assert pd.isna(t["dominant_resource"].iloc[0])
    assert t["dominant_resource"].iloc[1:].tolist() == ["nurses", "doctors"]
    # the order of the resources asked for does not change a donor's burden
    t2 = burden_table(flows, caps, ["doctors", "nurses"])
    assert t2["burden"].iloc[1:].tolist() == [0.8, 0.5]
    assert t2["dominant_resource"].iloc[1:].tolist() == ["nurses", "doctors"]
    # B sends no nurses: its share of nurses is 0, not a missing row taken as sent
    t3 = burden_table(flows[flows["resource"] == "doctors"], caps, ["nurses", "doctors"])
    assert t3.set_index("donor_code")["burden"].to_dict() == {"B": 0.1, "A": 0.5}
    assert t3.set_index("donor_code")["dominant_resource"].to_dict() == {"B": "doctors",
                                                                         "A": "doctors"}


def test_burden_deviation_by_hand_on_whole_numbers() -> None:
    """Integer tables (staff are whole) give the float result; a resource no donor has
    (nurses here) has no share and adds nothing, without a 0 / 0 (no numpy warning)."""
    sent = np.array([[3, 0], [1, 0]])
    cap = np.array([[4, 0], [12, 0]])
    # doctors overall 4/16 = 0.25: |0.75 - 0.25| + |1/12 - 0.25|
    expected = 0.5 + (0.25 - 1 / 12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert burden_deviation(sent, cap) == pytest.approx(expected)
    assert burden_deviation(sent.astype(float), cap.astype(float)) == pytest.approx(expected)
    assert dominant_burden(sent, cap).tolist() == [0.75, 1 / 12]


def test_one_staff_capacity_counts() -> None:
    """A donor with one doctor who sends him is at share 1; the deviation from the overall
    share (1 of 1) is 0, not 1."""
    sent, cap = np.array([[1.0]]), np.array([[1.0]])
    assert dominant_burden(sent, cap).tolist() == [1.0]
    assert burden_deviation(sent, cap) == 0.0
    assert burden_deviation(np.array([[1.0], [0.0]]), np.array([[1.0], [1.0]])) == 1.0
