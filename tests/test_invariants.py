"""What must hold on every input (issue 18): checked on generated inputs by hypothesis.

- a higher planning quantile never lowers any need or gap;
- adding donor capacity never raises the shortfall of an optimal plan;
- covered share = 1 − shortfall ÷ gap, and max burden ≥ every donor's burden, on every plan;
- deaths and recoveries lower a census (a region's own and a donor's);
- a plan's reported metrics, recomputed independently from its run folder's files, agree.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.gaps import census_on, compute_gaps, donor_capacities
from pairaid.needs import compute_needs
from pairaid.schemas import STAFF_RESOURCES

DAY = pd.Timestamp("2020-02-11")
BASE = dict(share_mild=0.8, share_severe=0.15, share_critical=0.05,
            los_mild_days=10.0, los_severe_days=14.0, los_critical_days=20.0,
            share_ventilated_of_critical=0.5, beds_per_patient=1.0,
            shift_hours=6.0, icu_shift_hours=4.0, shifts_per_week=5.0,
            staff_absence_share=0.1, covid_share_beds=0.2, covid_share_staff=0.1,
            deployable_share=0.01)
FAST = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(census=st.lists(st.floats(0, 1e5), min_size=3, max_size=3),
       staff=st.floats(0, 1e5), beds=st.floats(0, 1e5),
       share=st.floats(0.0, 1.0), norm_set=st.sampled_from([None, "ordinary"]))
def test_higher_quantile_never_lowers_a_need_or_a_gap(census, staff, beds, share,
                                                      norm_set) -> None:
    levels = (0.05, 0.5, 0.95)
    values = sorted(census)  # a forecast's quantiles are non-decreasing
    forecast = pd.DataFrame({"region_code": "X", "date": DAY, "target": "census",
                             "quantile": levels, "value": values, "estimated": False})
    params = dict(BASE, covid_share_staff=share)
    needs = compute_needs(forecast, params, norm_set=norm_set)
    for _, grp in needs.groupby("resource"):
        v = grp.sort_values("quantile")["value"].to_numpy()
        assert (np.diff(v) >= -1e-9 * max(1.0, v.max())).all()
    caps = pd.DataFrame({"region_code": "X", "resource": ["beds", "doctors", "nurses"],
                         "quantity": [beds, staff, 2 * staff], "estimated": False})
    gaps = [compute_gaps(needs, caps, quantile=q, parameters=params)
            .set_index("resource")["gap"] for q in levels]
    assert len(gaps[0]) == 3
    for lo, hi in zip(gaps, gaps[1:], strict=False):
        assert (hi >= lo - 1e-9).all()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(caps=st.lists(st.integers(0, 30), min_size=3, max_size=3),
       gaps=st.lists(st.lists(st.integers(0, 40), min_size=2, max_size=2),
                     min_size=2, max_size=2),
       extra=st.integers(1, 30), donor=st.integers(0, 2))
def test_more_donor_capacity_never_raises_the_shortfall(caps, gaps, extra, donor) -> None:
    """With the shortfall the only objective term (distance weight 0), the optimum's
    shortfall is the least reachable; more capacity keeps every old plan feasible."""
    from pairaid.pairing import PairingOptions, PairingProblem, solve

    def make_problem(cap: dict[str, int], gap: dict[str, list[int]]) -> PairingProblem:
        return PairingProblem(
            supply=pd.DataFrame({"donor_code": list(cap), "resource": "nurses",
                                 "capacity": [float(c) for c in cap.values()]}),
            demand=pd.DataFrame([{"recipient_code": r, "resource": "nurses",
                                  "date": DAY + pd.Timedelta(days=t), "gap": float(x)}
                                 for r, g in gap.items() for t, x in enumerate(g)]),
            distances=pd.DataFrame([{"donor_code": d, "recipient_code": r,
                                     "distance_km": 100.0 + 10 * i + j}
                                    for i, d in enumerate(cap) for j, r in enumerate(gap)]),
            weights={"nurses": 1.0})

    opts = PairingOptions(distance_weight=0.0, max_donors_per_recipient=2, time_limit=60)
    donors = {f"D{i}": c for i, c in enumerate(caps)}
    recipients = {f"R{j}": g for j, g in enumerate(gaps)}
    before = solve(make_problem(donors, recipients), opts)
    more = dict(donors, **{f"D{donor}": donors[f"D{donor}"] + extra})
    after = solve(make_problem(more, recipients), opts)
    assert before.status.proven and after.status.proven
    s0 = float(before.shortfall["shortfall"].sum())
    s1 = float(after.shortfall["shortfall"].sum())
    assert s1 <= s0 + 1e-6
    # the shortfall is never below what capacity alone allows (each donor serves one
    # recipient: a lower bound is total gap - total capacity, per day)
    daily_gap = np.array(gaps).sum(axis=0)
    assert s1 >= float(np.maximum(daily_gap - sum(more.values()), 0).sum()) - 1e-6


@st.composite
def _plans(draw):
    """A plan typed as tables: flows of donors to recipients, a gap and shortfall per
    recipient and staff resource (shortfall ≤ gap), capacities per donor."""
    n_d = draw(st.integers(1, 4))
    n_r = draw(st.integers(1, 3))
    donors = [f"D{i}" for i in range(n_d)]
    recips = [f"R{j}" for j in range(n_r)]
    res = list(STAFF_RESOURCES)
    qty = st.floats(0, 500, allow_nan=False)
    flows = pd.DataFrame([{"donor_code": d, "recipient_code": r, "resource": s,
                           "quantity": draw(qty)} for d in donors for r in recips
                          for s in res])
    caps = pd.DataFrame([{"donor_code": d, "resource": s,
                          "capacity": draw(st.one_of(st.just(0.0), st.floats(1, 2000)))}
                         for d in donors for s in res])
    rows = []
    for r in recips:
        for s in res:
            g = draw(st.floats(0, 1000, allow_nan=False))
            rows.append({"recipient_code": r, "resource": s, "date": DAY, "gap": g,
                         "shortfall": draw(st.floats(0, 1, allow_nan=False)) * g})
    short = pd.DataFrame(rows)
    short["received"] = short["gap"] - short["shortfall"]
    pairs = flows.groupby(["donor_code", "recipient_code"], as_index=False)["quantity"].sum()
    pairs = pairs.assign(distance_km=100.0)
    return flows, caps, short, pairs


@FAST
@given(plan=_plans())
def test_covered_share_and_max_burden_hold_on_every_plan(plan) -> None:
    from pairaid.metrics import plan_metrics
    from pairaid.pairing import PairingResult
    from pairaid.pairing.highs import SolveStatus

    flows, caps, short, pairs = plan
    result = PairingResult(status=SolveStatus.OPTIMAL, objective=0.0, bound=0.0, mip_gap=0.0,
                           solve_seconds=0.0, pairs=pairs, flows=flows, shortfall=short,
                           burden=pd.DataFrame(), terms={}, measures={})
    gaps = short.rename(columns={"recipient_code": "region_code"})
    m = plan_metrics(result, gaps, caps)
    gap, shortfall = float(short["gap"].sum()), float(short["shortfall"].sum())
    if gap > 0:
        assert m["gap_covered_share"] == pytest.approx(1 - shortfall / gap, abs=1e-12)
    else:
        assert m["gap_covered_share"] == 1.0
    assert 0.0 <= m["gap_covered_share"] <= 1.0 + 1e-12
    # every donor's burden by hand: its largest share of one resource's capacity
    sent = flows.groupby(["donor_code", "resource"])["quantity"].sum()
    cap = caps.set_index(["donor_code", "resource"])["capacity"]
    for d in flows["donor_code"].unique():
        shares = [sent[(d, s)] / cap[(d, s)] for s in STAFF_RESOURCES if cap[(d, s)] > 0]
        if shares and sum(sent[(d, s)] for s in STAFF_RESOURCES) > 0:
            assert m["max_donor_burden"] >= max(shares) - 1e-12
    every = [sent[i] / cap[i] for i in sent.index if cap[i] > 0 and sent[i] > 0]
    assert m["max_donor_burden"] == pytest.approx(max(every) if every else 0.0)


@FAST
@given(confirmed=st.integers(0, 100_000), deaths=st.integers(0, 5_000),
       recovered=st.integers(0, 50_000), more_deaths=st.integers(1, 1_000),
       more_recovered=st.integers(0, 1_000))
def test_deaths_and_recoveries_lower_a_census(confirmed, deaths, recovered, more_deaths,
                                              more_recovered) -> None:
    def cases(d: int, r: int) -> pd.DataFrame:
        return pd.DataFrame({"date": [pd.Timestamp("2020-02-10")], "region_code": ["D"],
                             "confirmed_cum": pd.array([confirmed], "Int64"),
                             "deaths_cum": pd.array([d], "Int64"),
                             "recovered_cum": pd.array([r], "Int64")})

    day = date(2020, 2, 10)
    c0 = float(census_on(cases(deaths, recovered), day)["census"].iloc[0])
    c1 = float(census_on(cases(deaths + more_deaths, recovered + more_recovered), day)
               ["census"].iloc[0])
    assert c0 == max(confirmed - deaths - recovered, 0)  # by hand
    assert c1 == max(c0 - more_deaths - more_recovered, 0)
    assert c1 <= c0
    # a donor's own census follows, and its capacity never falls when its census does
    caps = pd.DataFrame({"region_code": "D", "resource": ["doctors", "nurses"],
                         "quantity": [5_000.0, 6_000.0], "estimated": False})
    kw = dict(donors=["D"], decision_date=day, parameters=dict(BASE, covid_share_staff=0.01),
              norm_set="ordinary")
    d0 = donor_capacities(caps, cases(deaths, recovered), **kw).set_index("resource")
    d1 = donor_capacities(caps, cases(deaths + more_deaths, recovered + more_recovered),
                          **kw).set_index("resource")
    assert d0.loc["doctors", "own_census"] == c0 and d1.loc["doctors", "own_census"] == c1
    assert (d1["capacity"] >= d0["capacity"]).all()


def _recompute(folder: Path) -> dict[str, float]:
    """The planner-facing metrics of pairaid's plan from the run folder's CSV files alone
    (no pairaid code): shortfall and gap over staff rows, covered share, busiest share of a
    donor's capacity, staff sent, pairs and distance."""
    short = pd.read_csv(folder / "shortfall.csv")
    gaps = pd.read_csv(folder / "gaps.csv")
    flows = pd.read_csv(folder / "flows.csv")
    pairs = pd.read_csv(folder / "pairs.csv")
    caps = pd.read_csv(folder / "donor_capacities.csv")
    staff = ("doctors", "nurses")
    gap = float(gaps.loc[gaps["resource"].isin(staff), "gap"].sum())
    shortfall = float(short.loc[short["resource"].isin(staff), "shortfall"].sum())
    sent = flows[flows["resource"].isin(staff)].groupby(["donor_code", "resource"])[
        "quantity"].sum()
    cap = caps.set_index(["donor_code", "resource"])["capacity"]
    shares = [sent[i] / cap[i] for i in sent.index if sent[i] > 0 and cap.get(i, 0) > 0]
    return {"gap_staff_days": gap, "shortfall_staff_days": shortfall,
            "gap_covered_share": 1 - shortfall / gap if gap > 0 else 1.0,
            "max_donor_burden": max(shares) if shares else 0.0,
            "staff_sent": float(flows["quantity"].sum()), "pairs": len(pairs),
            "total_distance_km": float(pairs["distance_km"].sum())}


@pytest.mark.parametrize("args", [(), ("--quantile", "0.95")])
def test_reported_metrics_agree_with_the_run_files(tiny: Path, tmp_path: Path,
                                                   capsys, args) -> None:
    from pairaid.cli import main

    out = tmp_path / "run"
    assert main(["plan", "--data", str(tiny), "--out", str(out), *args]) == 0
    capsys.readouterr()
    folder = next(p.parent for p in out.rglob("metrics.json"))
    metrics = json.loads((folder / "metrics.json").read_text())["pairaid"]
    again = _recompute(folder)
    assert again["gap_staff_days"] > 0  # the tiny data set has a staff gap
    for key, value in again.items():
        assert metrics[key] == pytest.approx(value, rel=1e-9, abs=1e-9), key
