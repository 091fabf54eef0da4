"""Needs worked by hand where the mutation run of ``pairaid.needs`` found no test (issue 18):
ratio norms from ``parameters.csv``, per-region census mixes, the occupancy (hospital + ICU)
path, the incident mix without lengths of stay, hours per staff day, and the norms file's
line numbers. Every expected figure is typed from the arithmetic in the comments.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pairaid.errors import ConfigError, InputError
from pairaid.needs import (
    NEED_RESOURCES,
    cadres,
    census_mix,
    compute_needs,
    default_norm_set,
    need_resources,
    norm_sets,
    norms_for,
    parameter_norms,
    per_patient_needs,
    read_norms,
    roster_per_patient,
    staff_hours_per_day,
)

DAY = pd.Timestamp("2020-02-11")
# equal stays: the census mix is the incident mix 80 / 15 / 5
EQUAL = dict(share_mild=0.8, share_severe=0.15, share_critical=0.05,
             los_mild_days=10.0, los_severe_days=10.0, los_critical_days=10.0,
             share_ventilated_of_critical=0.5, beds_per_patient=1.0,
             shift_hours=6.0, icu_shift_hours=6.0, shifts_per_week=7.0,
             staff_absence_share=0.0)
RATIOS = dict(doctors_per_ward_patient=0.25, nurses_per_ward_patient=0.5,
              doctors_per_icu_patient=1.0, nurses_per_icu_patient=2.5)


def _forecast(rows: list[tuple[str, str, float, float]], **extra: object) -> pd.DataFrame:
    """Forecast rows (region, target, quantile, value) on one day."""
    return pd.DataFrame({"region_code": [r[0] for r in rows], "date": DAY,
                         "target": [r[1] for r in rows], "quantile": [r[2] for r in rows],
                         "value": [r[3] for r in rows], **extra})


def _by(table: pd.DataFrame, *keys: str) -> pd.Series:
    """The table's ``value`` (or ``roster``) column indexed by ``keys``."""
    col = "value" if "value" in table else "roster"
    return table.set_index(list(keys))[col].sort_index()


# ratio norms of parameters.csv ---------------------------------------------------------

def test_ratio_parameters_make_their_own_norm_set_by_hand() -> None:
    p = {**EQUAL, **RATIOS}
    assert default_norm_set(p) == "parameters.csv"
    assert default_norm_set(EQUAL) == "covid-2020"
    assert default_norm_set({**EQUAL, "nurses_per_icu_patient": 2.0}) == "parameters.csv"
    roster = _by(roster_per_patient(p), "cadre", "severity")
    assert roster.to_dict() == {
        ("doctors", "mild"): 0.25, ("doctors", "severe"): 0.25, ("doctors", "critical"): 1.0,
        ("nurses", "mild"): 0.5, ("nurses", "severe"): 0.5, ("nurses", "critical"): 2.5,
        ("icu_nurses", "mild"): 0.0, ("icu_nurses", "severe"): 0.0,
        ("icu_nurses", "critical"): 2.5}
    # ratios count a roster already: shifts and absence change nothing
    other = roster_per_patient({**p, "shift_hours": 12.0, "staff_absence_share": 0.5})
    assert _by(other, "cadre", "severity").to_dict() == roster.to_dict()
    # 95 % on wards, 5 % in ICU: doctors 0.95 x 0.25 + 0.05 x 1 = 0.2875,
    # nurses 0.95 x 0.5 + 0.05 x 2.5 = 0.6, ICU nurses 0.05 x 2.5 = 0.125
    need = per_patient_needs(p)
    assert need == pytest.approx({"beds": 1.0, "icu_beds": 0.05, "ventilators": 0.025,
                                  "doctors": 0.2875, "nurses": 0.6, "icu_nurses": 0.125})
    table = parameter_norms(p)
    assert table is not None
    assert set(table["norm_set"]) == {"parameters.csv"}
    assert table["hours_per_patient_day"].isna().all()
    assert (table["source"] == "the data set's parameters.csv").all()


def test_ratio_parameters_need_all_four() -> None:
    assert parameter_norms(EQUAL) is None
    some = {**EQUAL, "doctors_per_ward_patient": 0.2, "nurses_per_ward_patient": 0.4}
    with pytest.raises(ConfigError) as err:
        parameter_norms(some)
    assert str(err.value) == (
        "parameters.csv gives ['doctors_per_ward_patient', 'nurses_per_ward_patient'] but "
        "not ['doctors_per_icu_patient', 'nurses_per_icu_patient']: staff-per-patient "
        "ratios need all four (ward and ICU, doctors and nurses)")


