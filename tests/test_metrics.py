"""Plan metrics recomputed independently from the run's tables, and gap properties."""

from __future__ import annotations

import pandas as pd
import pytest

from pairaid.gaps import compute_gaps
from pairaid.schemas import STAFF_RESOURCES


def test_reported_metrics_agree_with_the_tables(hubei_run) -> None:
    """Covered share = 1 - shortfall / gap; max burden = the largest share of one staff
    resource a donor sends; both recomputed here from flows, shortfall and capacities."""
    for key, result in (("pairaid", hubei_run.plan), (hubei_run.official_key,
                                                       hubei_run.official)):
        m = hubei_run.metrics[key]
        short = result.shortfall
        gap = float(short["gap"].sum())
        assert gap > 0  # the default plan has a staff gap (issue 9)
        assert m["shortfall_staff_days"] == pytest.approx(float(short["shortfall"].sum()))
        assert m["gap_covered_share"] == pytest.approx(
            1 - float(short["shortfall"].sum()) / gap)
        caps = hubei_run.donor_capacities.set_index(["donor_code", "resource"])["capacity"]
        # staff on site per donor and resource on the busiest day
        daily = result.flows.groupby(["donor_code", "resource", "date"])["quantity"].sum() \
            if "date" in result.flows else result.flows.groupby(
                ["donor_code", "resource"])["quantity"].sum()
        sent = daily.groupby(level=[0, 1]).max()
        burdens = [sent[i] / caps[i] for i in sent.index if sent[i] > 0 and caps[i] > 0]
        assert m["max_donor_burden"] == pytest.approx(max(burdens), rel=1e-6)
        assert all(m["max_donor_burden"] >= b - 1e-9 for b in burdens)


def _needs(values: dict[float, float]) -> pd.DataFrame:
    return pd.DataFrame([{"region_code": "X", "date": pd.Timestamp("2020-02-11"),
                          "resource": res, "quantile": q, "value": v * k,
                          "estimated": False}
                         for q, v in values.items()
                         for res, k in (("doctors", 0.3), ("nurses", 1.2))])


def test_gaps_are_read_at_the_planning_quantile() -> None:
    needs = _needs({0.1: 500.0, 0.5: 1000.0, 0.9: 2000.0})
    caps = pd.DataFrame({"region_code": "X", "resource": list(STAFF_RESOURCES),
                         "quantity": [1000.0, 1000.0], "estimated": False})
    params = {"covid_share_staff": 0.1, "covid_share_beds": 0.2}
    gaps = {q: compute_gaps(needs, caps, quantile=q, parameters=params)
            .set_index("resource")["gap"] for q in (0.1, 0.5, 0.9)}
    # nurses: 1.2 x census - 100 available
    assert gaps[0.1]["nurses"] == pytest.approx(500)
    assert gaps[0.5]["nurses"] == pytest.approx(1100)
    assert gaps[0.9]["nurses"] == pytest.approx(2300)
    # a higher planning quantile never lowers a gap
    for res in STAFF_RESOURCES:
        assert gaps[0.1][res] <= gaps[0.5][res] <= gaps[0.9][res]


def _result(status: str = "optimal", bound: float = 7.0, mip_gap: float = 0.0):
    """A two-donor, two-recipient plan typed in by hand (flows, shortfall, pairs)."""
    from pairaid.pairing import PairingResult
    from pairaid.pairing.highs import SolveStatus

    pairs = pd.DataFrame({"donor_code": ["A", "B", "B"], "recipient_code": ["X", "X", "Y"],
                          "distance_km": [100.0, 300.0, 50.0]})
    flows = pd.DataFrame({"donor_code": ["A", "A", "B", "B", "B", "B"],
                          "recipient_code": ["X", "X", "X", "X", "Y", "Y"],
                          "resource": ["doctors", "nurses"] * 3,
                          "quantity": [4.0, 6.0, 1.0, 2.0, 0.0, 3.0]})
    day = pd.Timestamp("2020-02-11")
    shortfall = pd.DataFrame({"recipient_code": ["X", "X", "Y", "Y", "Y"],
                              "resource": ["doctors", "nurses", "doctors", "nurses", "beds"],
                              "date": day, "gap": [5.0, 10.0, 0.0, 5.0, 40.0],
                              "received": [5.0, 8.0, 0.0, 3.0, 0.0],
                              "shortfall": [0.0, 2.0, 0.0, 2.0, 40.0]})
    return PairingResult(status=SolveStatus(status), objective=7.0, bound=bound,
                         mip_gap=mip_gap, solve_seconds=0.1, pairs=pairs, flows=flows,
                         shortfall=shortfall, burden=pd.DataFrame(), terms={}, measures={},
                         bound_source="solver")


