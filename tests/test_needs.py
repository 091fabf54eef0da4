"""The staffing model: census severity mix, roster per patient, nesting, parameter ranges."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairaid.datasets import load_builtin
from pairaid.errors import ConfigError, InputError
from pairaid.needs import (
    census_mix,
    compute_needs,
    norm_sets,
    per_patient_needs,
    read_norms,
    roster_per_patient,
)
from pairaid.parameters import parameter_limits, parameter_values, with_overrides

# WHO Health Workforce Estimator, staff-hours per patient per 24 h, typed here from
# github.com/mrc-ide/esft data-raw/hwfe_data.csv @ 750235c5 (not read from pairaid's table):
# doctors: moderate 1 (junior resident); severe 1.338636364; critical 4.28125 + 0.18 + 0.2125
# nurses: moderate 3.5 (ward RN); severe 8.635545455 + 0.5; critical 15.528125 + 4.05
HWFE = {("doctors", "mild"): 1.0, ("doctors", "severe"): 1.338636364,
        ("doctors", "critical"): 4.28125 + 0.18 + 0.2125,
        ("nurses", "mild"): 3.5, ("nurses", "severe"): 8.635545455 + 0.5,
        ("nurses", "critical"): 15.528125 + 4.05}


def _params(**over: float) -> dict[str, float]:
    base = parameter_values(load_builtin("hubei-2020").parameters)
    return {**base, **over}


def test_roster_for_one_patient_of_each_severity_by_hand() -> None:
    p = _params(shift_hours=6, icu_shift_hours=5, shifts_per_week=6, staff_absence_share=0.05)
    roster = roster_per_patient(p).set_index(["cadre", "severity"])["roster"]
    ward_hours, icu_hours = 6 * 6 / 7, 5 * 6 / 7  # hours worked per calendar day
    for (cadre, sev), hours in HWFE.items():
        per_day = icu_hours if sev == "critical" else ward_hours
        assert roster[(cadre, sev)] == pytest.approx(hours / per_day / 0.95, rel=1e-6)
    # one mild patient: 3.5 nurse-hours / (36 h / 7 d) / 0.95 = 0.7164 nurses on the roster
    assert roster[("nurses", "mild")] == pytest.approx(0.7164, abs=1e-4)
    # one critical patient: 19.578 / (30 / 7) / 0.95 = 4.809 nurses
    assert roster[("nurses", "critical")] == pytest.approx(4.809, abs=1e-3)


def test_ordinary_norms_are_ratios_unchanged_by_shifts() -> None:
    a = roster_per_patient(_params(shift_hours=4), norm_set="ordinary")
    b = roster_per_patient(_params(shift_hours=8), norm_set="ordinary")
    assert a["roster"].tolist() == b["roster"].tolist()
    got = a.set_index(["cadre", "severity"])["roster"]
    assert got[("nurses", "mild")] == 0.4 and got[("nurses", "critical")] == 3.0


def test_census_mix_by_hand() -> None:
    p = dict(share_mild=0.8, share_severe=0.15, share_critical=0.05,
             los_mild_days=10, los_severe_days=20, los_critical_days=20)
    # weights 8, 3, 1 of 12
    assert census_mix(p) == pytest.approx({"mild": 8 / 12, "severe": 3 / 12,
                                           "critical": 1 / 12})


def test_census_mix_matches_a_simulated_ward_in_steady_state() -> None:
    # 100 admissions a day, each staying exactly its class's length of stay: after the
    # longest stay the ward holds 100 * s_i * L_i patients of class i (Little's law).
    shares = {"mild": 0.7, "severe": 0.2, "critical": 0.1}
    los = {"mild": 12, "severe": 18, "critical": 25}
    in_care = {s: 0 for s in shares}
    day = 60
    for admitted in range(day):
        for s in shares:
            if admitted + los[s] >= day:  # admitted on one of the last L days
                in_care[s] += round(100 * shares[s])
    total = sum(in_care.values())
    p = {f"share_{s}": v for s, v in shares.items()} | \
        {f"los_{s}_days": float(v) for s, v in los.items()}
    mix = census_mix(p)
    for s in shares:
        assert mix[s] == pytest.approx(in_care[s] / total)


def test_built_in_needs_are_in_the_range_of_2020_staffing() -> None:
    # Leishenshan Hospital (Cai et al. 2021): 933 doctors and 2,312 nurses for about 1,600
    # beds; Fangcang shelters: 4,966 staff for 3,972 mild patients (CCTV, 2020-02-12).
    # The model's staff per patient in care must lie between ordinary-times norms and the
    # Leishenshan roster for mostly severe patients.
    need = per_patient_needs(_params())
    staff = need["doctors"] + need["nurses"]
    ordinary = per_patient_needs(_params(), norm_set="ordinary")
    assert ordinary["doctors"] + ordinary["nurses"] < staff < (933 + 2312) / 1600
    assert staff > 4966 / 3972 * 0.8  # more than a mild-only shelter's staffing, roughly


@settings(max_examples=150, deadline=None)
@given(mild=st.floats(0, 1), severe_frac=st.floats(0, 1),
       los=st.tuples(*[st.floats(0.5, 60)] * 3), vent=st.floats(0, 1),
       shift=st.floats(0.5, 24), icu_shift=st.floats(0.5, 24), per_week=st.floats(0.5, 7),
       absent=st.floats(0, 0.95), norm_set=st.sampled_from(["covid-2020", "ordinary"]))
def test_needs_stay_nested(mild: float, severe_frac: float, los: tuple[float, ...],
                           vent: float, shift: float, icu_shift: float, per_week: float,
                           absent: float, norm_set: str) -> None:
    severe = (1 - mild) * severe_frac
    critical = 1 - mild - severe
    p = dict(share_mild=mild, share_severe=severe, share_critical=critical,
             los_mild_days=los[0], los_severe_days=los[1], los_critical_days=los[2],
             share_ventilated_of_critical=vent, beds_per_patient=1.0, shift_hours=shift,
             icu_shift_hours=icu_shift, shifts_per_week=per_week, staff_absence_share=absent)
    if critical < 0 or mild + severe + critical == 0:
        return
    need = per_patient_needs(p, norm_set=norm_set)
    assert 0 <= need["ventilators"] <= need["icu_beds"] <= need["beds"] + 1e-12
    assert 0 <= need["icu_nurses"] <= need["nurses"] + 1e-12
    assert need["doctors"] >= 0


def test_needs_table_scales_the_census() -> None:
    forecast = pd.DataFrame({"region_code": "X", "date": pd.Timestamp("2020-02-11"),
                             "target": "census", "quantile": [0.5], "value": [1000.0]})
    p = _params()
    needs = compute_needs(forecast, p).set_index("resource")["value"]
    ratios = per_patient_needs(p)
    assert set(needs.index) == set(ratios)
    for res, ratio in ratios.items():
        assert needs[res] == pytest.approx(1000 * ratio)


# c0006: parameters that break the model's own invariants are refused -----------------

def test_c0006_beds_below_icu_share_refused() -> None:
    p = _params()
    with pytest.raises(ConfigError, match="beds_per_patient.*ICU patients occupy beds"):
        with_overrides(p, {"beds_per_patient": 0.03})


def test_c0006_negative_or_impossible_values_refused_everywhere() -> None:
    p = _params()
    for name, bad in (("shift_hours", -6.0), ("staff_absence_share", 1.0),
                      ("share_ventilated_of_critical", 1.2), ("los_severe_days", 0.0),
                      ("covid_share_staff", float("nan"))):
        with pytest.raises(ConfigError, match=name):
            with_overrides(p, {name: bad})
    table = load_builtin("hubei-2020").parameters.copy()
    table.loc[table["name"] == "shift_hours", "value"] = -6.0
    with pytest.raises(InputError, match=r"parameters.csv, line \d+, column 'value'.*"
                                         r"shift_hours"):
        parameter_values(table, source="parameters.csv")


def test_every_parameter_at_and_beyond_its_valid_range() -> None:
    p = _params()
    for row in parameter_limits().itertuples():
        if row.name.startswith("share_") and row.name != "share_ventilated_of_critical":
            continue  # the three severity shares must also sum to 1, tested below
        if row.name == "beds_per_patient":
            continue  # its lower end is the critical share in care, tested in c0006
        if row.name not in p:
            continue  # a parameter of other data sets (ratio norms), not of hubei-2020
        for ok in (row.min, row.max):
            value = with_overrides(p, {row.name: ok})[row.name]
            assert value == ok
        for bad in (row.min - 1e-6, row.max + 1e-6):
            with pytest.raises(ConfigError, match=row.name):
                with_overrides(p, {row.name: bad})


def test_severity_shares_must_sum_to_one() -> None:
    with pytest.raises(ConfigError, match="sum to 1"):
        with_overrides(_params(), {"share_mild": 0.7})


def test_plausible_range_must_hold_the_value() -> None:
    table = load_builtin("hubei-2020").parameters.copy()
    table.loc[table["name"] == "shift_hours", "low"] = 7.0
    with pytest.raises(InputError, match="shift_hours.*not within its range"):
        parameter_values(table)


# norms table -------------------------------------------------------------------------

def test_builtin_norm_sets() -> None:
    assert norm_sets() == ["covid-2020", "ordinary"]
    with pytest.raises(ConfigError, match="no such staffing norm set"):
        roster_per_patient(_params(), norm_set="nope")


@pytest.mark.parametrize("edit, where", [
    (lambda t: t.drop(columns="source"), "column 'source': missing required column"),
    (lambda t: t.assign(severity=t["severity"].replace("mild", "light")), "line 2, column "
     "'severity'"),
    (lambda t: t.assign(hours_per_patient_day=t["hours_per_patient_day"].replace(
        "1.0", "-1")), "line 2, column 'hours_per_patient_day'"),
    (lambda t: t.assign(staff_per_patient=np.where(t.index == 0, "0.3",
                                                   t["staff_per_patient"])),
     "exactly one"),
    (lambda t: pd.concat([t, t.iloc[[0]]]), "line 20, column 'norm_set': duplicated key"),
])
def test_bad_norms_file_named_with_line_and_column(tmp_path: Path, edit, where) -> None:
    table = read_norms()
    raw = table.astype(str).replace("nan", "")
    raw = edit(raw)
    path = tmp_path / "staffing_norms.csv"
    raw.to_csv(path, index=False)
    with pytest.raises(InputError, match=where):
        read_norms(path)