def test_norms_for_adds_the_ratio_set_once() -> None:
    builtin = norms_for(EQUAL)
    assert norm_sets(builtin) == ["covid-2020", "ordinary"]
    both = norms_for({**EQUAL, **RATIOS})
    assert norm_sets(both) == ["covid-2020", "ordinary", "parameters.csv"]
    assert len(both) == len(builtin) + 9  # three cadres x three severities
    assert both.index.equals(pd.RangeIndex(len(both)))
    with pytest.raises(ConfigError) as err:
        roster_per_patient({**EQUAL, **RATIOS}, norm_set="nope")
    assert str(err.value) == ("setting 'norms' (--norms) = 'nope': no such staffing norm set; "
                              "known: covid-2020, ordinary, parameters.csv (parameters.csv "
                              "only when the data set's parameters.csv gives "
                              "staff-per-patient ratios)")
    # a table that already has a parameters.csv set keeps its own
    mine = parameter_norms({**EQUAL, **{k: 9.0 for k in RATIOS}})
    assert mine is not None
    kept = norms_for({**EQUAL, **RATIOS}, mine)
    assert kept["staff_per_patient"].max() == 9.0 and len(kept) == 9


def test_cadres_and_need_resources_of_a_norm_set() -> None:
    assert cadres() == ["doctors", "nurses", "icu_nurses"]
    assert cadres(norm_set="no-such-set") == []
    assert need_resources() == ("beds", "icu_beds", "ventilators", "doctors", "nurses",
                                "icu_nurses")
    assert NEED_RESOURCES == need_resources()
    table = pd.DataFrame({"norm_set": ["x"] * 3, "cadre": ["midwives"] * 3,
                          "severity": ["mild", "severe", "critical"],
                          "hours_per_patient_day": np.nan,
                          "staff_per_patient": [0.1, 0.2, 0.3], "source": "test"})
    assert need_resources(table, "x") == ("beds", "icu_beds", "ventilators", "midwives")
    assert norm_sets(table) == ["x"]


# census mix and hours ------------------------------------------------------------------

def test_census_mix_without_lengths_of_stay_is_the_incident_mix() -> None:
    p = dict(share_mild=0.7, share_severe=0.2, share_critical=0.1, los_mild_days=5.0)
    assert census_mix(p) == {"mild": 0.7, "severe": 0.2, "critical": 0.1}


def test_census_mix_of_nothing_is_refused() -> None:
    p = dict(share_mild=0.0, share_severe=0.0, share_critical=0.0,
             los_mild_days=5.0, los_severe_days=5.0, los_critical_days=5.0)
    with pytest.raises(ConfigError, match="empty census mix"):
        census_mix(p)


def test_hours_a_staff_member_works_per_day_by_hand() -> None:
    p = dict(shift_hours=8.0, icu_shift_hours=12.0, shifts_per_week=5.0)
    assert staff_hours_per_day(p, "mild") == pytest.approx(40 / 7)  # 8 h x 5 / 7 days
    assert staff_hours_per_day(p, "severe") == pytest.approx(40 / 7)
    assert staff_hours_per_day(p, "critical") == pytest.approx(60 / 7)  # 12 h x 5 / 7


def test_hours_norms_need_the_shift_parameters() -> None:
    p = {k: v for k, v in EQUAL.items() if k not in ("shifts_per_week", "icu_shift_hours")}
    with pytest.raises(ConfigError) as err:
        roster_per_patient(p, norm_set="covid-2020")
    assert str(err.value) == (
        "norm set 'covid-2020' counts staff-hours and needs the parameter(s) "
        "['icu_shift_hours', 'shifts_per_week'] (hours per shift, shifts per week, share "
        "absent) to turn them into staff; add them to parameters.csv or choose --norms "
        "ordinary")
    # ratio norms do not need them, and no absence share means nobody absent
    got = roster_per_patient({k: v for k, v in p.items() if k != "staff_absence_share"},
                             norm_set="ordinary")
    assert _by(got, "cadre", "severity")[("nurses", "critical")] == 3.0