def test_plan_metrics_of_a_plan_worked_by_hand() -> None:
    """Every figure of a small plan, worked out by hand (beds are not staff: left out)."""
    from pairaid.metrics import plan_metrics

    gaps = pd.DataFrame({"region_code": ["X", "X", "Y", "Y", "Y"],
                         "resource": ["doctors", "nurses", "doctors", "nurses", "beds"],
                         "gap": [5.0, 10.0, 0.0, 5.0, 40.0]})
    caps = pd.DataFrame({"donor_code": ["A", "A", "B", "B"],
                         "resource": ["doctors", "nurses"] * 2,
                         "capacity": [8.0, 6.0, 10.0, 100.0]})
    m = plan_metrics(_result(), gaps, caps)
    assert m["gap_staff_days"] == 20.0  # 5 + 10 + 0 + 5 (no beds)
    assert m["shortfall_staff_days"] == 4.0  # 2 + 2 (no beds)
    assert m["gap_covered_share"] == pytest.approx(0.8)  # 1 - 4/20
    # A: doctors 4/8 = 0.5, nurses 6/6 = 1.0 -> 1.0; B: doctors 1/10, nurses 5/100 -> 0.1
    assert m["max_donor_burden"] == pytest.approx(1.0)
    assert m["staff_sent"] == 16.0
    assert m["total_distance_km"] == 450.0 and m["mean_distance_km"] == 150.0
    assert (m["pairs"], m["donors_used"], m["recipients_served"]) == (3, 2, 2)
    assert (m["status"], m["objective"], m["bound"], m["mip_gap"]) == ("optimal", 7.0, 7.0, 0.0)
    assert m["bound_source"] == "solver" and m["solve_seconds"] == 0.1


def test_plan_metrics_edge_cases_by_hand() -> None:
    """No gap: covered share 1; no staff sent: burden 0; no pairs: mean distance 0; an
    infinite bound or gap is reported as missing (None), not as a number."""
    from pairaid.metrics import plan_metrics

    r = _result(status="time_limit_feasible", bound=float("-inf"), mip_gap=float("inf"))
    empty = pd.DataFrame({"region_code": ["X"], "resource": ["nurses"], "gap": [0.0]})
    none_sent = r.flows.assign(quantity=0.0)
    from dataclasses import replace
    r0 = replace(r, flows=none_sent, pairs=r.pairs.iloc[:0],
                 shortfall=r.shortfall.assign(shortfall=0.0))
    caps = pd.DataFrame({"donor_code": ["A", "B"], "resource": ["nurses", "nurses"],
                         "capacity": [6.0, 0.0]})
    m = plan_metrics(r0, empty, caps)
    assert m["gap_covered_share"] == 1.0 and m["max_donor_burden"] == 0.0
    assert m["mean_distance_km"] == 0.0 and m["pairs"] == 0 and m["staff_sent"] == 0.0
    assert m["bound"] is None and m["mip_gap"] is None
    assert m["status"] == "time_limit_feasible"
    # a donor without capacity (B) has no burden, the others still count
    m2 = plan_metrics(r, empty.assign(gap=20.0), caps)
    assert m2["max_donor_burden"] == pytest.approx(1.0)  # A: 6 nurses of 6
    assert m2["gap_covered_share"] == pytest.approx(1 - 4 / 20)


def test_plan_metrics_small_figures_by_hand() -> None:
    """A gap of one staff-day left uncovered is 0 % covered (not 'no gap'); a donor that
    sends one nurse of its one is at burden 1; a donor that sends without any capacity has
    no burden and does not hide the others' (listed first on purpose)."""
    from dataclasses import replace

    from pairaid.metrics import plan_metrics

    r = _result()
    flows = pd.DataFrame({"donor_code": ["Z", "A"], "recipient_code": ["X", "X"],
                          "resource": ["nurses", "nurses"], "quantity": [5.0, 1.0]})
    short = pd.DataFrame({"recipient_code": ["X"], "resource": ["nurses"], "date": r.shortfall
                          ["date"].iloc[0], "gap": [1.0], "received": [0.0],
                          "shortfall": [1.0]})
    r1 = replace(r, flows=flows, shortfall=short)
    gaps = pd.DataFrame({"region_code": ["X"], "resource": ["nurses"], "gap": [1.0]})
    caps = pd.DataFrame({"donor_code": ["A"], "resource": ["nurses"], "capacity": [1.0]})
    m = plan_metrics(r1, gaps, caps)
    assert m["gap_covered_share"] == 0.0
    assert m["max_donor_burden"] == 1.0
    half = plan_metrics(r1, gaps.assign(gap=0.5), caps)  # shortfall 1 > gap 0.5: -100 %
    assert half["gap_covered_share"] == pytest.approx(1 - 1 / 0.5)
