"""Every resource with a need and a capacity gets a gap (case c0003 and its kind)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pairaid.cli import main
from pairaid.gaps import REPORTED_ONLY, compute_gaps

CASES = Path(__file__).parent / "data" / "cases"
SHARES = {"covid_share_beds": 0.2, "covid_share_staff": 0.1}


def test_c0003_icu_overflow_is_shown_everywhere(tmp_path, capsys):
    # c0003: ICU need = critical patients in care. The case README computed it with the
    # incident share (0.05 x 1,000 = 50); since the census mix weighs each class by its
    # length of stay (issue 9), the critical share in care is
    # 0.05 x 21 / (0.81 x 13 + 0.14 x 19 + 0.05 x 21) = 1.05 / 14.24, so 1,000 patients need
    # 73.7 ICU beds; 10 ICU beds x covid_share_beds 0.2 = 2 available: 71.7 short on each
    # day (a stock of beds, labelled so: not "a day", which reads as a daily flow).
    # It was read and never compared.
    icu_need = 1000 * 0.05 * 21 / (0.81 * 13 + 0.14 * 19 + 0.05 * 21)
    out = tmp_path / "run"
    data = CASES / "c0003"
    code = main(["plan", "--data", str(data / "data"), "--date", "2020-02-10", "--horizon",
                 "7", "--recipients", "420700", "--donors", "CN-JX", "--no-official",
                 "--demand", str(data / "demand.csv"), "--report", "--xlsx", "--out",
                 str(out)])
    assert code == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert (f"ICU beds in Ezhou: {icu_need - 2:.0f} short on the worst day, 2020-02-11 (need "
            f"{icu_need:.0f}, available 2)") in printed
    assert " a day" not in printed
    gaps = pd.read_csv(out / "gaps.csv", dtype={"region_code": str})
    icu = gaps[gaps["resource"] == "icu_beds"]
    assert list(icu["date"]) == [f"2020-02-{d}" for d in range(11, 18)]
    assert np.allclose(icu["need"], icu_need) and np.allclose(icu["available"], 2)
    assert np.allclose(icu["gap"], icu_need - 2)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="heat-icu_beds"' in page and "Gaps that pairing does not close" in page
    assert "beds and ICU beds are reported only" in page
    sheet = pd.read_excel(out / "plan.xlsx", sheet_name="gaps")
    icu_sheet = sheet.loc[sheet["resource"] == "icu_beds", "gap [beds or staff, on the day]"]
    assert np.allclose(icu_sheet.astype(float), icu_need - 2, atol=0.05)


def _needs(resources: list[str]) -> pd.DataFrame:
    rows = [{"region_code": code, "date": pd.Timestamp("2020-02-11") + pd.Timedelta(days=d),
             "resource": res, "quantile": 0.5, "value": 100.0 + d, "estimated": False}
            for code in ("A", "B") for d in range(3) for res in resources]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("size", [1, 2, 3, 4])
def test_kind_every_resource_with_need_and_capacity_gets_a_gap(size):
    """Kind of c0003: for every combination of capacity resources given (and needs for
    more resources, such as ventilators, that no capacity matches), exactly the resources
    with both get gap rows, with need − share × capacity as the gap."""
    needs = _needs(["beds", "icu_beds", "ventilators", "doctors", "nurses"])
    for given in itertools.combinations(["beds", "icu_beds", "doctors", "nurses"], size):
        caps = pd.DataFrame({"region_code": "A", "resource": list(given),
                             "quantity": 50.0, "estimated": pd.NA})
        gaps = compute_gaps(needs, caps, quantile=0.5, parameters=SHARES)
        assert set(gaps["resource"]) == set(given)
        assert set(gaps["region_code"]) == {"A"}  # B has no capacity: no invented gap
        for res, grp in gaps.groupby("resource"):
            share = SHARES["covid_share_beds" if res in REPORTED_ONLY else
                           "covid_share_staff"]
            assert np.allclose(grp["available"], 50.0 * share)
            assert np.allclose(grp["gap"], grp["need"] - 50.0 * share)


def _needs_table() -> pd.DataFrame:
    rows = []
    for region, scale in (("Y", 1.0), ("X", 2.0)):
        for day in (pd.Timestamp("2020-02-12"), pd.Timestamp("2020-02-11")):
            for res, v in (("nurses", 100.0), ("icu_beds", 30.0), ("beds", 500.0),
                           ("doctors", 40.0)):
                for q, k in ((0.5, 1.0), (0.9, 1.5)):
                    rows.append({"region_code": region, "date": day, "resource": res,
                                 "quantile": q, "value": v * scale * k,
                                 "estimated": region == "Y" and res == "doctors"})
    return pd.DataFrame(rows)


def test_gaps_by_hand_with_their_own_icu_share_order_and_flags() -> None:
    """X: twice Y's need; ICU beds at their own share when given; rows sorted by region,
    resource, date; a need or a capacity estimated marks the gap estimated; a region without
    a capacity figure gets no row; a level not in the forecast is refused."""
    caps = pd.DataFrame({"region_code": ["X", "X", "X", "X", "Y", "Y"],
                         "resource": ["nurses", "icu_beds", "beds", "doctors", "nurses",
                                      "doctors"],
                         "quantity": [600.0, 100.0, 1000.0, 300.0, 400.0, 100.0],
                         "estimated": [False, False, False, True, False, False]})
    params = dict(SHARES, covid_share_icu_beds=0.5)
    g = compute_gaps(_needs_table(), caps, quantile=0.9, parameters=params)
    assert list(zip(g["region_code"], g["resource"], g["date"].dt.day, strict=True))[:3] == [
        ("X", "beds", 11), ("X", "beds", 12), ("X", "doctors", 11)]
    x = g[g["date"] == pd.Timestamp("2020-02-11")].set_index(["region_code", "resource"])
    # X at 0.9: need = value x 2 x 1.5; available = share x capacity
    assert x.loc[("X", "nurses"), ["need", "available", "gap"]].tolist() == [300, 60, 240]
    assert x.loc[("X", "icu_beds"), ["need", "available", "gap"]].tolist() == [90, 50, 40]
    assert x.loc[("X", "beds"), ["need", "available", "gap"]].tolist() == [1500, 200, 1300]
    assert x.loc[("X", "doctors"), "gap"] == 120 - 30
    assert x.loc[("Y", "nurses"), "gap"] == 150 - 40 and x.loc[("Y", "doctors"), "gap"] == 50
    assert bool(x.loc[("X", "doctors"), "estimated"]) and bool(x.loc[("Y", "doctors"),
                                                                     "estimated"])
    assert not x.loc[("X", "nurses"), "estimated"]
    assert set(x.loc["Y"].index) == {"nurses", "doctors"}  # Y has no bed capacity figure
    # without their own share ICU beds take the beds' share: 90 - 0.2 x 100
    g2 = compute_gaps(_needs_table(), caps, quantile=0.9, parameters=SHARES)
    icu = g2[(g2["resource"] == "icu_beds") & (g2["region_code"] == "X")]
    assert icu["gap"].tolist() == [70, 70]
    # only the resources asked for; the median level gives the median need
    g3 = compute_gaps(_needs_table(), caps, quantile=0.5, parameters=SHARES,
                      resources=["nurses"])
    assert set(g3["resource"]) == {"nurses"} and g3["need"].tolist() == [200, 200, 100, 100]
    with pytest.raises(ValueError, match="quantile 0.75 not among"):
        compute_gaps(_needs_table(), caps, quantile=0.75, parameters=SHARES)


def test_census_on_prefers_the_reported_hospital_stock() -> None:
    from datetime import date

    from pairaid.gaps import census_on

    day = pd.Timestamp("2020-02-10")
    cases = pd.DataFrame({"date": [day] * 4 + [day - pd.Timedelta(days=1)],
                          "region_code": ["A", "B", "C", "D", "E"],
                          "confirmed_cum": pd.array([100, None, 50, 10, 7], "Int64"),
                          "deaths_cum": pd.array([10, 1, 5, 20, 0], "Int64"),
                          "recovered_cum": pd.array([20, 1, 5, 0, 0], "Int64"),
                          "hospitalised": pd.array([None, 33, 12, None, 5], "Int64")})
    c = census_on(cases, date(2020, 2, 10)).set_index("region_code")["census"]
    # A: 100 - 10 - 20; B: its stock although confirmed is missing; C: the stock, not 40;
    # D: 10 - 20 - 0 is below 0: 0 patients; E: not on the day
    assert c.to_dict() == {"A": 70.0, "B": 33.0, "C": 12.0, "D": 0.0}


def _one_day_of_cases(region: str, *, confirmed: int) -> pd.DataFrame:
    """A ``cases`` table of one region on 2020-02-10: ``confirmed`` cases, no deaths or
    recoveries (so its census is ``confirmed``)."""
    return pd.DataFrame({"date": pd.to_datetime(["2020-02-10"]), "region_code": [region],
                         "confirmed_cum": pd.array([confirmed], "Int64"),
                         "deaths_cum": pd.array([0], "Int64"),
                         "recovered_cum": pd.array([0], "Int64")})


def _donor_parameters(*, covid_share_staff: float) -> dict[str, float]:
    """Round parameters for hand-worked donor capacities: 1 % deployable, an 80/15/5 mix
    with 10-day stays (a census of 400 is 380 on the ward and 20 in ICU)."""
    return {"deployable_share": 0.01, "covid_share_staff": covid_share_staff,
            "share_mild": 0.8, "share_severe": 0.15, "share_critical": 0.05,
            "los_mild_days": 10.0, "los_severe_days": 10.0, "los_critical_days": 10.0,
            "share_ventilated_of_critical": 0.5, "beds_per_patient": 1.0}


def test_donor_capacities_by_hand_unknown_own_need_and_whole_staff() -> None:
    from datetime import date

    from pairaid.gaps import donor_capacities

    caps = pd.DataFrame({"region_code": ["D", "D", "E", "E", "R"],
                         "resource": ["doctors", "beds", "doctors", "nurses", "doctors"],
                         "quantity": [12_345.0, 9_999.0, 1_000.0, 2_000.0, 5_000.0],
                         "estimated": [True, False, False, False, False]})
    cases = _one_day_of_cases("E", confirmed=400)
    params = _donor_parameters(covid_share_staff=0.1)
    out = donor_capacities(caps, cases, donors=["E", "D"], decision_date=date(2020, 2, 10),
                           parameters=params, norm_set="ordinary")
    assert list(zip(out["donor_code"], out["resource"], strict=True)) == [
        ("D", "doctors"), ("E", "doctors"), ("E", "nurses")]  # staff of donors only
    d = out.set_index(["donor_code", "resource"])
    # D: no case counts: own need 0, flagged; 1 % of 12,345 = 123.45 -> 123 whole staff
    assert d.loc[("D", "doctors"), ["own_census", "own_need", "capacity"]].tolist() == [
        0, 0, 123]
    assert not d.loc[("D", "doctors"), "own_need_known"]
    assert bool(d.loc[("D", "doctors"), "estimated"])
    # E: 400 patients (380 ward, 20 ICU): doctors 380 x 0.2 + 20 x 0.8 = 92 against 100 of
    # its own (10 %): nothing kept back, 10 sent; nurses 380 x 0.4 + 20 x 3 = 212 against
    # 200: 12 kept back of the deployable 20 -> 8
    assert d.loc[("E", "doctors"), ["own_need", "own_available", "capacity"]].tolist() == [
        92, 100, 10]
    assert d.loc[("E", "nurses"), ["own_need", "own_available", "capacity"]].tolist() == [
        212, 200, 8]
    assert d.loc[("E", "nurses"), "own_need_known"] and d.loc[("E", "nurses"),
                                                              "deployable"] == 20


def test_gap_and_donor_tables_have_their_documented_columns_and_flags() -> None:
    """Columns exactly as documented (no stray index column); a capacity figure not marked
    estimated stays unmarked; a donor whose own need exceeds what it may deploy sends 0."""
    from datetime import date

    from pairaid.gaps import donor_capacities

    caps = pd.DataFrame({"region_code": ["X", "X"], "resource": ["nurses", "doctors"],
                         "quantity": [600.0, 300.0], "estimated": [False, False]})
    g = compute_gaps(_needs_table(), caps, quantile=0.5, parameters=SHARES)
    assert list(g.columns) == ["region_code", "date", "resource", "need", "available", "gap",
                               "estimated"]
    assert g.index.tolist() == list(range(len(g)))
    assert not g.loc[g["resource"] == "nurses", "estimated"].any()
    cases = _one_day_of_cases("E", confirmed=400)
    dcaps = pd.DataFrame({"region_code": ["E"], "resource": ["doctors"],
                          "quantity": [1_000.0], "estimated": [False]})
    params = _donor_parameters(covid_share_staff=0.0)
    out = donor_capacities(dcaps, cases, donors=["E"], decision_date=date(2020, 2, 10),
                           parameters=params, norm_set="ordinary")
    assert list(out.columns) == ["donor_code", "resource", "deployable", "own_census",
                                 "own_need", "own_available", "own_need_known", "capacity",
                                 "estimated"]
    # own need 92 doctors, none of its own staff for COVID-19: all 10 deployable kept
    assert out["capacity"].tolist() == [0.0] and out["estimated"].tolist() == [False]
    assert out.index.tolist() == [0]


def test_donor_capacity_without_an_estimated_mark_is_not_estimated_and_no_donor_no_rows(
) -> None:
    """A capacity whose ``estimated`` cell is empty is a reported figure (not estimated);
    donors without staff figures give an empty table with the documented columns."""
    from datetime import date

    from pairaid.gaps import donor_capacities

    caps = pd.DataFrame({"region_code": ["E", "E"], "resource": ["doctors", "nurses"],
                         "quantity": [1_000.0, 2_000.0],
                         "estimated": pd.array([pd.NA, True], "boolean")})
    cases = _one_day_of_cases("E", confirmed=0)
    params = _donor_parameters(covid_share_staff=0.1)
    out = donor_capacities(caps, cases, donors=["E"], decision_date=date(2020, 2, 10),
                           parameters=params, norm_set="ordinary")
    assert out["estimated"].tolist() == [False, True]
    assert out["capacity"].tolist() == [10.0, 20.0]  # 1 % of 1,000 and of 2,000
    none = donor_capacities(caps, cases, donors=["nobody"], decision_date=date(2020, 2, 10),
                            parameters=params, norm_set="ordinary")
    assert none.empty
    assert list(none.columns) == ["donor_code", "resource", "deployable", "own_census",
                                  "own_need", "own_available", "own_need_known", "capacity",
                                  "estimated"]


def test_gap_without_an_estimated_mark_is_not_estimated() -> None:
    """An empty ``estimated`` cell, in the needs or in the capacities, marks nothing: only a
    figure marked estimated makes its gap estimated."""
    needs = _needs(["nurses", "doctors"]).query("region_code == 'A'")
    needs["estimated"] = pd.array([pd.NA if r == "doctors" else True
                                   for r in needs["resource"]], "boolean")
    caps = pd.DataFrame({"region_code": "A", "resource": ["doctors", "nurses"],
                         "quantity": 50.0, "estimated": pd.array([pd.NA, pd.NA], "boolean")})
    gaps = compute_gaps(needs, caps, quantile=0.5, parameters=SHARES)
    flags = gaps.groupby("resource")["estimated"].agg(set).to_dict()
    assert flags == {"doctors": {False}, "nurses": {True}}
    caps["estimated"] = pd.array([True, pd.NA], "boolean")
    gaps = compute_gaps(needs, caps, quantile=0.5, parameters=SHARES)
    assert gaps.groupby("resource")["estimated"].agg(set).to_dict() == {
        "doctors": {True}, "nurses": {True}}


def test_uncompared_icu_needs_names_regions_with_a_positive_icu_need_and_no_icu_beds():
    from pairaid.gaps import uncompared_icu_needs

    needs = pd.DataFrame({
        "region_code": ["A", "A", "B", "C", "D", "A"],
        "date": ["2020-02-11", "2020-02-12", "2020-02-11", "2020-02-11", "2020-02-11",
                 "2020-02-12"],
        "resource": ["icu_beds", "icu_beds", "icu_beds", "icu_beds", "icu_beds", "icu_beds"],
        "quantile": [0.5, 0.5, 0.5, 0.5, 0.5, 0.95],
        "value": [3.0, 7.5, 4.0, 0.0, 9.0, 99.0],
    })
    capacities = pd.DataFrame({"region_code": ["B", "A", "C"],
                               "resource": ["icu_beds", "beds", "beds"]})
    # A: no icu_beds row, peak 7.5 at the median (99 is another quantile); B has a capacity;
    # C needs no ICU bed; D is not a recipient
    peak = uncompared_icu_needs(needs, capacities, quantile=0.5, regions=["A", "B", "C"])
    assert peak.to_dict() == {"A": 7.5}
    assert uncompared_icu_needs(needs, capacities, quantile=0.5, regions=["B"]).empty