def test_absence_divides_the_hours_roster_by_those_present() -> None:
    # 3.5 nurse-hours per mild patient per day, 7 h x 7 shifts / 7 days = 7 h a day:
    # 0.5 nurses, or 0.5 / 0.8 = 0.625 with a fifth of the roster absent
    p = {**EQUAL, "shift_hours": 7.0}
    got = _by(roster_per_patient(p, norm_set="covid-2020"), "cadre", "severity")
    assert got[("nurses", "mild")] == pytest.approx(0.5)
    p["staff_absence_share"] = 0.2
    got = _by(roster_per_patient(p, norm_set="covid-2020"), "cadre", "severity")
    assert got[("nurses", "mild")] == pytest.approx(0.625)


# needs table ---------------------------------------------------------------------------

def test_needs_per_region_mix_and_other_targets_by_hand() -> None:
    forecast = _forecast([("A", "census", 0.5, 100.0), ("B", "census", 0.5, 200.0),
                          ("A", "deaths", 0.5, 7.0)], estimated=[True, False, True])
    mixes = {"A": {"mild": 0.5, "severe": 0.3, "critical": 0.2}}
    needs = compute_needs(forecast, EQUAL, norm_set="ordinary", mixes=mixes)
    assert list(needs.columns) == ["region_code", "date", "resource", "quantile", "value",
                                   "estimated"]
    assert len(needs) == 2 * 6  # deaths make no needs
    assert needs.index.equals(pd.RangeIndex(len(needs)))  # a fresh table, 0..n-1
    # resources in the norm set's order (beds first, cadres as the norms list them)
    assert list(dict.fromkeys(needs["resource"])) == list(need_resources(norm_set="ordinary"))
    assert list(per_patient_needs(EQUAL, norm_set="ordinary")) == list(
        need_resources(norm_set="ordinary"))
    got = _by(needs, "region_code", "resource")
    # A: 100 in care, 80 on wards and 20 in ICU (10 ventilated);
    # doctors 80 x 0.2 + 20 x 0.8 = 32, nurses 80 x 0.4 + 20 x 3 = 92, ICU nurses 20 x 3
    assert got["A"].to_dict() == pytest.approx({"beds": 100, "icu_beds": 20,
                                                "ventilators": 10, "doctors": 32,
                                                "nurses": 92, "icu_nurses": 60})
    # B (incident mix): 190 on wards, 10 in ICU: doctors 190 x 0.2 + 10 x 0.8 = 46,
    # nurses 190 x 0.4 + 10 x 3 = 106, ICU nurses 30
    assert got["B"].to_dict() == pytest.approx({"beds": 200, "icu_beds": 10,
                                                "ventilators": 5, "doctors": 46,
                                                "nurses": 106, "icu_nurses": 30})
    flags = needs.groupby("region_code")["estimated"].agg(set).to_dict()
    assert flags == {"A": {True}, "B": {False}}
    plain = compute_needs(forecast.drop(columns="estimated"), EQUAL, norm_set="ordinary")
    assert not plain["estimated"].any()
    assert plain["estimated"].dtype == bool


# occupancy path: patients in hospital and in ICU ---------------------------------------

NORMS = pd.DataFrame({
    "norm_set": "t", "cadre": ["doctors"] * 3 + ["nurses"] * 3 + ["icu_nurses"] * 3,
    "severity": ["mild", "severe", "critical"] * 3, "hours_per_patient_day": np.nan,
    "staff_per_patient": [0.1, 0.5, 1.0, 0.2, 1.0, 3.0, 0.0, 0.0, 2.0], "source": "test"})
# stays 10 / 20 / 20 days: census mix 8 : 3 : 1, so wards hold mild and severe 8 : 3
UNEQUAL = {**EQUAL, "los_severe_days": 20.0, "los_critical_days": 20.0}


