"""Census severity mix from reported severe and critical patients in care."""

from __future__ import annotations

import warnings
from datetime import date

import pandas as pd
import pytest

from pairaid.datasets import load_builtin
from pairaid.needs import compute_needs, per_patient_needs
from pairaid.severity import (
    REPORT_VALID_DAYS,
    mix_on,
    mixes_during,
    mixes_on,
    reported_mixes,
)


def _cases(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["date", "region_code", "confirmed_cum", "deaths_cum",
                                        "recovered_cum", "severe_in_care",
                                        "critical_in_care"])
    frame["date"] = pd.to_datetime(frame["date"])
    for col in frame.columns[2:]:
        frame[col] = frame[col].astype("Int64")
    return frame


def test_reported_mix_by_hand() -> None:
    # census 1,000 - 50 - 150 = 800; 120 severe and 40 critical: 15 % and 5 %
    cases = _cases([("2020-02-10", "A", 1000, 50, 150, 120, 40),
                    ("2020-02-11", "A", 1000, 50, 150, None, None),
                    ("2020-02-10", "B", 100, 0, 0, 90, 30)])  # more than the census
    mixes = reported_mixes(cases).set_index("region_code")
    assert mixes.loc["A", "severe"] == pytest.approx(0.15)
    assert mixes.loc["A", "critical"] == pytest.approx(0.05)
    assert mixes.loc["A", "mild"] == pytest.approx(0.80)
    # capped so that the classes stay nested in the census: 90:30 scaled to 75 % : 25 %
    assert mixes.loc["B", "severe"] == pytest.approx(0.75)
    assert mixes.loc["B", "critical"] == pytest.approx(0.25)
    assert mixes.loc["B", "mild"] == pytest.approx(0.0)


def test_a_report_is_used_for_a_length_of_stay_then_the_model() -> None:
    cases = _cases([("2020-02-10", "A", 1000, 50, 150, 120, 40)])
    mixes = reported_mixes(cases)
    assert mix_on(mixes, "A", date(2020, 2, 9)) is None  # not before the report
    assert mix_on(mixes, "A", date(2020, 2, 10 + REPORT_VALID_DAYS)) is not None
    assert mix_on(mixes, "A", date(2020, 2, 11 + REPORT_VALID_DAYS)) is None
    assert mix_on(mixes, "B", date(2020, 2, 10)) is None


def test_mixes_during_takes_the_latest_report_of_each_day() -> None:
    # reports on 02-10 (15 % severe) and 02-20 (a quarter of 800 = 200 severe, 40 critical)
    cases = _cases([("2020-02-10", "A", 1000, 50, 150, 120, 40),
                    ("2020-02-20", "A", 1000, 50, 150, 200, 40),
                    ("2020-02-15", "B", 100, 0, 0, 10, 10)])
    mixes = reported_mixes(cases)
    days = [date(2020, 2, 9), date(2020, 2, 19), date(2020, 2, 20),
            date(2020, 3, 5), date(2020, 3, 6), date(2020, 2, 10)]  # any order
    got = mixes_during(mixes, "A", days)
    assert got[0] is None and got[4] is None  # before any report; 02-20 + 15 days
    assert got[1]["severe"] == pytest.approx(0.15)  # the 02-10 report, 9 days old
    assert got[2]["severe"] == pytest.approx(0.25) and got[3] == got[2]  # 02-20's, 14 days
    assert got[5]["severe"] == pytest.approx(0.15)  # on the day of the first report
    assert got == [mix_on(mixes, "A", d) for d in days]
    assert mixes_during(mixes, "C", days) == [None] * len(days)


