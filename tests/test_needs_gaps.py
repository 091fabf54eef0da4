"""Needs from census, gaps and donor capacity, against hand-computed values."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pairaid.gaps import compute_gaps, donor_capacities
from pairaid.needs import compute_needs

# Equal lengths of stay make the census mix equal to the incident mix (80/15/5), and the
# "ordinary" norm set is ratios of staff per patient (ward 0.2 doctors, 0.4 nurses; ICU 0.8,
# 3.0), so every figure below can be checked by hand.
PARAMS = dict(share_mild=0.8, share_severe=0.15, share_critical=0.05,
              los_mild_days=10.0, los_severe_days=10.0, los_critical_days=10.0,
              share_ventilated_of_critical=0.5, beds_per_patient=1.0,
              shift_hours=6.0, icu_shift_hours=6.0, shifts_per_week=7.0,
              staff_absence_share=0.0,
              covid_share_beds=0.2, covid_share_staff=0.1, deployable_share=0.01)
NORMS = "ordinary"


def _forecast(values: dict[float, float]) -> pd.DataFrame:
    return pd.DataFrame({"region_code": "X", "date": pd.Timestamp("2020-02-11"),
                         "target": "census", "quantile": list(values),
                         "value": list(values.values()), "estimated": False})


def test_needs_hand_computed_and_nested() -> None:
    # 1,000 patients: 950 on wards, 50 in ICU (25 ventilated).
    needs = compute_needs(_forecast({0.5: 1000.0}), PARAMS, norm_set=NORMS)
    needs = needs.set_index("resource")["value"]
    assert needs["beds"] == pytest.approx(1000)  # ICU patients also occupy a bed
    assert needs["icu_beds"] == pytest.approx(50)
    assert needs["ventilators"] == pytest.approx(25)
    assert needs["doctors"] == pytest.approx(950 * 0.2 + 50 * 0.8)  # 230
    assert needs["nurses"] == pytest.approx(950 * 0.4 + 50 * 3.0)  # 530
    assert needs["ventilators"] <= needs["icu_beds"] <= needs["beds"]


def test_needs_quantiles_stay_monotone() -> None:
    needs = compute_needs(_forecast({0.05: 500.0, 0.5: 1000.0, 0.95: 2000.0}), PARAMS,
                          norm_set=NORMS)
    for _, grp in needs.groupby("resource"):
        assert grp.sort_values("quantile")["value"].is_monotonic_increasing


def test_severity_shares_must_add_up() -> None:
    from pairaid.errors import InputError
    from pairaid.parameters import parameter_values

    table = pd.DataFrame({"name": ["share_mild", "share_severe", "share_critical"],
                          "value": [0.8, 0.15, 0.1]})
    with pytest.raises(InputError, match="must sum to 1"):
        parameter_values(table, required=())


def test_gap_is_need_above_covid_share_of_capacity() -> None:
    needs = compute_needs(_forecast({0.5: 1000.0}), PARAMS, norm_set=NORMS)
    caps = pd.DataFrame({"region_code": "X", "resource": ["beds", "doctors", "nurses"],
                         "quantity": [4000.0, 1000.0, 3000.0], "estimated": [False, True,
                                                                              False]})
    gaps = compute_gaps(needs, caps, quantile=0.5, parameters=PARAMS).set_index("resource")
    assert gaps.loc["beds", "available"] == pytest.approx(800)
    assert gaps.loc["beds", "gap"] == pytest.approx(200)
    assert gaps.loc["doctors", "gap"] == pytest.approx(230 - 100)
    assert bool(gaps.loc["doctors", "estimated"]) is True
    assert gaps.loc["nurses", "gap"] == pytest.approx(530 - 300)


def test_no_negative_gap() -> None:
    needs = compute_needs(_forecast({0.5: 10.0}), PARAMS, norm_set=NORMS)
    caps = pd.DataFrame({"region_code": "X", "resource": ["nurses"], "quantity": [1e6],
                         "estimated": [False]})
    gaps = compute_gaps(needs, caps, quantile=0.5, parameters=PARAMS)
    assert (gaps["gap"] == 0).all()


def test_donor_capacity_subtracts_only_own_need_beyond_its_own_covid_staff() -> None:
    caps = pd.DataFrame({"region_code": "D", "resource": ["doctors", "nurses"],
                         "quantity": [50_000.0, 60_000.0], "estimated": [False, False]})
    cases = pd.DataFrame({"date": pd.to_datetime(["2020-02-10"]), "region_code": ["D"],
                          "confirmed_cum": pd.array([1300], "Int64"),
                          "deaths_cum": pd.array([100], "Int64"),
                          "recovered_cum": pd.array([200], "Int64")})
    # census 1,300 - 100 - 200 = 1,000 (deaths and recoveries lower it)
    kw = dict(donors=["D"], decision_date=date(2020, 2, 10), norm_set=NORMS)
    # its own COVID-19 staff (10 %: 5,000 doctors, 6,000 nurses) cover its own need
    # (230 doctors, 530 nurses), so everything deployable (1 %) can be sent
    out = donor_capacities(caps, cases, parameters=PARAMS, **kw).set_index("resource")
    assert out.loc["doctors", "own_census"] == 1000
    assert out.loc["doctors", "own_need"] == pytest.approx(230)
    assert out.loc["doctors", "capacity"] == 500 and out.loc["nurses", "capacity"] == 600
    # an overwhelmed donor (0.2 % for COVID-19: 100 doctors, 120 nurses) keeps back the
    # excess: doctors 500 - (230 - 100) = 370, nurses 600 - (530 - 120) = 190
    tight = dict(PARAMS, covid_share_staff=0.002)
    out = donor_capacities(caps, cases, parameters=tight, **kw).set_index("resource")
    assert out.loc["doctors", "capacity"] == 370
    assert out.loc["nurses", "capacity"] == 190
    assert bool(out.loc["nurses", "own_need_known"])