def test_occupancy_needs_split_hospital_and_icu_by_hand() -> None:
    forecast = _forecast([("A", "census", 0.5, 1000.0), ("A", "icu_census", 0.5, 120.0),
                          ("A", "census", 0.9, 1100.0), ("A", "icu_census", 0.9, 1200.0),
                          ("B", "census", 0.5, 33.0), ("B", "icu_census", 0.5, 0.0),
                          ("A", "deaths", 0.5, 9.0)], estimated=False)
    needs = compute_needs(forecast, UNEQUAL, norms=NORMS, norm_set="t")
    assert list(needs.columns) == ["region_code", "date", "resource", "quantile", "value",
                                   "estimated"]
    assert len(needs) == 3 * 6
    # rows in the order of the plain path: resources as the norm set lists them, each over
    # regions and levels in the forecast's order; a fresh 0..n-1 index
    assert list(dict.fromkeys(needs["resource"])) == list(need_resources(NORMS, "t"))
    assert list(zip(needs["region_code"], needs["quantile"], strict=True))[:3] == [
        ("A", 0.5), ("A", 0.9), ("B", 0.5)]
    assert needs.index.equals(pd.RangeIndex(len(needs)))
    got = _by(needs, "region_code", "quantile", "resource")
    # A at 0.5: 880 on wards = 640 mild + 240 severe, 120 in ICU (60 ventilated);
    # doctors 64 + 120 + 120 = 304, nurses 128 + 240 + 360 = 728, ICU nurses 240
    assert got[("A", 0.5)].to_dict() == pytest.approx({
        "beds": 1000, "icu_beds": 120, "ventilators": 60, "doctors": 304, "nurses": 728,
        "icu_nurses": 240})
    # A at 0.9: more in ICU than in hospital: no ward patients, 1200 critical ones
    assert got[("A", 0.9)].to_dict() == pytest.approx({
        "beds": 1200, "icu_beds": 1200, "ventilators": 600, "doctors": 1200,
        "nurses": 3600, "icu_nurses": 2400})
    # B: 33 on wards = 24 mild + 9 severe: doctors 2.4 + 4.5, nurses 4.8 + 9
    assert got[("B", 0.5)].to_dict() == pytest.approx({
        "beds": 33, "icu_beds": 0, "ventilators": 0, "doctors": 6.9, "nurses": 13.8,
        "icu_nurses": 0})
    assert not needs["estimated"].any()


def test_occupancy_needs_keep_the_estimated_flag() -> None:
    forecast = _forecast([("A", "census", 0.5, 10.0), ("A", "icu_census", 0.5, 1.0)],
                         estimated=[True, True])
    needs = compute_needs(forecast, UNEQUAL, norms=NORMS, norm_set="t")
    assert needs["estimated"].all() and len(needs) == 6


# norms file ----------------------------------------------------------------------------

def _write(tmp_path: Path, table: pd.DataFrame) -> Path:
    path = tmp_path / "staffing_norms.csv"
    table.astype(str).replace("nan", "").to_csv(path, index=False)
    return path


def test_norms_file_names_the_line_of_each_problem(tmp_path: Path) -> None:
    table = read_norms()
    raw = table.astype(str).replace("nan", "")
    raw.loc[3, "staff_per_patient"] = "0.5"  # fourth row (line 5) gives both values
    path = _write(tmp_path, raw)
    with pytest.raises(InputError) as err:
        read_norms(path)
    assert str(err.value) == (f"invalid input: {path}, line 5, column "
                              "'hours_per_patient_day': give exactly one of "
                              "hours_per_patient_day and staff_per_patient")
    cut = read_norms().iloc[:-1]  # ordinary / icu_nurses without 'critical'
    with pytest.raises(InputError, match=r"line 17, column 'severity'.*"
                                         r"'ordinary', cadre 'icu_nurses'.*'critical'"):
        read_norms(_write(tmp_path, cut))
    # two cadres lacking a row: reported in the file's order (nurses on line 5 before
    # icu_nurses on line 7 once rows 7 and 10 are gone), not in alphabetical order
    two = read_norms().drop(index=[5, 8])
    with pytest.raises(InputError) as err:
        read_norms(_write(tmp_path, two))
    assert [(p.row, p.message) for p in err.value.problems] == [
        (5, "norm set 'covid-2020', cadre 'nurses': no row for severity ['critical']"),
        (7, "norm set 'covid-2020', cadre 'icu_nurses': no row for severity ['critical']")]


def test_norms_file_read_back_as_floats(tmp_path: Path) -> None:
    table = read_norms()
    back = read_norms(_write(tmp_path, table))
    assert back["hours_per_patient_day"].dtype == float
    assert back["staff_per_patient"].dtype == float
    pd.testing.assert_frame_equal(back[["norm_set", "cadre", "severity",
                                        "hours_per_patient_day", "staff_per_patient"]],
                                  table[["norm_set", "cadre", "severity",
                                         "hours_per_patient_day", "staff_per_patient"]])
    # the built-in table is handed out as a copy: editing it changes nothing next time
    table.loc[0, "hours_per_patient_day"] = 99.0
    assert read_norms().loc[0, "hours_per_patient_day"] == 1.0