def test_which_reports_count_by_hand() -> None:
    """A report counts only with both classes given and a census above 0: one of a single
    patient in care counts (1 severe: 100 %), one without severe or critical patients is
    all mild, one with only the severe count or an empty census (confirmed = deaths +
    recovered) does not, and the earlier report stays in use; no numpy warning on the way
    (the shares are scaled only when severe + critical exceed the census)."""
    cases = _cases([("2020-02-10", "A", 100, 10, 10, 8, 4),  # census 80: 10 %, 5 %
                    ("2020-02-11", "A", 100, 10, 10, 20, None),  # critical not given
                    ("2020-02-12", "A", 100, 40, 60, 0, 0),  # census 0
                    ("2020-02-10", "B", 3, 1, 1, 1, 0),  # census 1
                    ("2020-02-10", "C", 50, 0, 0, 0, 0)])  # no severe or critical
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mixes = reported_mixes(cases)
    assert mixes[["region_code", "date"]].astype(str).values.tolist() == [
        ["A", "2020-02-10"], ["B", "2020-02-10"], ["C", "2020-02-10"]]
    assert mix_on(mixes, "A", date(2020, 2, 12)) == pytest.approx(
        {"mild": 0.85, "severe": 0.10, "critical": 0.05})
    assert mix_on(mixes, "B", date(2020, 2, 10)) == {"mild": 0.0, "severe": 1.0,
                                                     "critical": 0.0}
    assert mix_on(mixes, "C", date(2020, 2, 10)) == {"mild": 1.0, "severe": 0.0,
                                                     "critical": 0.0}


def test_without_reported_counts_no_mix_and_a_shorter_validity() -> None:
    """A cases table without the two columns gives an empty mixes table with its columns
    (every region then takes the model mix); ``valid_days`` shortens a report's use."""
    cases = _cases([("2020-02-10", "A", 1000, 50, 150, 120, 40)])
    bare = cases.drop(columns=["severe_in_care", "critical_in_care"])
    none = reported_mixes(bare)
    assert none.empty
    assert list(none.columns) == ["region_code", "date", "mild", "severe", "critical"]
    assert mixes_on(bare, ["A"], date(2020, 2, 10)) == {}
    mixes = reported_mixes(cases)
    assert mix_on(mixes, "A", date(2020, 2, 13), valid_days=3) is not None
    assert mix_on(mixes, "A", date(2020, 2, 14), valid_days=3) is None
    assert mix_on(mixes, "A", date(2020, 2, 14)) is not None  # 4 days < 14


def test_needs_use_a_region_s_reported_mix() -> None:
    params = dict(share_mild=0.8, share_severe=0.15, share_critical=0.05,
                  share_ventilated_of_critical=0.5, beds_per_patient=1.0,
                  doctors_per_ward_patient=0.2, nurses_per_ward_patient=0.4,
                  doctors_per_icu_patient=0.8, nurses_per_icu_patient=3.0)
    forecast = pd.DataFrame({"region_code": ["A", "B"], "date": pd.Timestamp("2020-02-11"),
                             "target": "census", "quantile": 0.5, "value": 1000.0})
    mix = {"mild": 0.9, "severe": 0.08, "critical": 0.02}
    needs = compute_needs(forecast, params, mixes={"A": mix}).set_index(
        ["region_code", "resource"])["value"]
    # A: ward 0.98 x 0.4 + ICU 0.02 x 3 = 0.452 nurses per patient; B: the model's 0.53
    assert needs[("A", "nurses")] == pytest.approx(452)
    assert needs[("A", "icu_beds")] == pytest.approx(20)
    assert needs[("B", "nurses")] == pytest.approx(530)
    assert needs[("A", "ventilators")] <= needs[("A", "icu_beds")] <= needs[("A", "beds")]
    assert per_patient_needs(params, mix=mix)["nurses"] == pytest.approx(0.452)


def test_builtin_reports_lower_the_severe_share_of_three_cities() -> None:
    # Huangshi 2020-02-10: 53 severe and 20 critical in care (city bulletin), census 748
    ds = load_builtin("hubei-2020")
    mixes = mixes_on(ds.cases, ["420200", "420300", "421000", "421100"], date(2020, 2, 10))
    assert set(mixes) == {"420200", "420300", "421000"}
    assert mixes["420200"]["severe"] == pytest.approx(53 / 748)
    assert mixes["420200"]["critical"] == pytest.approx(20 / 748)
